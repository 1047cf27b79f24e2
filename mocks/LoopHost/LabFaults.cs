using System.Globalization;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost;

/// <summary>
/// The fault catalogue (<see cref="FaultCatalogue"/>) injected into one loop: the mocks' APIs, the event stream, the
/// Blynk webhook quota and the scenario's board. A fault with <see cref="Fault.For"/> clears itself after that much
/// harness time. Each injection and each clearing is a <see cref="HopKind.Fault"/> hop in the journal, so the report
/// shows when the fault was in force next to what it did.
/// </summary>
public sealed class LabFaults : IDisposable
{
    /// <summary>How long a dropped cloud link stays down when the fault does not say.</summary>
    public static readonly TimeSpan DefaultLinkDown = TimeSpan.FromSeconds(10);

    /// <summary>How long the application thread is blocked when the fault does not say: longer than the cloud's call timeout.</summary>
    public static readonly TimeSpan DefaultBlock = TimeSpan.FromSeconds(35);

    private readonly LoopHost _host;
    private readonly Lock _gate = new();
    private readonly Dictionary<FaultKind, (ITimer? Timer, Hop Hop)> _active = [];

    internal LabFaults(LoopHost host) => _host = host;

    /// <summary>Injects <paramref name="fault"/>; returns the journal's fault hop. Bad parameters throw ArgumentException.</summary>
    public async Task<Hop> InjectAsync(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.For is { } span && span <= TimeSpan.Zero)
        {
            throw new ArgumentException($"A fault lasts a positive time, not {span}.", nameof(fault));
        }

