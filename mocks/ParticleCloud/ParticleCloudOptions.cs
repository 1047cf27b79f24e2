using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Webhooks;

namespace ParticleBlynk.ParticleCloud;

/// <summary>A device claimed to an account (contracts.md §2.1: 24-hex id).</summary>
/// <param name="Id">24 lowercase hex characters.</param>
/// <param name="Name">Device name; the API accepts it in place of the id.</param>
/// <param name="PlatformId">PLATFORM_ID (contracts.md §4).</param>
/// <param name="ProductId">Product id shown by GET /v1/devices (particle list reads the device type from it).</param>
/// <param name="SystemFirmwareVersion">Device OS version; sets the function-argument limit (contracts.md §1.1).</param>
public sealed record ParticleDeviceDefinition(
    string Id,
    string Name,
    int PlatformId,
    int ProductId,
    string SystemFirmwareVersion = "6.2.0",
    string? SerialNumber = null,
    string? Notes = null)
{
    public Platform Platform => Platforms.ById(PlatformId);
}

/// <summary>A Particle account: who owns which devices and which access tokens speak for it.</summary>
public sealed record ParticleAccount(string Username, ImmutableArray<string> AccessTokens, ImmutableArray<ParticleDeviceDefinition> Devices);

/// <summary>A webhook (Particle integration JSON, verbatim) and the account that owns it.</summary>
public sealed record WebhookRegistration(string Owner, WebhookDefinition Definition);

