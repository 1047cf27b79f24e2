using System.Globalization;
using System.Text.Json.Serialization;

namespace ParticleBlynk.Loop;

/// <summary>The six legs of the loop (design.md §1). <see cref="None"/>: a hop on no leg (the harness's own serial link).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Leg>))]
public enum Leg
{
    None = 0,

    /// <summary>Device publishes blynk_https_get to the Particle Cloud.</summary>
    L1 = 1,

    /// <summary>Particle webhook: HTTPS GET batch/update on the Blynk Cloud.</summary>
    L2 = 2,

    /// <summary>Blynk datastreams and dashboard.</summary>
    L3 = 3,

    /// <summary>Blynk webhook on V16: POST to the Particle function API.</summary>
    L4 = 4,

    /// <summary>Particle Cloud calls blynk_led on the device.</summary>
    L5 = 5,

    /// <summary>The device republishes its LED state (the echo).</summary>
    L6 = 6,
}

/// <summary>What a hop is. The leg follows from it (<see cref="LegClassifier"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HopKind>))]
public enum HopKind
{
    /// <summary>An event reached the Particle Cloud (device or API publish).</summary>
    Publish,

    /// <summary>A publish the device attempted that never reached the cloud (rate limiter, not connected, no ACK).</summary>
    PublishRefused,

    /// <summary>The Particle webhook sent its request (or skipped it: throttled).</summary>
    WebhookRequest,

    /// <summary>What became of the Particle webhook's request: the answer, a hook-error, a timeout.</summary>
    WebhookResponse,

    /// <summary>A Blynk datastream write: the HTTPS API (the webhook) or the app/dashboard switch.</summary>
    DatastreamWrite,

    /// <summary>
    /// A Blynk webhook execution: recorded when sent (or dropped by the quota) and completed in place with the answer, so
    /// the hops it causes (the function call, the echo) read after it.
    /// </summary>
    BlynkWebhook,

    /// <summary>Blynk's notification email to the webhook's failure receivers.</summary>
    Notification,

    /// <summary>A call of a device function through the Particle API, as the cloud received it.</summary>
    FunctionCall,

    /// <summary>What the device's function returned (or why there is no return value).</summary>
    FunctionReturn,

    /// <summary>The republish after a function call that returned 0/1: the LED echo.</summary>
    Echo,

    /// <summary>The harness's link to the device (the serial port) went down or came back.</summary>
    DeviceLink,

    /// <summary>The harness injected a fault (<see cref="Outcome"/> Pending while it lasts, Delivered once cleared).</summary>
    Fault,
}

/// <summary>What became of a hop.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HopOutcome>))]
public enum HopOutcome
{
    /// <summary>Sent, no answer yet (a request whose hop is completed in place when the answer comes).</summary>
    Pending,

    Delivered,
    Rejected,
    RateLimited,
    DroppedByQuota,
    Throttled,

    /// <summary>No answer within the deadline (Particle's 20 s webhook timeout, a function call timeout).</summary>
    TimedOut,

    /// <summary>The hop could not be completed: unreachable host, connection reset, TLS failure, link down.</summary>
    Failed,
}

/// <summary>Who wrote a hop into the journal (design.md §5 "Feeds").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Feed>))]
public enum Feed
{
    /// <summary>A mock or the emulated device in this process.</summary>
    InProcess,

    /// <summary>A lab in another process (a container), through its journal stream.</summary>
    RemoteLab,

    /// <summary>The harness itself: what it did as a client (a function call, a switch in the app).</summary>
    Harness,

    /// <summary>The device's serial log.</summary>
    Serial,

    /// <summary>The Particle event stream (device events, hook-sent / hook-response / hook-error).</summary>
    EventStream,

    /// <summary>The Blynk HTTPS API (values read back).</summary>
    BlynkApi,
}

/// <summary>
/// One hop of one message through the loop (design.md §5): a typed record. Recorders fill what they know; the journal
/// sets <see cref="Sequence"/>, <see cref="Leg"/>, <see cref="Correlation"/>, <see cref="Bytes"/> and, when left
/// default, <see cref="At"/>.
/// </summary>
public sealed record Hop
{
    /// <summary>The source of a datastream write made in the Blynk app or the web dashboard (a person's switch).</summary>
    public const string BlynkApp = "Blynk app";

