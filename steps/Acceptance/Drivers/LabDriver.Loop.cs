using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>Function calls, the journal's legs and the Blynk side, for the L3–L6 and timing steps.</summary>
public sealed partial class LabDriver
{
    /// <summary>The answer of the last call a step made through the Particle API.</summary>
    public FunctionCallResponse? LastCall { get; private set; }

    /// <summary>The answer of the last plain Particle API request.</summary>
    public ApiAnswer? LastAnswer { get; private set; }

    /// <summary>When the device was powered on, on the harness clock.</summary>
    public DateTimeOffset? PoweredOnAt { get; private set; }

    public async Task<FunctionCallResponse> CallFunctionAsync(string function, string argument)
    {
        var target = await StartAsync();
        LastCall = await target.Particle.CallFunctionAsync(Options.DeviceId, function, argument);
        return LastCall;
    }

    public async Task<ApiAnswer> GetParticleApiAsync(string path, string? accessToken = null)
    {
        var target = await StartAsync();
        LastAnswer = await target.Particle.GetAsync(path, accessToken);
        return LastAnswer;
    }

    /// <summary>Requests the Particle Cloud received with this method and path; a target that cannot see them skips the scenario with the reason.</summary>
    public IReadOnlyList<ReceivedRequest> ParticleReceived(string method, string path) =>
        (Target.Particle.ReceivedRequests(path)
            ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{Target.Name}' cannot see the requests the Particle Cloud receives."))
        .Where(r => r.Method == method && r.Path == path).ToList();

    /// <summary>The first accepted Blynk write (L3) at or after <paramref name="at"/> that sets V17 to <paramref name="value"/>: the LED echo arriving.</summary>
    public Hop? V17WriteAfter(DateTimeOffset at, string value) =>
        Journal.Hops.FirstOrDefault(h => h.At >= at && h.Leg == Leg.L3 && h.Outcome == HopOutcome.Delivered
            && QueryOf(h).Any(p => p.Key == "V17" && p.Value == value));

    /// <summary>Hops of one leg with one outcome, in recorded order.</summary>
    public IReadOnlyList<Hop> Hops(Leg leg, HopOutcome outcome) =>
        Journal.Hops.Where(h => h.Leg == leg && h.Outcome == outcome).ToList();

    /// <summary>
    /// Writes a pin from the Blynk app (the webhook fires as the app makes it), then lets time run until V17 echoes
    /// the value or <paramref name="limit"/> passes (a toggle dropped by the quota never echoes). Returns when it switched.
    /// </summary>
    public async Task<DateTimeOffset> SwitchFromAppAndAwaitEchoAsync(string pin, string value, TimeSpan limit)
    {
        var target = await StartAsync();
        var switchedAt = target.Time.Now;
        await target.Blynk.SwitchFromAppAsync(pin, value);
        await target.Time.WaitUntilAsync(() => Blynk("V17").Value == value, limit);
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

    /// <summary>The Blynk webhook's calls to the Particle API with one outcome (not its notification emails).</summary>
    public IReadOnlyList<Hop> BlynkWebhookCalls(HopOutcome outcome) =>
        Hops(Leg.L4, outcome).Where(h => h.Action.StartsWith("POST ", StringComparison.Ordinal)).ToList();

    /// <summary>The raw JSON text of a field of the last publish (e.g. "3.141590" for v15).</summary>
    public string LastPayloadField(string field) => PayloadField(^1, field);

    /// <summary>The Blynk token the last publish carried in "t".</summary>
    public string LastPublishToken() => JsonSerializer.Deserialize<string>(LastPayloadField("t"))!;

    /// <summary>Whether Blynk holds a field of the last publish as the same number (3.141590 published, 3.14159 stored).</summary>
    public bool StoredAsPublished(string field) =>
        Blynk(field.ToUpperInvariant()).Value is { } stored
        && double.Parse(stored, CultureInfo.InvariantCulture) == double.Parse(LastPayloadField(field), CultureInfo.InvariantCulture);

    /// <summary>Whether the last device listing (GET /v1/devices) shows the lab's device online; null when it is not listed.</summary>
    public bool? ListedOnline()
    {
        using var json = JsonDocument.Parse(LastAnswer!.Body);
        return json.RootElement.EnumerateArray()
            .Where(d => d.GetProperty("id").GetString() == Options.DeviceId)
            .Select(d => (bool?)d.GetProperty("online").GetBoolean())
            .SingleOrDefault();
    }

    /// <summary>The echo's hops on the journal: how long the Blynk webhook (L4) and the function call (L5) took, and the
    /// republish (L6) after the call returned. Null when a hop is missing or happened more than once.</summary>
    public (TimeSpan Webhook, TimeSpan Call, TimeSpan Republish)? EchoLatencies()
    {
        var webhook = Hops(Leg.L4, HopOutcome.Delivered);
        var call = Hops(Leg.L5, HopOutcome.Delivered);
        var republish = Hops(Leg.L6, HopOutcome.Delivered);
        if (webhook.Count != 1 || call.Count != 1 || republish.Count != 1)
        {
            return null;
        }

        var returned = call[0].At + (call[0].Duration ?? TimeSpan.Zero);
        return (webhook[0].Duration ?? TimeSpan.Zero, call[0].Duration ?? TimeSpan.Zero, republish[0].At - returned);
    }

    /// <summary>Records the values a probe takes at every event of the clock for <paramref name="span"/>.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, T Value)>> WatchAsync<T>(Func<T> probe, TimeSpan span)
    {
        var target = await StartAsync();
        var seen = new List<(DateTimeOffset, T)> { (target.Time.Now, probe()) };
        await target.Time.WaitUntilAsync(
            () =>
            {
                var value = probe();
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

    /// <summary>Parses a JSON body for comparison regardless of whitespace.</summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement);
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
