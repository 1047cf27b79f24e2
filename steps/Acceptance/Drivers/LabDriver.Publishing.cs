using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// Publishing (L1) and the Particle webhook (L2): the payload as published, publishes forced at a chosen millis()/v15,
/// function calls, cloud drops, webhook hops and their query, faults on the Blynk side.
/// </summary>
public sealed partial class LabDriver
{
    /// <summary>The event name of the doc's firmware (seed L73).</summary>
    public const string PublishEvent = "blynk_https_get";

    /// <summary>The function key of the doc's firmware (seed L117).</summary>
    public const string FunctionKey = "blynk_led";

    /// <summary>The start of the firmware's serial line for each payload (seed L72).</summary>
    public const string SendingLinePrefix = "Sending to Blynk: ";

    /// <summary>The doc's placeholder BLYNK_AUTH_TOKEN (seed L19), as flashed when the user forgot to paste theirs.</summary>
    public const string PlaceholderToken = "your Blynk 32 char auth token";

    private DateTimeOffset? _cloudDroppedAt;
    private (long Hops, int SerialLines)? _seenAtDrop;
    private (long Hops, int SerialLines)? _seenAtRestore;
    private DateTimeOffset? _cloudRestoredAt;

    /// <summary>Steering the device; the scenario must declare device-control.</summary>
    public IDeviceControl DeviceControl(string what)
    {
        Require(Capability.DeviceControl, what);
        return Target.DeviceControl ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{Target.Descriptor.Name}' cannot steer the device.");
    }

    /// <summary>Faults in the clouds; the scenario must declare fault-injection.</summary>
    public IFaultInjector Faults(string what)
    {
        Require(Capability.FaultInjection, what);
        return Target.Faults ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{Target.Descriptor.Name}' cannot inject faults.");
    }

    /// <summary>When the cloud connection came back after a drop (null: not yet).</summary>
    public DateTimeOffset? CloudRestoredAt => _cloudRestoredAt;

    /// <summary>
    /// Every publish of blynk_https_get the device attempted, as journalled: delivered ones (L1, or L6 when it is the
    /// republish after a function call) and refused ones (rate-limited, not connected).
    /// </summary>
    public IReadOnlyList<Hop> PublishHops => [.. Journal.Hops.Where(IsPublishHop)];

    private static bool IsPublishHop(Hop h) => h.Kind is HopKind.Publish or HopKind.PublishRefused or HopKind.Echo && h.EventName == PublishEvent;

    /// <summary>The Particle webhook's requests to Blynk (cloud-internals: their URL and query).</summary>
    public IReadOnlyList<Hop> WebhookRequests => InternalHops(HopKind.WebhookRequest, "The Particle webhook's requests");

    /// <summary>What became of the Particle webhook's requests (answers, hook-errors, skips), in order.</summary>
    public IReadOnlyList<Hop> WebhookResponses => [.. Journal.Hops.Where(h => h.Kind == HopKind.WebhookResponse)];

    /// <summary>The last webhook request, or a failure naming the journal when there was none.</summary>
    public Hop LastWebhookRequest() =>
        WebhookRequests.LastOrDefault() ?? throw new InvalidOperationException($"The Particle webhook never called Blynk.{Environment.NewLine}{JournalText()}");

    /// <summary>What became of the last webhook request: its response hop (same correlation, after it).</summary>
    public Hop LastWebhookResponse()
    {
        var request = LastWebhookRequest();
        return Journal.Hops.FirstOrDefault(h => h.Kind == HopKind.WebhookResponse && h.Sequence > request.Sequence && h.Correlation == request.Correlation)
            ?? throw new InvalidOperationException($"The last webhook request has no answer yet.{Environment.NewLine}{JournalText()}");
    }

    /// <summary>The data of the last publish the cloud received, byte for byte (it may be cut JSON).</summary>
    public string LastPublishData() =>
        Publishes.LastOrDefault()?.Data ?? throw new InvalidOperationException($"The device has not published.{Environment.NewLine}{JournalText()}");