/// <summary>How a failed or impossible function call is answered.</summary>
/// <param name="Timeout">How long the cloud waits for the device, on the harness clock. UNCONFIRMED (contracts.md §2.2): default 30 s.</param>
/// <param name="OfflineStatus">Status for a call to an offline device. UNCONFIRMED: default 400 as Blynk's guide observed.</param>
/// <param name="OfflineBody">Body for a call to an offline device.</param>
/// <param name="TimeoutStatus">Status when the device does not answer within <paramref name="Timeout"/>. UNCONFIRMED: default 400.</param>
/// <param name="TimeoutBody">Body for that timeout.</param>
/// <param name="ArgumentTooLongStatus">Status for an argument over the platform limit. UNCONFIRMED: default 400.</param>
/// <param name="ArgumentTooLongBody">Body for it. UNCONFIRMED.</param>
public sealed record FunctionCallBehaviour(
    TimeSpan Timeout,
    int OfflineStatus,
    string OfflineBody,
    int TimeoutStatus,
    string TimeoutBody,
    int ArgumentTooLongStatus,
    string ArgumentTooLongBody)
{
    public static FunctionCallBehaviour Default { get; } = new(
        TimeSpan.FromSeconds(30),
        400,
        """{"ok":false,"error":"Timed out."}""",
        400,
        """{"ok":false,"error":"Timed out."}""",
        400,
        """{"ok":false,"error":"Argument too long"}""");
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
public sealed record WebhookThrottlePolicy(TimeSpan Window, int MinimumErrors, TimeSpan Cooldown, SkippedEventPolicy SkippedEvents)
{
    public static WebhookThrottlePolicy Default { get; } = new(TimeSpan.FromSeconds(60), 3, TimeSpan.FromSeconds(5), SkippedEventPolicy.Discard);

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
/// Immutable configuration of the Particle Cloud mock. Build it with <see cref="ParticleCloudBuilder"/>, or load it
/// from a JSON file with <see cref="FromJson"/> (the standalone lab); webhooks stay Particle's own JSON, verbatim.
/// </summary>
public sealed record ParticleCloudOptions(
    ImmutableArray<ParticleAccount> Accounts,
    ImmutableArray<WebhookRegistration> Webhooks,
    FunctionCallBehaviour FunctionCalls,
    WebhookThrottlePolicy Throttle,
    JsonNumberRendering NumberRendering,
    HtmlEscaping Escaping,
    TimeSpan SseKeepAlive,
    bool HookEventsOnDeviceStream,
    string ApiPublishCoreId,
    bool ClaimUnknownDevices)
{
    public static ParticleCloudOptions Empty { get; } = new(
        [],
        [],
        FunctionCallBehaviour.Default,
        WebhookThrottlePolicy.Default,
        JsonNumberRendering.JavaScript,
        HtmlEscaping.ParticleDocs,
        TimeSpan.FromSeconds(10),
        HookEventsOnDeviceStream: false,
        ApiPublishCoreId: "api",
        ClaimUnknownDevices: true);

    public static ParticleCloudOptions LoadFile(string path) => FromJson(File.ReadAllText(path));

    /// <summary>
    /// Reads the lab configuration:
    /// <c>{"accounts":[{"username":…,"accessTokens":[…],"devices":[{"id","name","platform","productId"}]}],
    /// "webhooks":[ &lt;Particle integration JSON&gt; | {"owner":…,"integration":&lt;JSON&gt;} ],
    /// "functionCalls":{"timeoutSeconds","offlineStatus","offlineBody","timeoutStatus","timeoutBody"},
    /// "throttle":{"windowSeconds","minimumErrors","cooldownSeconds","skippedEvents":"Discard|RetryAfter30sAnd1Min"},
    /// "numberRendering":"JavaScript|Verbatim","escaping":"ParticleDocs|MustacheJs","sseKeepAliveSeconds":10,
    /// "hookEventsOnDeviceStream":false,"apiPublishCoreId":"api"}</c>. Validated like <see cref="ParticleCloudBuilder.Build"/>.
    /// </summary>
    public static ParticleCloudOptions FromJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var builder = new ParticleCloudBuilder();
        if (root.TryGetProperty("accounts", out var accounts))
        {
            foreach (var account in accounts.EnumerateArray())
            {
                var username = account.GetProperty("username").GetString()!;
                var tokens = account.TryGetProperty("accessTokens", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
                builder = builder.WithAccount(username, tokens);
                if (account.TryGetProperty("devices", out var devices))
                {
                    foreach (var device in devices.EnumerateArray())
                    {
                        var platform = device.GetProperty("platform");
                        var platformId = platform.ValueKind == JsonValueKind.Number ? platform.GetInt32() : Platforms.Parse(platform.GetString()!).Id;
                        builder = builder.WithDevice(
                            username,
                            new ParticleDeviceDefinition(
                                device.GetProperty("id").GetString()!,
                                device.GetProperty("name").GetString()!,
                                platformId,
                                device.TryGetProperty("productId", out var p) ? p.GetInt32() : platformId,
                                device.TryGetProperty("systemFirmwareVersion", out var v) ? v.GetString()! : "6.2.0"));
                    }
                }
            }
        }

        if (root.TryGetProperty("webhooks", out var webhooks))
        {
            foreach (var hook in webhooks.EnumerateArray())
            {
                builder = hook.TryGetProperty("integration", out var integration)
                    ? builder.WithWebhook(integration.GetRawText(), hook.TryGetProperty("owner", out var o) ? o.GetString() : null)
                    : builder.WithWebhook(hook.GetRawText());
            }
        }

        if (root.TryGetProperty("functionCalls", out var calls))
        {
            var f = FunctionCallBehaviour.Default;
            builder = builder.WithFunctionCalls(f with
            {
                Timeout = calls.TryGetProperty("timeoutSeconds", out var ts) ? TimeSpan.FromSeconds(ts.GetDouble()) : f.Timeout,
                OfflineStatus = calls.TryGetProperty("offlineStatus", out var os) ? os.GetInt32() : f.OfflineStatus,
                OfflineBody = calls.TryGetProperty("offlineBody", out var ob) ? ob.GetString()! : f.OfflineBody,
                TimeoutStatus = calls.TryGetProperty("timeoutStatus", out var tst) ? tst.GetInt32() : f.TimeoutStatus,
                TimeoutBody = calls.TryGetProperty("timeoutBody", out var tb) ? tb.GetString()! : f.TimeoutBody,
            });
        }

        if (root.TryGetProperty("throttle", out var throttle))
        {
            var d = WebhookThrottlePolicy.Default;
            builder = builder.WithThrottle(new WebhookThrottlePolicy(
                throttle.TryGetProperty("windowSeconds", out var w) ? TimeSpan.FromSeconds(w.GetDouble()) : d.Window,
                throttle.TryGetProperty("minimumErrors", out var m) ? m.GetInt32() : d.MinimumErrors,
                throttle.TryGetProperty("cooldownSeconds", out var c) ? TimeSpan.FromSeconds(c.GetDouble()) : d.Cooldown,
                throttle.TryGetProperty("skippedEvents", out var s) ? Enum.Parse<SkippedEventPolicy>(s.GetString()!, ignoreCase: true) : d.SkippedEvents));
        }

        if (root.TryGetProperty("numberRendering", out var nr))
        {
            builder = builder.WithNumberRendering(Enum.Parse<JsonNumberRendering>(nr.GetString()!, ignoreCase: true));
        }

        if (root.TryGetProperty("escaping", out var esc))
        {
            builder = builder.WithHtmlEscaping(Enum.Parse<HtmlEscaping>(esc.GetString()!, ignoreCase: true));
        }

        if (root.TryGetProperty("sseKeepAliveSeconds", out var ka))
        {
            builder = builder.WithSseKeepAlive(TimeSpan.FromSeconds(ka.GetDouble()));
        }

        if (root.TryGetProperty("hookEventsOnDeviceStream", out var h))
        {
            builder = builder.WithHookEventsOnDeviceStream(h.GetBoolean());
        }

        if (root.TryGetProperty("apiPublishCoreId", out var core))
        {
            builder = builder.WithApiPublishCoreId(core.GetString()!);
        }

        return builder.Build();
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
