using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud;

/// <summary>A device claimed to an account (contracts.md §2.1: 24-hex id).</summary>
public sealed record ParticleDeviceDefinition
{
    /// <summary>24 lowercase hex characters.</summary>
    public required string Id { get; init; }

    /// <summary>Device name; the API accepts it in place of the id.</summary>
    public required string Name { get; init; }

    /// <summary>PLATFORM_ID (contracts.md §4); the configuration file may name the platform ("Boron").</summary>
    [JsonPropertyName("platform")]
    [JsonConverter(typeof(PlatformIdJsonConverter))]
    public required int PlatformId { get; init; }

    /// <summary>Product id shown by GET /v1/devices (particle list reads the device type from it); default the platform id.</summary>
    public int? ProductId { get; init; }

    /// <summary>Device OS version; sets the function-argument limit (contracts.md §1.1).</summary>
    public string SystemFirmwareVersion { get; init; } = "6.2.0";

    public string? SerialNumber { get; init; }

    public string? Notes { get; init; }

    [JsonIgnore]
    public Platform Platform => Platforms.ById(PlatformId);

    [JsonIgnore]
    public int EffectiveProductId => ProductId ?? PlatformId;
}

/// <summary>A Particle account: who owns which devices and which access tokens speak for it.</summary>
public sealed record ParticleAccount
{
    public required string Username { get; init; }

    public ImmutableArray<string> AccessTokens { get; init; } = [];

    public ImmutableArray<ParticleDeviceDefinition> Devices { get; init; } = [];
}

/// <summary>A webhook (Particle integration JSON, verbatim) and the account that owns it ("" = the first account).</summary>
public sealed record WebhookRegistration(string Owner, WebhookDefinition Definition);

/// <summary>How a failed or impossible function call is answered.</summary>
/// <param name="Timeout">How long the cloud waits for the device, on the harness clock. UNCONFIRMED (contracts.md §2.2): default 30 s.</param>
/// <param name="OfflineStatus">Status for a call to an offline device. UNCONFIRMED: default 400 as Blynk's guide observed.</param>
/// <param name="OfflineBody">Body for a call to an offline device.</param>
/// <param name="TimeoutStatus">Status when the device does not answer within <paramref name="Timeout"/>. UNCONFIRMED: default 400.</param>
/// <param name="TimeoutBody">Body for that timeout.</param>
/// <param name="ArgumentTooLongStatus">Status for an argument over the platform limit. UNCONFIRMED: default 400.</param>
/// <param name="ArgumentTooLongBody">Body for it. UNCONFIRMED.</param>
public sealed record FunctionCallBehaviour
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public int OfflineStatus { get; init; } = 400;

    public string OfflineBody { get; init; } = """{"ok":false,"error":"Timed out."}""";

    public int TimeoutStatus { get; init; } = 400;

    public string TimeoutBody { get; init; } = """{"ok":false,"error":"Timed out."}""";

    public int ArgumentTooLongStatus { get; init; } = 400;

    public string ArgumentTooLongBody { get; init; } = """{"ok":false,"error":"Argument too long"}""";

    public static FunctionCallBehaviour Default { get; } = new();
}

/// <summary>
/// What the Particle mock accepts and keeps, so that no client can make it grow without bound (lab file:
/// <c>"particle": { "limits": { … } }</c>). Each limit is stated where a client meets it: 413 for a body over
/// <see cref="MaxRequestBodyBytes"/> (refused unread), 400 for event data over <see cref="MaxEventDataBytes"/>.
/// </summary>
public sealed record ParticleLimits
{
    /// <summary>
    /// The server-wide body limit, in bytes (Kestrel's MaxRequestBodySize): a larger body gets 413 before a byte of it is
    /// read. Default 16 KiB: the largest documented field, 1024 bytes of event data or a function argument (contracts.md
    /// §1.1, Device OS ≥ 3.0 Gen 3), written in the costliest encoding a client may choose (JSON \u escapes, 6 bytes a byte)
    /// with the other parameters beside it, fits with room to spare; it is also the CloudEvent data limit (16384, §1.1).
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// The most event data POST /v1/devices/events takes, in UTF-8 bytes: 1024, the largest classic limit (contracts.md
    /// §1.1). More is 400 {"ok":false,"error":"Event data exceeds 1024 bytes"} (the status and wording are UNCONFIRMED).
    /// </summary>
    public int MaxEventDataBytes { get; init; } = 1024;

    /// <summary>Events the bus keeps for <see cref="ParticleCloud.Events"/> (older ones are dropped and counted); a virtual day of one board is about 600.</summary>
    public int EventHistory { get; init; } = ParticleLimitsDefaults.EventHistory;

    /// <summary>Characters of event names and data the history keeps in all (about 16 MB; the doc's events are ~110 each).</summary>
    public long EventHistoryText { get; init; } = ParticleLimitsDefaults.EventHistoryText;

    /// <summary>Requests the request log keeps (<see cref="ParticleCloud.Requests"/>); older ones are dropped and counted.</summary>
    public int RequestLogEntries { get; init; } = 1000;