    /// <summary>Whether <paramref name="data"/> parses as one JSON object.</summary>
    public static bool IsJsonObject(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The serial lines written so far.</summary>
    public IReadOnlyList<string> SerialTexts => [.. Target.Device.SerialLines.Select(l => l.Text)];

    /// <summary>The serial transcript, for failure messages (tokens redacted).</summary>
    public string SerialText() => Secrets.Redact("Serial:" + Environment.NewLine + string.Join(Environment.NewLine, SerialTexts));

    /// <summary>The line the firmware prints before publishing <paramref name="data"/> (seed L72: strlen() of the payload).</summary>
    public static string SendingLine(string data, int? bytes = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{SendingLinePrefix}'{data}' with size of {bytes ?? System.Text.Encoding.UTF8.GetByteCount(data)} bytes");

    /// <summary>Publish attempts journalled after the cloud connection dropped and before it was restored.</summary>
    public IReadOnlyList<Hop> PublishHopsWhileOffline()
    {
        var (from, until) = OfflineWindow();
        return [.. PublishHops.Where(h => h.Sequence > from.Hops && h.Sequence <= until.Hops)];
    }

    /// <summary>Serial lines written after the cloud connection dropped and before it was restored.</summary>
    public IReadOnlyList<string> SerialTextsWhileOffline()
    {
        var (from, until) = OfflineWindow();
        return [.. Target.Device.SerialLines.Take(until.SerialLines).Skip(from.SerialLines).Select(l => l.Text)];
    }

    private ((long Hops, int SerialLines) From, (long Hops, int SerialLines) Until) OfflineWindow() =>
        (_seenAtDrop ?? throw new InvalidOperationException("The cloud connection was never dropped."),
         _seenAtRestore ?? (Journal.Count, Target.Device.SerialLines.Count));

    /// <summary>Points the doc's Particle webhook at another Blynk host (e.g. the wrong region): a change inside the cloud.</summary>
    public void PointWebhookAt(string host) =>
        Configure(o => o with { ParticleWebhookJson = o.ParticleWebhookJson.Replace("ny3.blynk.cloud", host, StringComparison.Ordinal) }, Capability.CloudInternals, "Changing the Particle webhook's URL");

    /// <summary>Flashes the firmware with <paramref name="token"/> instead of the Blynk device's.</summary>
    public void FlashToken(string token) =>
        Configure(o => o with { FirmwareToken = token }, token == Spec.BlynkToken ? null : Capability.DeviceControl, "Flashing the firmware with another token");

    /// <summary>
    /// Makes the device publish now with millis() at <paramref name="millis"/> and v15 at <paramref name="v15"/>: both are
    /// set, then blynk_led("off") is called as from the Particle console — the firmware republishes on the next loop
    /// (seed L155-166, L129-134). "off" keeps the LED, and so V16 on Blynk, unchanged: no Blynk webhook joins in.
    /// </summary>
    public async Task PublishAtAsync(uint? millis, double? v15)
    {
        await StartAsync();
        var control = DeviceControl("Setting millis() and v15");
        var seen = Journal.Count;
        if (millis is { } m)
        {
            await control.SetMillisAsync(m);
        }

        if (v15 is { } v)
        {
            await control.SetV15Async(v);
        }

        await CallBlynkLedAsync("off");
        // Only the hops recorded since the call are looked at: a check costs what is new, not the whole journal.
        if (!await WaitUntilAsync(() => Journal.Since(seen).Any(IsPublishHop), TimeSpan.FromSeconds(5)))
        {
            throw new TimeoutException($"The device did not publish after blynk_led(\"off\").{Environment.NewLine}{JournalText()}");
        }
    }

    /// <summary>Calls blynk_led through the Particle API, as the console or curl does (P-BLYNK Testing §1).</summary>
    public Task<FunctionCallResponse> CallBlynkLedAsync(string argument) => CallFunctionAsync(FunctionKey, argument);

    /// <summary>Calls blynk_led <paramref name="times"/> times, <paramref name="apart"/> apart, and lets the last republish happen.</summary>
    public async Task CallBlynkLedRepeatedlyAsync(string argument, int times, TimeSpan apart)
    {
        var target = await StartAsync();
        for (var i = 0; i < times; i++)
        {
            var calledAt = target.Time.Now;
            var response = await CallBlynkLedAsync(argument);
            if (response.StatusCode != 200)
            {
                throw new InvalidOperationException(Secrets.Redact($"blynk_led(\"{argument}\") answered {response.StatusCode} {response.Body}.{Environment.NewLine}{JournalText()}"));
            }

            var rest = calledAt + apart - target.Time.Now;
            if (rest > TimeSpan.Zero)
            {
                await target.Time.PassAsync(rest);
            }
        }
    }

    /// <summary>The device loses its cloud session now.</summary>
    public async Task DropCloudAsync()
    {
        var target = await StartAsync();
        await DeviceControl("Dropping the cloud connection").DropCloudAsync();
        _cloudDroppedAt = target.Time.Now;
        _seenAtDrop = (Journal.Count, target.Device.SerialLines.Count);
    }

    /// <summary>The cloud session comes back <paramref name="after"/> from now; time passes until it has.</summary>
    public async Task RestoreCloudAsync(TimeSpan after)
    {
        var target = await StartAsync();
        await DeviceControl("Restoring the cloud connection").RestoreCloudAsync(after);
        _seenAtRestore = (Journal.Count, target.Device.SerialLines.Count);
        await target.Time.PassAsync(after);
        _cloudRestoredAt = target.Time.Now;
    }

    /// <summary>The v15 of every publish the cloud received that is valid JSON.</summary>
    public IReadOnlyList<double> PublishedV15() =>
        [.. Publishes.Where(p => IsJsonObject(p.Data)).Select(p =>
        {
            using var json = JsonDocument.Parse(p.Data);
            return json.RootElement.GetProperty("v15").GetDouble();
        })];

    /// <summary>The publishes as text, for failure messages.</summary>
    public string PublishesText() =>
        Secrets.Redact(string.Join(Environment.NewLine, Publishes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PublishedAt:HH:mm:ss.fff} {p.Data}"))));

    /// <summary>How Blynk answered a webhook request: the datastream write it caused (same correlation), null when it never arrived.</summary>
    public Hop? BlynkAnswerTo(Hop request) =>
        InternalHops(HopKind.DatastreamWrite, "Blynk's answer to the webhook").FirstOrDefault(h => h.Sequence > request.Sequence && h.Correlation == request.Correlation && h.Source != Hop.BlynkApp);

    /// <summary>
    /// Seconds between the last publish before millis() wrapped and the first one after (its v14 is smaller); null
    /// when no publish came after the wrap.
    /// </summary>
    public double? GapAcrossTheWrapSeconds()
    {
        var publishes = Publishes.Where(p => IsJsonObject(p.Data)).Select(p =>
        {
            using var json = JsonDocument.Parse(p.Data);
            return (p.PublishedAt, Millis: json.RootElement.GetProperty("v14").GetUInt32());
        }).ToList();
        return publishes.Zip(publishes.Skip(1)).Where(pair => pair.Second.Millis < pair.First.Millis)
            .Select(pair => (double?)(pair.Second.PublishedAt - pair.First.PublishedAt).TotalSeconds).FirstOrDefault();
    }
}
