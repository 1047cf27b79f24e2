using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

/// <summary>
/// Every contract fact the mocks embody, as a probe (issue 15). One partial file per area: Particle auth and devices,
/// function calls, event streams, webhook rendering; Blynk reads, writes and datastream rules, regions, webhooks.
/// The order is the run order: probes that make the board republish come before those that read telemetry, the loop
/// probes (which switch V16) after them, and the keep-alive probes last (their stream has been listening all along).
/// </summary>
public static partial class ContractCatalogue
{
    /// <summary>The catalogue, in run order.</summary>
    public static IReadOnlyList<Probe> All { get; } =
    [
        .. ParticleAuthAndDevices(),
        .. ParticleFunctionCalls(),
        .. ParticleEventStreams(),
        .. ParticleWebhooks(),
        .. BlynkReads(),
        .. BlynkWrites(),
        .. BlynkRegionsAndTokens(),
        .. BlynkWebhooks(),
        .. ParticleKeepAlive(),
    ];

    public static Probe ById(string id) =>
        All.FirstOrDefault(p => p.Id == id) ?? throw new KeyNotFoundException($"No probe '{id}' in the catalogue.");

    /// <summary>A line of contracts.md.</summary>
    private static Citation C(string section, int line, string quote) => new(section, line, quote);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static LabSetting Set(string path, string? value) => new(path, value is null ? null : JsonValue.Create(value));

    private static LabSetting Set(string path, int value) => new(path, JsonValue.Create(value));

    private static LabSetting Set(string path, bool value) => new(path, JsonValue.Create(value));

    private static IReadOnlyList<LabSetting> Settings(params LabSetting[] settings) => settings;

    /// <summary>A syntactically valid Particle token no account has (40 random hex).</summary>
    private static string UnknownParticleToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>A syntactically valid Blynk token no device has (24 random bytes, base64url).</summary>
    private static string UnknownBlynkToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Particle's error shapes as one label: "403 Permission Denied", "404 Function &lt;name&gt; not found", "401".</summary>
    private static string ParticleError(ProbeResponse answer, string? function = null)
    {
        var error = answer.JsonText("error");
        if (error is null)
        {
            return answer.Body.Length == 0 ? I($"{answer.Status}") : I($"{answer.Status} {ProbeResponse.Short(answer.Body.Trim(), 80)}");
        }

        if (function is not null)
        {
            error = error.Replace(function, "<name>", StringComparison.Ordinal);
        }

        return I($"{answer.Status} {error}");
    }

    /// <summary>The error text of a configured mock body ({"ok":false,"error":"…"} → its error), for the mock's own answer.</summary>
    private static string MockError(int status, string body) => ParticleError(new ProbeResponse(status, body));

    /// <summary>Blynk's answers as one label: 400 error "Invalid token." (its JSON shape), 400 text "…" (any other body).</summary>
    private static string BlynkAnswer(ProbeResponse answer)
    {
        if (answer.BlynkErrorMessage is { } message)
        {
            return I($"{answer.Status} error \"{message}\"");
        }

        return answer.Body.Length == 0 ? I($"{answer.Status} empty body") : I($"{answer.Status} text \"{ProbeResponse.Short(answer.Body, 60)}\"");
    }

    private static bool IsTypeMismatch(ProbeResponse answer) =>
        answer.Status == 400 && answer.BlynkErrorMessage?.StartsWith("Value doesn't match the Datastream data type", StringComparison.Ordinal) == true;
}