    /// <summary>Body bytes the request log keeps of each request.</summary>
    public int LoggedBodyBytes { get; init; } = 1024;

    /// <summary>
    /// Requests WireMock's own log keeps (<see cref="ParticleCloud.Server"/>: only what reaches WireMock, whole, each body at most
    /// <see cref="Timeline.LoopbackServer.MaxWireMockBodyBytes"/>); the request log above sees every request.
    /// </summary>
    public int WireMockLogEntries { get; init; } = Timeline.LoopbackServer.DefaultWireMockLogEntries;

    public static ParticleLimits Default { get; } = new();
}

/// <summary>What Particle does with events it skipped while a target host was "sleeping". UNCONFIRMED (contracts.md §3.4).</summary>
public enum SkippedEventPolicy
{
    /// <summary>Dropped at once (webhooks guide: "counted as 'Sleep' and are discarded"). The default.</summary>
    Discard,

    /// <summary>Retried after 30 s and again after 1 min, then dropped (webhook reference, troubleshooting guide).</summary>
    RetryAfter30sAnd1Min,
}

/// <summary>
/// Particle's adaptive throttling per target host name (contracts.md §3.4: "when more 4xx or 5xx than 2xx"; cooldown
/// "a few seconds without errors"). The window and thresholds are ours: Particle does not publish them.
/// </summary>
/// <param name="Window">Outcomes older than this no longer count (harness clock). Default 60 s.</param>
/// <param name="MinimumErrors">Errors needed in the window before the host sleeps (so one failure alone does not). Default 3.</param>
/// <param name="Cooldown">Time without a new error after which the host is tried again. Default 5 s.</param>
/// <param name="SkippedEvents">What becomes of skipped events. Default <see cref="SkippedEventPolicy.Discard"/>.</param>
public sealed record WebhookThrottlePolicy
{
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    public int MinimumErrors { get; init; } = 3;

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(5);

    public SkippedEventPolicy SkippedEvents { get; init; } = SkippedEventPolicy.Discard;

    public static WebhookThrottlePolicy Default { get; } = new();

    /// <summary>No throttling at all (for tests that count raw deliveries).</summary>
    public static WebhookThrottlePolicy Off { get; } = Default with { MinimumErrors = int.MaxValue };
}

/// <summary>How a JSON number from event data is printed by {{x}}. UNCONFIRMED (contracts.md §3.2).</summary>
public enum JsonNumberRendering
{
    /// <summary>Parsed, then printed as JavaScript prints a number: 3.141590 → 3.14159. The default (Particle parses the data with JSON.parse).</summary>
    JavaScript,

    /// <summary>The digits exactly as they were in the event data: 3.141590 → 3.141590.</summary>
    Verbatim,
}

/// <summary>Which characters {{x}} HTML-escapes. UNCONFIRMED which set Particle's renderer uses.</summary>
public enum HtmlEscaping
{
    /// <summary>&amp; &lt; &gt; " ' — what the webhook reference says. The default.</summary>
    ParticleDocs,

    /// <summary>The docs' set plus / ` = — what mustache.js ≥ 2.2.1 escapes.</summary>
    MustacheJs,
}

/// <summary>
/// Immutable configuration of the Particle Cloud mock. Build it with <see cref="ParticleCloudBuilder"/>, or read it from
/// a configuration file (<see cref="FromJson"/>, the lab's "particle" section); webhooks stay Particle's own JSON, verbatim.
/// </summary>
public sealed record ParticleCloudOptions
{
    public ImmutableArray<ParticleAccount> Accounts { get; init; } = [];

    /// <summary>Each entry: Particle's integration JSON itself; {"owner", "integration"}; or {"owner", "integrationFile"} (path relative to the file).</summary>
    public ImmutableArray<WebhookRegistration> Webhooks { get; init; } = [];

    public FunctionCallBehaviour FunctionCalls { get; init; } = FunctionCallBehaviour.Default;

    public WebhookThrottlePolicy Throttle { get; init; } = WebhookThrottlePolicy.Default;

    public JsonNumberRendering NumberRendering { get; init; } = JsonNumberRendering.JavaScript;

    public HtmlEscaping Escaping { get; init; } = HtmlEscaping.ParticleDocs;

