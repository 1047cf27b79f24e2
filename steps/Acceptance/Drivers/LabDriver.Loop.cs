using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>Function calls, the Blynk side, the echo and the journal's legs, for the L3–L6 and timing steps.</summary>
public sealed partial class LabDriver
{
    /// <summary>The answer of the last call a step made through the Particle API.</summary>
    public FunctionCallResponse? LastCall { get; private set; }

    /// <summary>The answer of the last plain Particle API request.</summary>
    public ApiAnswer? LastAnswer { get; private set; }

    /// <summary>When the device was powered on, on the harness clock.</summary>
    public DateTimeOffset? PoweredOnAt { get; private set; }

    /// <summary>When the last call a step made through the Particle API was sent, on the harness clock.</summary>
    public DateTimeOffset? LastCallAt { get; private set; }

    /// <summary>How many publishes the device had made when the last call went out (null: no call yet).</summary>
    public int? PublishesBeforeLastCall { get; private set; }

    /// <param name="parameter">The request's field for the argument: "args" (the Blynk webhook's) or "arg" (the Particle API reference's).</param>
    public async Task<FunctionCallResponse> CallFunctionAsync(string function, string argument, string parameter = "args")
    {
        var target = await StartAsync();
        PublishesBeforeLastCall = PublishCount;
        LastCallAt = target.Time.Now;
        LastCall = await target.Particle.CallFunctionAsync(target.Lab.DeviceId, function, argument, parameter: parameter);
        return LastCall;
    }

    /// <summary>
    /// Whether the firmware republished after the last call: a publish of the device after the call (counted on the event
    /// stream, not by timestamps: a real cloud's clock is not ours). Only the first
    /// one is the call's own — the republish writes V16 through the Particle webhook, and Blynk's V16 webhook may call
    /// blynk_led back (a contract choice, docs/contract-choices.md) and publish again. Waits up to
    /// <paramref name="within"/> for it (on virtual time everything due has settled already).
    /// </summary>
    public async Task<bool> RepublishedAfterLastCallAsync(TimeSpan within)
    {
        var before = PublishesBeforeLastCall ?? throw new InvalidOperationException("No function was called through the Particle API.");
        return await WaitUntilAsync(() => PublishCount > before, within);
    }

    public async Task<ApiAnswer> GetParticleApiAsync(string path, string? accessToken = null)
    {
        var target = await StartAsync();
        LastAnswer = await target.Particle.GetAsync(path, accessToken);
        return LastAnswer;
    }

    /// <summary>Publishes an event through the Particle API (POST /v1/devices/events); the answer becomes <see cref="LastAnswer"/>.</summary>
    public async Task<ApiAnswer> PublishEventAsync(string name, string data)
    {
        var target = await StartAsync();
        LastAnswer = await target.Particle.PublishEventAsync(name, data);
        return LastAnswer;
    }

    /// <summary>The names in "functions" of the last device answer (GET /v1/devices/{id}).</summary>
    public IReadOnlyList<string> ListedFunctions()
    {
        using var json = JsonDocument.Parse(LastAnswer!.Body);
        return json.RootElement.TryGetProperty("functions", out var functions) && functions.ValueKind == JsonValueKind.Array
            ? [.. functions.EnumerateArray().Select(f => f.GetString() ?? "")]
            : throw new InvalidOperationException($"The answer lists no functions: {Secrets.Redact(LastAnswer.Body)}");
    }

    /// <summary>Every hop of one leg with one outcome, in recorded order.</summary>
    public IReadOnlyList<Hop> Hops(Leg leg, HopOutcome outcome) => [.. Journal.Hops.Where(h => h.Leg == leg && h.Outcome == outcome)];

    /// <summary>Every hop of one leg, in order.</summary>
    public IReadOnlyList<Hop> Hops(Leg leg) => [.. Journal.Hops.Where(h => h.Leg == leg)];

    /// <summary>Hops only the clouds' own feed records (their requests and answers): the scenario must declare cloud-internals.</summary>
    public IReadOnlyList<Hop> InternalHops(HopKind kind, string what)
    {
        Require(Capability.CloudInternals, what);
        return [.. Journal.Hops.Where(h => h.Kind == kind)];
    }

    /// <summary>Function calls the Particle Cloud received with this method and path (the request as it arrived).</summary>
    public IReadOnlyList<HttpExchange> ParticleReceived(string method, string path) =>
        [.. InternalHops(HopKind.FunctionCall, "What the Particle Cloud received").Select(h => h.Http).OfType<HttpExchange>().Where(r => r.Method == method && r.Path == path)];

    /// <summary>The first accepted Blynk write (L3) at or after <paramref name="at"/> that sets V17 to <paramref name="value"/>: the LED echo arriving.</summary>
    public Hop? V17WriteAfter(DateTimeOffset at, string value) =>
        Journal.Hops.FirstOrDefault(h => h.At >= at && h.Kind == HopKind.DatastreamWrite && h.Outcome == HopOutcome.Delivered
            && HopValues.Written(h).Any(w => w.Pin == "V17" && w.Value == value));

