using System.Globalization;
using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

/// <summary>Which cloud a probe talks to (a probe may read the other one to see an effect).</summary>
public enum Service
{
    Particle,
    Blynk,
}

/// <summary>What kind of contract fact a probe checks.</summary>
public enum ProbeKind
{
    /// <summary>A fact a public source states: the mock implements it as documented.</summary>
    Fact,

    /// <summary>An UNCONFIRMED behaviour (or one the docs contradict): the mock picked one documented alternative.</summary>
    Choice,
}

/// <summary>What a probe needs from the target before it may send anything.</summary>
public enum Need
{
    ParticleToken,

    /// <summary>A test device of the account, online, running the doc's firmware (its <c>blynk_led</c> function).</summary>
    ParticleDevice,

    /// <summary>A device of the account that is offline now (e.g. the test board unplugged, or a second board).</summary>
    ParticleOfflineDevice,

    BlynkToken,

    /// <summary>The doc's whole integration: its Particle webhook, its Blynk V16 webhook, the board on the doc's firmware with this Blynk token.</summary>
    Integration,

    /// <summary>The Particle webhook <c>contractprobe_render</c> (docs/contract-probes.md gives its JSON).</summary>
    RenderWebhook,

    /// <summary>The Particle webhook <c>contractprobe_region</c>, pointed at a Blynk region that is not the device's.</summary>
    RegionWebhook,
}

/// <summary>
/// Where a fact is stated: a section and line of <c>shared/reference/contracts.md</c> and a few words that stand on that
/// line (a test checks them, so a citation cannot silently drift when the file changes).
/// </summary>
public sealed record Citation(string Section, int Line, string Quote)
{
    /// <summary>The file under shared/reference/ (contracts.md, or particle-clients.md for what only the client study found).</summary>
    public string Document { get; init; } = "contracts.md";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Document} {Section} L{Line}");
}

/// <summary>
/// What a probe saw: the documented alternative (a short label) and the evidence behind it, tokens masked. For a choice,
/// <see cref="Settings"/> are the lab-file settings that make the mock answer the same (null: no lab option models it).
/// </summary>
public sealed record Observation(string Answer, string Evidence)
{
    public IReadOnlyList<LabSetting>? Settings { get; init; }
}

/// <summary>
/// One lab-file setting (a JSON path in the lab file and its value) that makes the mock give an answer a service gave:
/// what <c>--write-lab-config</c> writes. A path segment <c>[*]</c> means every element of that array.
/// </summary>
public sealed record LabSetting(string Path, JsonNode? Value)
{
    /// <summary>JSON as people read it: "doesn't", not "doesn\u0027t".</summary>
    public static System.Text.Json.JsonSerializerOptions Readable { get; } = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public override string ToString() => $"{Path} = {Value?.ToJsonString(Readable).Replace("\n", "", StringComparison.Ordinal) ?? "null"}";
}

/// <summary>
/// One contract probe: a short request sequence and a classifier that says which documented alternative the service
/// under test showed. A probe states its source line, what it needs, its request budget and pause, and what it changes
/// (and restores) on a real service.
/// </summary>
public sealed record Probe
{
    /// <summary>Stable id, e.g. <c>particle.auth.invalid-token</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The fact, in one line.</summary>
    public required string Fact { get; init; }

    public required Service Service { get; init; }

    public required ProbeKind Kind { get; init; }

    public required Citation Source { get; init; }

    /// <summary>Other lines stating the same fact (e.g. §9's list of unknowns).</summary>
    public IReadOnlyList<Citation> AlsoCites { get; init; } = [];

    /// <summary>The documented alternatives, as the answers the classifier gives (anything else is reported as it was seen).</summary>
    public required IReadOnlyList<string> Alternatives { get; init; }

    /// <summary>What the mock answers with a given lab configuration (its documented choice, or the option set in that lab).</summary>
    public required Func<MockView, string> MockAnswer { get; init; }

    /// <summary>The request sequence and the classifier.</summary>
    public required Func<ProbeContext, Task<Observation>> Run { get; init; }

    public IReadOnlyList<Need> Needs { get; init; } = [Need.ParticleToken];

    /// <summary>At most this many requests, restores included; a probe that would send more is stopped.</summary>
    public int MaxRequests { get; init; } = 2;

    /// <summary>Pause between two requests against a real service (none against a lab).</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>What the probe changes on a real service and how it puts it back ("none" for read-only probes).</summary>
    public string Changes { get; init; } = "none (read-only)";

    /// <summary>Takes long whatever the target (it measures a period); the self-test runs it only for the flips that concern it.</summary>
    public bool Slow { get; init; }

    /// <summary>A caveat a reader of the drift report needs (e.g. "depends on where you are").</summary>
    public string? Note { get; init; }
}
