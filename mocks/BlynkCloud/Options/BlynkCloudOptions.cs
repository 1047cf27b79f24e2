using System.Text.Json;
using System.Text.Json.Serialization;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>Datastream data types the mock models (contracts.md §6; Enumerable and Location are not modelled).</summary>
public enum DatastreamType
{
    Integer,
    Double,
    String,
}

/// <summary>One virtual-pin datastream of a template (contracts.md §6).</summary>
public sealed record DatastreamOptions
{
    /// <summary>Virtual pin, written "V0".."V255".</summary>
    public required string Pin { get; init; }

    public string? Name { get; init; }

    public required DatastreamType Type { get; init; }

    /// <summary>Numeric id for the dataStreamId= parameter; defaults to the pin number.</summary>
    public int? Id { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Value until the first write ("used by HTTP API/sync").</summary>
    public string? DefaultValue { get; init; }

    /// <summary>Is Raw / Save Raw Data: keep every value; otherwise one averaged point per minute of the harness clock.</summary>
    public bool IsRaw { get; init; }

    /// <summary>Display format for Double datastreams (#, #.#, #.## …); the dashboard uses it.</summary>
    public string? Decimals { get; init; }

    public int PinNumber => BlynkPins.TryParse(Pin, out var n) ? n : throw new InvalidOperationException($"Bad pin '{Pin}'.");
}

/// <summary>A device template (contracts.md §6, §8).</summary>
public sealed record TemplateOptions
{
    /// <summary>TMPL + 9 chars.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public IReadOnlyList<DatastreamOptions> Datastreams { get; init; } = [];

    /// <summary>Event codes logEvent accepts.</summary>
    public IReadOnlyList<string> EventCodes { get; init; } = [];

    /// <summary>
    /// Connection lifecycle "Log when device reports any data" (connection-lifecycle.md). Off (the default): an
    /// HTTP-only device stays Offline forever (B-PART1). On: Online for <see cref="OfflineWaitPeriod"/> after each report.
    /// </summary>
    public bool LogWhenDeviceReportsAnyData { get; init; }

