using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

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

    /// <summary>Controls of a virtual device; a target without them skips the scenario with the reason.</summary>
    public IVirtualDeviceControl VirtualDevice =>
        Target.VirtualDevice ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{Target.Name}': the scenario needs a virtual device (millis, v15, cloud drops).");

    /// <summary>Faults the target can inject; a target without them skips the scenario with the reason.</summary>
    public IFaultInjector Faults =>
        Target.Faults ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{Target.Name}': the scenario needs fault injection on the Blynk side.");

    /// <summary>When the test dropped the cloud connection (null: never).</summary>
    public DateTimeOffset? CloudDroppedAt => _cloudDroppedAt;

    /// <summary>When the cloud connection came back after a drop (null: not yet).</summary>
    public DateTimeOffset? CloudRestoredAt => _cloudRestoredAt;

    /// <summary>Every hop of one leg, in order.</summary>
    public IReadOnlyList<Hop> Hops(Leg leg) => Journal.Hops.Where(h => h.Leg == leg).ToList();

    /// <summary>
    /// Every publish of blynk_https_get the device attempted, as journalled: delivered ones (L1, or L6 when it is the
    /// republish after a function call) and refused ones (rate-limited, not connected).
    /// </summary>
    public IReadOnlyList<Hop> PublishHops =>
        Journal.Hops.Where(h => h.Leg is Leg.L1 or Leg.L6 && h.Action == "publish " + PublishEvent).ToList();

    /// <summary>The webhook's calls to Blynk (L2 hops), in order.</summary>
    public IReadOnlyList<Hop> WebhookCalls => Hops(Leg.L2);

    /// <summary>The last webhook call, or a failure naming the journal when there was none.</summary>
    public Hop LastWebhookCall() =>
        WebhookCalls.LastOrDefault() ?? throw new InvalidOperationException($"The Particle webhook never called Blynk.{Environment.NewLine}{JournalText()}");

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
    public IReadOnlyList<string> SerialTexts => Target.Device.SerialLines.Select(l => l.Text).ToList();

    /// <summary>The serial transcript, for failure messages.</summary>
    public string SerialText() => "Serial:" + Environment.NewLine + string.Join(Environment.NewLine, SerialTexts);

    /// <summary>The line the firmware prints before publishing <paramref name="data"/> (seed L72: strlen() of the payload).</summary>
    public static string SendingLine(string data, int? bytes = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{SendingLinePrefix}'{data}' with size of {bytes ?? System.Text.Encoding.UTF8.GetByteCount(data)} bytes");

    /// <summary>Publish attempts journalled after the cloud connection dropped and before it was restored.</summary>
    public IReadOnlyList<Hop> PublishHopsWhileOffline()
    {
        var (from, until) = OfflineWindow();
        return PublishHops.Where(h => h.Sequence > from.Hops && h.Sequence <= until.Hops).ToList();
    }

    /// <summary>Serial lines written after the cloud connection dropped and before it was restored.</summary>
    public IReadOnlyList<string> SerialTextsWhileOffline()
    {
        var (from, until) = OfflineWindow();
        return Target.Device.SerialLines.Take(until.SerialLines).Skip(from.SerialLines).Select(l => l.Text).ToList();
    }

    private ((long Hops, int SerialLines) From, (long Hops, int SerialLines) Until) OfflineWindow() =>
        (_seenAtDrop ?? throw new InvalidOperationException("The cloud connection was never dropped."),
         _seenAtRestore ?? (Journal.Hops.Count, Target.Device.SerialLines.Count));

    /// <summary>The query of a webhook call as (name, raw URL-encoded value) pairs, in the order sent.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> QueryOf(Hop call) =>
        call.Payload.Length == 0
            ? []
            : call.Payload.Split('&').Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p.Length > 1 ? p[1] : "")).ToList();

    /// <summary>Points the doc's Particle webhook at another Blynk host (e.g. the wrong region).</summary>
    public void PointWebhookAt(string host) =>
        Configure(o => o with { ParticleWebhookJson = o.ParticleWebhookJson.Replace("ny3.blynk.cloud", host, StringComparison.Ordinal) });

    /// <summary>Flashes the firmware with <paramref name="token"/> instead of the Blynk device's.</summary>
    public void FlashToken(string token) => Configure(o => o with { FirmwareToken = token });

    /// <summary>Starts the lab (if needed) and changes a fault on the Blynk side.</summary>
    public async Task InjectAsync(Action<IFaultInjector> fault)
    {
        await StartAsync();
        fault(Faults);
    }

    /// <summary>
    /// Makes the device publish now with millis() at <paramref name="millis"/> and v15 at <paramref name="v15"/>: both are
    /// set, then blynk_led("off") is called as from the Particle console — the firmware republishes on the next loop
    /// (seed L155-166, L129-134). "off" keeps the LED, and so V16 on Blynk, unchanged: no Blynk webhook joins in.
    /// </summary>
    public async Task PublishAtAsync(uint? millis, double? v15)
    {
        var target = await StartAsync();
        var before = PublishHops.Count;
        if (millis is { } m)
        {
            VirtualDevice.SetMillis(m);
        }

        if (v15 is { } v)
        {
            VirtualDevice.V15 = v;
        }

        await CallBlynkLedAsync("off");
        if (!await target.Time.WaitUntilAsync(() => PublishHops.Count > before, TimeSpan.FromSeconds(5)))
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
                throw new InvalidOperationException($"blynk_led(\"{argument}\") answered {response.StatusCode} {response.Body}.{Environment.NewLine}{JournalText()}");
            }

            var rest = calledAt + apart - target.Time.Now;
            if (rest > TimeSpan.Zero)
            {
                await target.Time.PassAsync(rest);
            }
        }
    }

    /// <summary>The device loses its cloud session now (virtual device only).</summary>
    public async Task DropCloudAsync()
    {
        var target = await StartAsync();
        VirtualDevice.DropCloudConnection();
        _cloudDroppedAt = target.Time.Now;
        _seenAtDrop = (Journal.Hops.Count, target.Device.SerialLines.Count);
    }

    /// <summary>The cloud session comes back <paramref name="after"/> from now; time passes until it has.</summary>
    public async Task RestoreCloudAsync(TimeSpan after)
    {
        var target = await StartAsync();
        VirtualDevice.RestoreCloudConnection(after);
        _seenAtRestore = (Journal.Hops.Count, target.Device.SerialLines.Count);
        await target.Time.PassAsync(after);
        _cloudRestoredAt = target.Time.Now;
    }

    /// <summary>The v15 of every publish the cloud received that is valid JSON.</summary>
    public IReadOnlyList<double> PublishedV15() =>
        Publishes.Where(p => IsJsonObject(p.Data)).Select(p =>
        {
            using var json = JsonDocument.Parse(p.Data);
            return json.RootElement.GetProperty("v15").GetDouble();
        }).ToList();

    /// <summary>The publishes as text, for failure messages.</summary>
    public string PublishesText() =>
        string.Join(Environment.NewLine, Publishes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PublishedAt:HH:mm:ss.fff} {p.Data}")));

    /// <summary>How Blynk answered a webhook call: the Blynk side's hop for the same request (null when it never arrived).</summary>
    public Hop? BlynkAnswerTo(Hop webhookCall) =>
        Journal.Hops.FirstOrDefault(h => h.Leg == Leg.L3 && h.Sequence > webhookCall.Sequence && h.Target == webhookCall.Target && h.Payload == webhookCall.Payload);

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