    /// <summary>Order in the journal.</summary>
    public long Sequence { get; init; }

    /// <summary>When the hop started, on the harness clock.</summary>
    public DateTimeOffset At { get; init; }

    public Leg Leg { get; init; }

    public required HopKind Kind { get; init; }

    /// <summary>Who sent, e.g. "device e00fce68…", "Particle webhook blynk_particle", "Blynk app".</summary>
    public required string Source { get; init; }

    /// <summary>Who received, e.g. "Particle Cloud", "ny3.blynk.cloud", "device e00fce68…".</summary>
    public required string Target { get; init; }

    /// <summary>Links the hops one publish or one switch causes (publish → webhook → Blynk write → V16 webhook → call → echo).</summary>
    public string Correlation { get; init; } = "";

    /// <summary>The Particle device the hop concerns, when there is one.</summary>
    public string? DeviceId { get; init; }

    /// <summary>The Particle event name (publishes, webhook hops).</summary>
    public string? EventName { get; init; }

    /// <summary>The Blynk datastream a write or a Blynk webhook concerns (the webhook's trigger pin), e.g. V16.</summary>
    public string? Pin { get; init; }

    /// <summary>The function name (function calls and returns).</summary>
    public string? Function { get; init; }

    /// <summary>What was carried: event data, the query, a JSON body, "V16=1", a function argument.</summary>
    public string Payload { get; init; } = "";

    /// <summary>UTF-8 size of <see cref="Payload"/>.</summary>
    public int Bytes { get; init; }

    public HopOutcome Outcome { get; init; } = HopOutcome.Delivered;

    /// <summary>Bumped each time the journal changes the hop (completion in place): a stream re-sends it.</summary>
    public int Revision { get; init; }

    /// <summary>Why: the error text, the refusal, the hook-error data.</summary>
    public string? Reason { get; init; }

    /// <summary>How long the hop took (request to answer), when it has an answer.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The HTTP request and its answer, for hops that are HTTP.</summary>
    public HttpExchange? Http { get; init; }

    /// <summary>A function's return value (<see cref="HopKind.FunctionReturn"/>).</summary>
    public int? ReturnValue { get; init; }

    public Feed Feed { get; init; } = Feed.InProcess;

    /// <summary>Not seen but implied by what was seen (an observer of public interfaces cannot see Blynk's webhook).</summary>
    public bool Inferred { get; init; }

    /// <summary>A few words for the text and the diagram, e.g. "publish blynk_https_get", "GET /external/api/batch/update".</summary>
    [JsonIgnore]
    public string Action => Kind switch
    {
        HopKind.Publish or HopKind.PublishRefused or HopKind.Echo => "publish " + EventName,
        HopKind.FunctionCall => "call " + Function,
        HopKind.FunctionReturn => $"{Function} returned {(ReturnValue is { } v ? v.ToString(CultureInfo.InvariantCulture) : "nothing")}",
        HopKind.WebhookResponse => Http?.Status is { } status ? $"answer {status.ToString(CultureInfo.InvariantCulture)}" : "no answer",
        HopKind.DatastreamWrite when Http is null => "write " + Payload,
        HopKind.Notification => "failure notification email",
        HopKind.DeviceLink => "serial link",
        HopKind.Fault => "fault " + Payload,
        _ when Http is not null => $"{Http.Method} {Http.Path}",
        _ => Kind.ToString(),
    };

    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{At:HH:mm:ss.fff} {(Leg == Leg.None ? "--" : Leg.ToString())} {Correlation} {Source} -> {Target}: {Action} [{Bytes} B] {Outcome}{(Inferred ? " (inferred)" : "")}{(Reason is null ? "" : " (" + Reason + ")")}{(Duration is { } d ? $" in {d.TotalMilliseconds} ms" : "")}{(Payload.Length == 0 ? "" : Environment.NewLine + "      " + Payload)}");
}