    /// <summary>Online→Offline wait period; Blynk's default is 1 minute.</summary>
    public TimeSpan OfflineWaitPeriod { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>A device: its 32-char auth token, its template and the region server it lives on.</summary>
public sealed record DeviceOptions
{
    /// <summary>Blynk device id (numeric, as in the console).</summary>
    public required int Id { get; init; }

    /// <summary>32 chars of [A-Za-z0-9_-] (24 bytes base64url, security.md).</summary>
    public required string Token { get; init; }

    public required string Name { get; init; }

    public required string TemplateId { get; init; }

    /// <summary>Region host: ny3.blynk.cloud, fra1.blynk.cloud, lon1.blynk.cloud, sgp1.blynk.cloud, blr1.blynk.cloud.</summary>
    public string RegionHost { get; init; } = BlynkRegions.Ny3;

    /// <summary>Device metadata for {device_metadata_X}.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Tags { get; init; } = [];
}

public enum WebhookMethod
{
    Post,
    Get,
    Put,
    Delete,
}

public enum WebhookContentType
{
    /// <summary>Custom JSON (application/json): <see cref="WebhookOptions.Body"/> with placeholders.</summary>
    CustomJson,

    /// <summary>Web Form (application/x-www-form-urlencoded): <see cref="WebhookOptions.FormFields"/>; query string for GET/DELETE.</summary>
    WebForm,

    /// <summary>Plain text (text/plain): <see cref="WebhookOptions.Body"/> with placeholders.</summary>
    PlainText,
}

/// <summary>A "Device Datastream Update" webhook (contracts.md §7).</summary>
public sealed record WebhookOptions
{
    public required string Name { get; init; }

    /// <summary>Destination https:// URL (≤1024 chars), sent verbatim through the harness host map.</summary>
    public required string Url { get; init; }

    /// <summary>The device the trigger watches (Device Datastream Update); null = every device of <see cref="TemplateId"/>.</summary>
    public int? DeviceId { get; init; }

    /// <summary>Template for "Template Datastream Update"; ignored when <see cref="DeviceId"/> is set.</summary>
    public string? TemplateId { get; init; }

    /// <summary>The datastream that triggers it, e.g. V16.</summary>
    public required string Pin { get; init; }

    public WebhookMethod Method { get; init; } = WebhookMethod.Post;

    public WebhookContentType ContentType { get; init; } = WebhookContentType.CustomJson;

    /// <summary>Custom JSON or plain-text body with {placeholders}.</summary>
    public string? Body { get; init; }

    /// <summary>Web-form key → value with placeholders.</summary>
    public IReadOnlyDictionary<string, string> FormFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Custom headers, sent verbatim.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>"Send failure email after N failure/s" (the Blueprint uses 10).</summary>
    public int FailureNotificationThreshold { get; init; } = 10;

    public bool Enabled { get; init; } = true;
}

/// <summary>Per-webhook rate limit on the harness clock: at most <see cref="Requests"/> executions in any <see cref="Window"/>.</summary>
public sealed record WebhookQuotaPolicy(int Requests, TimeSpan Window)
{
    /// <summary>1 per minute: what the Particle/Blynk integration docs state (and Blynk's limits page until 2024-03).</summary>
    public static WebhookQuotaPolicy SeedDoc { get; } = new(1, TimeSpan.FromMinutes(1));

    /// <summary>10 per minute: Blynk's limits page since 2024-04 (commit 5647164).</summary>
    public static WebhookQuotaPolicy CurrentLimits { get; } = new(10, TimeSpan.FromMinutes(1));
}

/// <summary>What a batch/update with one bad pin does (UNCONFIRMED, contracts.md §9.1).</summary>
public enum BatchWithBadPin
{
    /// <summary>Default: the whole request is answered with the 400 and nothing is stored.</summary>
    RejectAll,

    /// <summary>The valid pins are stored, the answer is still the 400 of the first bad pin.</summary>
    ApplyValidPins,
}

/// <summary>What an Integer value outside −2^31…2^31−1 does (UNCONFIRMED, contracts.md §9.2).</summary>
public enum IntegerOverflow
{
    /// <summary>Default: 400 "Value doesn't match the Datastream data type", nothing stored.</summary>
    Reject,

    /// <summary>The value is clamped to the Integer range, then to min/max.</summary>
    Clamp,
}

/// <summary>What a String value over the limit (1024 bytes) does (UNCONFIRMED: the limit is documented, the reaction is not).</summary>
public enum StringOverLimit
{
    /// <summary>Default: stored cut to the limit at a UTF-8 character boundary (no error body is documented to invent).</summary>
    Truncate,

    /// <summary>400 "Value doesn't match the Datastream data type".</summary>
    Reject,
}

/// <summary>
/// Behaviours no public source confirms (contracts.md §9). Each has a default chosen from the evidence; see the
/// README section "UNCONFIRMED behaviours" of the Blynk mock.
/// </summary>
public sealed record BlynkBehaviour
{
    public BatchWithBadPin BatchWithBadPin { get; init; } = BatchWithBadPin.RejectAll;

    public IntegerOverflow IntegerOverflow { get; init; } = IntegerOverflow.Reject;

    /// <summary>"1.0" to an Integer datastream: default false = 400 (data-type.md: 123.45 to Integer is skipped; integers are parsed as integers).</summary>
    public bool AcceptIntegralDoubleForInteger { get; init; }

    public StringOverLimit StringOverLimit { get; init; } = StringOverLimit.Truncate;

    /// <summary>
    /// Default true: a device write through the HTTPS API fires "Device Datastream Update" webhooks — the trigger is
    /// named "Device Sends Data To Datastream" in the Blueprint's own screenshot (MK-BP), and the HTTPS API is the device API.
    /// </summary>
    public bool HttpApiWriteFiresWebhook { get; init; } = true;

    /// <summary>
    /// Default false: a write of the value the datastream already holds fires no webhook ("any datastream value
    /// changes sooner than 60 seconds…", P-BLYNK). Set true to model a trigger on every write (the publish→webhook loop).
    /// </summary>
    public bool WebhookFiresOnUnchangedValue { get; init; }

    /// <summary>
    /// How long after the datastream change a webhook's request goes out, on the harness clock. UNCONFIRMED: no Blynk page
    /// says how soon a webhook fires; default zero (at once). The quota is counted at the change, the request sent after
    /// the delay — so a second change inside it is judged by the quota, not queued behind the first.
    /// </summary>
    public TimeSpan WebhookDispatchDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Webhook request timeout on the harness clock (UNCONFIRMED; no retries).</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the GeoDNS name blynk.cloud lands. Null (default): on the device's own region server, so it always works;
    /// a region host (e.g. fra1.blynk.cloud): it behaves as that server, 308 for devices of other regions.
    /// </summary>
    public string? GeoDnsRegion { get; init; }

    /// <summary>Hosts that reach the mock directly (tests, curl on the lab): they act as the device's own region.</summary>
    public IReadOnlyList<string> DirectAccessHosts { get; init; } = ["127.0.0.1", "localhost", "[::1]"];

    public int MaxStringBytes { get; init; } = 1024;
}

/// <summary>
/// What the Blynk mock accepts and keeps, so that no client can make it grow without bound (lab file:
/// <c>"blynk": { "limits": { … } }</c>). The device HTTPS API takes no body; a body over <see cref="MaxRequestBodyBytes"/> gets
/// 413 before a byte of it is read.
/// </summary>
public sealed record BlynkLimits
{
    /// <summary>The server-wide body limit in bytes (Kestrel's MaxRequestBodySize). Default 2 MiB: "Max request size 2 MB" (limits.md, contracts.md §5.2).</summary>
    public long MaxRequestBodyBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Requests the request log keeps (<see cref="BlynkCloud.Requests"/>); older ones are dropped and counted.</summary>
    public int RequestLogEntries { get; init; } = 1000;

    /// <summary>Body bytes the request log keeps of each request.</summary>
    public int LoggedBodyBytes { get; init; } = 1024;

    /// <summary>
    /// Requests WireMock's own log keeps (<see cref="BlynkCloud.Server"/>: only what reaches WireMock, whole, each body at most
    /// <see cref="Timeline.LoopbackServer.MaxWireMockBodyBytes"/>); the request log above sees every request.
    /// </summary>
    public int WireMockLogEntries { get; init; } = Timeline.LoopbackServer.DefaultWireMockLogEntries;

    /// <summary>History points kept per datastream (raw: one per write; otherwise one per minute); older ones are dropped. A virtual month of one publish every 5 minutes is 8,640.</summary>
    public int HistoryPoints { get; init; } = 10_000;

    /// <summary>logEvent calls kept per device; older ones are dropped.</summary>
    public int LoggedEvents { get; init; } = 1000;

    /// <summary>Distinct properties update/property keeps per datastream (the docs list about 20); a new one past it is 400 (UNCONFIRMED).</summary>
    public int PropertiesPerDatastream { get; init; } = 64;

    public static BlynkLimits Default { get; } = new();
}

/// <summary>The whole configuration of one Blynk Cloud mock; immutable, loadable from JSON.</summary>
public sealed record BlynkCloudOptions
{
    public IReadOnlyList<TemplateOptions> Templates { get; init; } = [];

    public IReadOnlyList<DeviceOptions> Devices { get; init; } = [];

    public IReadOnlyList<WebhookOptions> Webhooks { get; init; } = [];

    public WebhookQuotaPolicy Quota { get; init; } = WebhookQuotaPolicy.SeedDoc;

    public BlynkBehaviour Behaviour { get; init; } = new();

    /// <summary>What the mock accepts and keeps: the body limit, the request log, histories, logged events, properties.</summary>
    public BlynkLimits Limits { get; init; } = BlynkLimits.Default;

    /// <summary>TEST-ONLY contract facts broken on purpose, for the contract probes' mutation self-test (<see cref="BlynkContractMutation"/>).</summary>
    public IReadOnlyList<BlynkContractMutation> Mutations { get; init; } = [];

    /// <summary>The harness's configuration-file settings (<see cref="ConfigJson"/>): unknown keys are errors.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = ConfigJson.Options();

    /// <summary>Reads options from JSON (validated as <see cref="BlynkCloudBuilder.Build"/> does); errors name <paramref name="source"/>.</summary>
    public static BlynkCloudOptions FromJson(string json, string source = "blynk options")
    {
        var options = ConfigJson.Read<BlynkCloudOptions>(json, source, JsonOptions);
        BlynkCloudBuilder.Validate(options);
        return options;
    }

    public static BlynkCloudOptions Load(string path)
    {
        var full = Path.GetFullPath(path);
        return FromJson(File.ReadAllText(full), full);
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