        var board = _host.Boards.FirstOrDefault()?.Device;
        switch (fault.Kind)
        {
            case FaultKind.ParticleApiSlow:
                _host.Particle.ApiFaults.Set(new HttpFault(HttpFaultMode.Slow, Latency(fault)));
                break;
            case FaultKind.ParticleApiUnreachable:
                _host.Particle.ApiFaults.Set(new HttpFault(HttpFaultMode.Unreachable));
                break;
            case FaultKind.ParticleApiError:
                var particleStatus = ServerError(fault);
                _host.Particle.ApiFaults.Set(new HttpFault(HttpFaultMode.Answer, Status: particleStatus, Body: ParticleError(particleStatus)));
                break;
            case FaultKind.ParticleApiRateLimited:
                // Body UNCONFIRMED (contracts.md §2.2 lists the status only): Particle's error shape.
                _host.Particle.ApiFaults.Set(new HttpFault(HttpFaultMode.Answer, Status: 429, Body: ParticleError(429)) { Headers = RetryAfter(fault) });
                break;
            case FaultKind.EventStreamDropped:
                _host.Particle.DropEventStreams();
                break;
            case FaultKind.BlynkSlow:
                _host.Blynk.ResponseLatency = Latency(fault);
                break;
            case FaultKind.BlynkUnreachable:
                _host.Blynk.Unreachable = true;
                break;
            case FaultKind.BlynkError:
                var blynkStatus = ServerError(fault);
                _host.Blynk.ApiFaults.Set(new HttpFault(HttpFaultMode.Answer, Status: blynkStatus, Body: BlynkError(blynkStatus)));
                break;
            case FaultKind.BlynkRateLimited:
                // Body UNCONFIRMED (contracts.md §5.2: "HTTP 429 / rate-limit response body — not documented"): Blynk's error shape.
                _host.Blynk.ApiFaults.Set(new HttpFault(HttpFaultMode.Answer, Status: 429, Body: BlynkError(429)) { Headers = RetryAfter(fault) });
                break;
            case FaultKind.CloudLinkDroppedMidPublish:
                var down = fault.For ?? DefaultLinkDown;
                await _host.OnBoardsAsync(() => Board(board).DropCloudOnNextPublish(down)).ConfigureAwait(false);
                break;
            case FaultKind.FunctionCallTimeout:
                var blocked = fault.For ?? DefaultBlock;
                await _host.OnBoardsAsync(() => Board(board).BlockApplicationThread(blocked)).ConfigureAwait(false);
                break;
            case FaultKind.BlynkWebhookQuotaExceeded:
                _host.Blynk.UseUpWebhookQuota();
                break;
            case FaultKind.PublishBurstUsedUp:
                await _host.OnBoardsAsync(() => Board(board).RecordOtherPublishes(4)).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"Unknown fault {fault.Kind}.", nameof(fault));
        }

        var hop = _host.Journal.Record(new Hop
        {
            Kind = HopKind.Fault, Source = "harness", Target = Target(fault.Kind), DeviceId = board?.DeviceId, Payload = Describe(fault),
            Outcome = Lasting(fault.Kind) ? HopOutcome.Pending : HopOutcome.Delivered, Reason = FaultCatalogue.Card(fault.Kind).Models,
        });
        lock (_gate)
        {
            if (_active.Remove(fault.Kind, out var replaced))
            {
                replaced.Timer?.Dispose();
            }

            var timer = Lasting(fault.Kind) && fault.For is { } lasts
                ? _host.Services.Time.CreateTimer(_ => Clear(fault.Kind), null, lasts, Timeout.InfiniteTimeSpan)
                : null;
            _active[fault.Kind] = (timer, hop);
        }

        return hop;
    }

    /// <summary>Clears a fault (a no-op when it is not in force): the API answers again, the stream accepts readers…</summary>
    public void Clear(FaultKind kind)
    {
        switch (kind)
        {
            case FaultKind.ParticleApiSlow or FaultKind.ParticleApiUnreachable or FaultKind.ParticleApiError or FaultKind.ParticleApiRateLimited:
                _host.Particle.ApiFaults.Clear();
                break;
            case FaultKind.EventStreamDropped:
                _host.Particle.RestoreEventStreams();
                break;
            case FaultKind.BlynkSlow:
                _host.Blynk.ResponseLatency = TimeSpan.Zero;
                break;
            case FaultKind.BlynkUnreachable:
                _host.Blynk.Unreachable = false;
                break;
            case FaultKind.BlynkError or FaultKind.BlynkRateLimited:
                _host.Blynk.ApiFaults.Clear();
                break;
            case FaultKind.CloudLinkDroppedMidPublish:
                _host.Boards.FirstOrDefault()?.Device.KeepCloudOnNextPublish();
                break;
            case FaultKind.BlynkWebhookQuotaExceeded:
                _host.Blynk.ResetWebhookQuota();
                break;
            case FaultKind.FunctionCallTimeout or FaultKind.PublishBurstUsedUp:
                break; // what happened cannot be undone: the thread was blocked, the publishes were made
            default:
                throw new ArgumentException($"Unknown fault {kind}.", nameof(kind));
        }

        (ITimer? Timer, Hop Hop) active;
        lock (_gate)
        {
            if (!_active.Remove(kind, out active))
            {
                return;
            }
        }

        active.Timer?.Dispose();
        if (Lasting(kind))
        {
            _host.Journal.Complete(active.Hop, h => h with { Outcome = HopOutcome.Delivered, Reason = $"cleared after {(_host.Services.Time.GetUtcNow() - h.At).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" });
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (timer, _) in _active.Values)
            {
                timer?.Dispose();
            }

            _active.Clear();
        }
    }

    /// <summary>Faults in force until cleared (or for <see cref="Fault.For"/>); the others happen once.</summary>
    private static bool Lasting(FaultKind kind) =>
        kind is not (FaultKind.CloudLinkDroppedMidPublish or FaultKind.FunctionCallTimeout or FaultKind.BlynkWebhookQuotaExceeded or FaultKind.PublishBurstUsedUp);

    private static Emulator.EmulatedDevice Board(Emulator.EmulatedDevice? board) =>
        board ?? throw new ArgumentException("The lab has no board to inject this fault into.");

    private static TimeSpan Latency(Fault fault) =>
        fault.Latency is { } latency && latency > TimeSpan.Zero ? latency : throw new ArgumentException($"{fault.Kind} needs a positive \"latency\".", nameof(fault));

    private static int ServerError(Fault fault) =>
        fault.Status is null or (>= 500 and <= 599) ? fault.Status ?? 503 : throw new ArgumentException($"{fault.Kind} answers a 5xx status, not {fault.Status}.", nameof(fault));

    private static Dictionary<string, string> RetryAfter(Fault fault) =>
        fault.For is { } lasts ? new() { ["Retry-After"] = Math.Ceiling(lasts.TotalSeconds).ToString(CultureInfo.InvariantCulture) } : [];

    // Particle's error shape (contracts.md §2.2); the words are the status's reason phrase.
    private static string ParticleError(int status) =>
        "{\"ok\":false,\"error\":\"" + ReasonPhrase(status) + "\"}";

    // Blynk's documented 400 shape (contracts.md §5.1), used for the undocumented 5xx/429 bodies (UNCONFIRMED).
    private static string BlynkError(int status) =>
        "{\"error\":{\"message\":\"" + ReasonPhrase(status) + "\"}}";

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static string Target(FaultKind kind) => kind switch
    {
        FaultKind.ParticleApiSlow or FaultKind.ParticleApiUnreachable or FaultKind.ParticleApiError or FaultKind.ParticleApiRateLimited => "Particle API",
        FaultKind.EventStreamDropped => "Particle event stream",
        FaultKind.BlynkSlow or FaultKind.BlynkUnreachable or FaultKind.BlynkError or FaultKind.BlynkRateLimited => "Blynk HTTPS API",
        FaultKind.BlynkWebhookQuotaExceeded => "Blynk webhook quota",
        _ => "device",
    };

    private static string Describe(Fault fault)
    {
        var parts = new List<string> { fault.Kind.ToString() };
        if (fault.Latency is { } latency)
        {
            parts.Add($"latency {latency.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        if (fault.Status is { } status)
        {
            parts.Add($"status {status.ToString(CultureInfo.InvariantCulture)}");
        }

        if (fault.For is { } lasts)
        {
            parts.Add($"for {lasts.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return string.Join(", ", parts);
    }
}