    /// <summary>
    /// <see cref="V17WriteAfter(DateTimeOffset, string)"/> for a wait: looks only at hops after sequence <paramref name="seen"/>
    /// and moves it past the hops that are settled, so each check costs what is new, not the whole journal. A hop still
    /// pending (completed in place later) is looked at again.
    /// </summary>
    public Hop? V17WriteAfter(DateTimeOffset at, string value, ref long seen)
    {
        Hop? found = null;
        var settled = seen;
        var pending = false;
        foreach (var h in Journal.Since(seen))
        {
            if (found is null && h.At >= at && h.Kind == HopKind.DatastreamWrite && h.Outcome == HopOutcome.Delivered
                && HopValues.Written(h).Any(w => w.Pin == "V17" && w.Value == value))
            {
                found = h;
            }

            pending |= h.Outcome == HopOutcome.Pending;
            if (!pending)
            {
                settled = h.Sequence;
            }
        }

        seen = settled;
        return found;
    }

    /// <summary>
    /// Writes a pin from the Blynk app (the webhook fires as the app makes it), then lets time run until V17 echoes the
    /// value or <paramref name="limit"/> passes (a toggle dropped by the quota never echoes). Returns when it switched.
    /// </summary>
    public async Task<DateTimeOffset> SwitchFromAppAndAwaitEchoAsync(string pin, string value, TimeSpan limit)
    {
        var target = await StartAsync();
        var seen = Journal.Count;
        var switchedAt = await target.Blynk.SwitchFromAppAsync(pin, value);
        await WaitUntilAsync(() => V17WriteAfter(switchedAt, value, ref seen) is not null, limit);
        return switchedAt;
    }

    /// <summary>Toggles a pin from the Blynk app <paramref name="times"/> times (1, 0, 1, …), letting <paramref name="apart"/> pass after each.</summary>
    public async Task ToggleFromAppAsync(string pin, int times, TimeSpan apart)
    {
        var target = await StartAsync();
        for (var i = 0; i < times; i++)
        {
            await target.Blynk.SwitchFromAppAsync(pin, i % 2 == 0 ? "1" : "0");
            await target.Time.PassAsync(apart);
        }
    }

    /// <summary>The Blynk webhook's executions (cloud-internals: no real cloud shows them) that ended with <paramref name="outcome"/>.</summary>
    public IReadOnlyList<Hop> BlynkWebhookCalls(Func<HopOutcome, bool> outcome) =>
        [.. InternalHops(HopKind.BlynkWebhook, "The Blynk webhook's own log").Where(h => !h.Inferred && outcome(h.Outcome))];

    /// <summary>The raw JSON text of a field of the last publish (e.g. "3.141590" for v15).</summary>
    public string LastPayloadField(string field) => PayloadField(^1, field);

    /// <summary>The Blynk token the last publish carried in "t".</summary>
    public string LastPublishToken() => JsonSerializer.Deserialize<string>(LastPayloadField("t"))!;

    /// <summary>Whether Blynk holds a field of the last publish as the same number (3.141590 published, 3.14159 stored).</summary>
    public async Task<bool> StoredAsPublishedAsync(string field) =>
        (await BlynkAsync(field.ToUpperInvariant())).Value is { Length: > 0 } stored
        && double.Parse(stored, CultureInfo.InvariantCulture) == double.Parse(LastPayloadField(field), CultureInfo.InvariantCulture);

    /// <summary>Whether the last device listing (GET /v1/devices) shows the lab's device online; null when it is not listed.</summary>
    public bool? ListedOnline()
    {
        using var json = JsonDocument.Parse(LastAnswer!.Body);
        return json.RootElement.EnumerateArray()
            .Where(d => d.GetProperty("id").GetString() == Target.Lab.DeviceId)
            .Select(d => (bool?)d.GetProperty("online").GetBoolean())
            .SingleOrDefault();
    }

    /// <summary>
    /// The echo's hops (cloud-internals, virtual time): how long the Blynk webhook (L4) and the function call (L5) took,
    /// and the republish (L6) after the call returned. Null when a hop is missing or happened more than once.
    /// </summary>
    public (TimeSpan Webhook, TimeSpan Call, TimeSpan Republish)? EchoLatencies()
    {
        var webhook = BlynkWebhookCalls(o => o == HopOutcome.Delivered);
        var returns = InternalHops(HopKind.FunctionReturn, "The function call's own timing").Where(h => h.Outcome == HopOutcome.Delivered).ToList();
        var republish = Journal.Hops.Where(h => h.Kind == HopKind.Echo).ToList();
        if (webhook.Count != 1 || returns.Count != 1 || republish.Count != 1)
        {
            return null;
        }

        return (webhook[0].Duration ?? TimeSpan.Zero, returns[0].Duration ?? TimeSpan.Zero, republish[0].At - returns[0].At);
    }

    /// <summary>Records the values a probe takes whenever something changes, for <paramref name="span"/>.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, T Value)>> WatchAsync<T>(Func<Task<T>> probe, TimeSpan span)
    {
        var target = await StartAsync();
        var seen = new List<(DateTimeOffset, T)> { (target.Time.Now, await probe()) };
        await target.Time.WaitUntilAsync(
            async () =>
            {
                var value = await probe();
                if (!EqualityComparer<T>.Default.Equals(value, seen[^1].Item2))
                {
                    seen.Add((target.Time.Now, value));
                }

                return false;
            },
            span);
        return seen;
    }

    internal void MarkPoweredOn(DateTimeOffset at) => PoweredOnAt ??= at;

    /// <summary>"Name: value" split at its first colon, the value trimmed.</summary>
    public static (string Name, string Value) HeaderLine(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (line[..colon].Trim(), line[(colon + 1)..].Trim()) : throw new ArgumentException($"'{line}' is not 'Name: value'", nameof(line));
    }

    /// <summary>Parses a JSON body for comparison regardless of whitespace.</summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement);
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