    /// <summary>Wall-clock period of the SSE keep-alive comment (particle-api-js drops a stream silent for 15 s).</summary>
    public TimeSpan SseKeepAlive { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Also show hook-sent/response/error on /v1/devices/{id}/events (UNCONFIRMED; default off, contracts.md §3.4).</summary>
    public bool HookEventsOnDeviceStream { get; init; }

    /// <summary>coreid of events published through POST /v1/devices/events (UNCONFIRMED; default "api").</summary>
    public string ApiPublishCoreId { get; init; } = "api";

    /// <summary>Whether a device that connects without being configured is claimed to the first account.</summary>
    public bool ClaimUnknownDevices { get; init; } = true;

    /// <summary>TEST-ONLY contract facts broken on purpose, for the contract probes' mutation self-test (<see cref="ParticleContractMutation"/>).</summary>
    public ImmutableArray<ParticleContractMutation> Mutations { get; init; } = [];

    /// <summary>What the mock accepts and keeps: body and data limits, the request log, the event history.</summary>
    public ParticleLimits Limits { get; init; } = ParticleLimits.Default;

    public static ParticleCloudOptions Empty { get; } = new();

    /// <summary>The converters a configuration file needs: verbatim webhooks (files relative to <paramref name="baseDirectory"/>).</summary>
    public static IEnumerable<System.Text.Json.Serialization.JsonConverter> JsonConverters(string baseDirectory) => [new WebhookRegistrationJsonConverter(baseDirectory)];

    /// <summary>Reads options from JSON (validated as <see cref="ParticleCloudBuilder.Build"/> does); errors name <paramref name="source"/>.</summary>
    public static ParticleCloudOptions FromJson(string json, string source = "particle options", string? baseDirectory = null) =>
        new ParticleCloudBuilder(ConfigJson.Read<ParticleCloudOptions>(json, source, ConfigJson.Options(JsonConverters(baseDirectory ?? Environment.CurrentDirectory)))).Build();

    public static ParticleCloudOptions LoadFile(string path)
    {
        var full = Path.GetFullPath(path);
        return FromJson(File.ReadAllText(full), full, Path.GetDirectoryName(full));
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A platform given by PLATFORM_ID or by name ("Boron", "Photon 2").</summary>
public sealed class PlatformIdJsonConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType switch
            {
                JsonTokenType.Number => Platforms.ById(reader.GetInt32()).Id,
                JsonTokenType.String => Platforms.Parse(reader.GetString()!).Id,
                _ => throw new JsonException("A platform is a PLATFORM_ID or a name such as \"Boron\"."),
            };
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>
/// A webhook entry of a configuration file, kept verbatim: Particle's integration JSON as written, {"owner", "integration"},
/// or {"owner", "integrationFile"} whose file text is parsed as it is. The wrapper is strict like the rest of the file: an
/// unknown key (a typo such as "integrationFle"), both or neither of integration and integrationFile, a file that cannot be
/// read or an integration Particle would refuse is an error naming the key, the JSON path and — through
/// <see cref="ConfigJson.Read{T}"/> — the lab file.
/// </summary>
public sealed class WebhookRegistrationJsonConverter(string baseDirectory) : JsonConverter<WebhookRegistration>
{
    private static readonly string[] WrapperKeys = ["owner", "integration", "integrationFile"];

    public override WebhookRegistration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A webhook is an object: Particle's integration JSON, or {\"owner\", \"integration\" | \"integrationFile\"}.");
        }

        if (!IsWrapper(root))
        {
            return new WebhookRegistration("", Definition(root.GetRawText(), "the webhook"));
        }

        string? owner = null;
        JsonElement? integration = null;
        string? file = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "owner":
                    owner = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new JsonException("\"owner\" is the username of a Particle account (a string).");
                    break;
                case "integration":
                    integration = property.Value;
                    break;
                case "integrationFile":
                    file = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } f
                        ? f
                        : throw new JsonException("\"integrationFile\" is a path (relative to the lab file) to Particle's integration JSON.");
                    break;
                default:
                    throw new JsonException($"unknown key \"{property.Name}\" in a webhook: a wrapper has \"owner\" and one of \"integration\", \"integrationFile\"");
            }
        }

        if (integration is null == file is null)
        {
            throw new JsonException("A webhook wrapper needs exactly one of \"integration\" (Particle's JSON) and \"integrationFile\" (a path to it).");
        }

        if (integration is { } inline)
        {
            return new WebhookRegistration(owner ?? "", Definition(inline.GetRawText(), "\"integration\""));
        }

        var path = Path.GetFullPath(Path.Combine(baseDirectory, file!));
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JsonException($"\"integrationFile\": cannot read {path} ({ex.GetType().Name}: {ex.Message})", ex);
        }

        return new WebhookRegistration(owner ?? "", Definition(text, $"\"integrationFile\" {path}"));
    }

    // A wrapper names one of its keys — or, holding no "event", has a key that looks like one (a typo: "integrationFle", "Owner").
    private static bool IsWrapper(JsonElement root)
    {
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        return names.Any(n => WrapperKeys.Contains(n, StringComparer.Ordinal))
               || (!names.Any(n => n is "event" or "eventName")
                   && names.Any(n => n.StartsWith("integration", StringComparison.OrdinalIgnoreCase) || n.StartsWith("owner", StringComparison.OrdinalIgnoreCase)));
    }

    private static WebhookDefinition Definition(string json, string what)
    {
        try
        {
            return WebhookDefinition.Parse(json);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"{what}: {ex.Message.Replace(" (Parameter 'json')", "", StringComparison.Ordinal)}", ex);
        }
        catch (JsonException ex)
        {
            throw new JsonException($"{what} is not JSON: {ex.Message}", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, WebhookRegistration value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("owner", value.Owner);
        writer.WritePropertyName("integration");
        using var definition = JsonDocument.Parse(value.Definition.RawJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        definition.WriteTo(writer);
        writer.WriteEndObject();
    }
}
