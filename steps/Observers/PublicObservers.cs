using System.Globalization;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>
/// Feeds a journal from what a real setup shows, and nothing else (design.md §5, feed c): the device's serial log, the
/// account's Particle event stream (the device's events, hook-sent / hook-response / hook-error) and Blynk's HTTPS API.
/// Hops that no public interface shows (Blynk's webhook, Particle's function call) are inferred by the journal
/// (<see cref="EchoInference"/>). Events are processed in arrival order by <see cref="CatchUpAsync"/>: a virtual-time
/// driver calls it after every step; on real time <see cref="Run"/> calls it as events arrive.
/// </summary>
public sealed class PublicObservers : IAsyncDisposable
{
    /// <summary>The doc's datastreams, read back through the HTTPS API.</summary>
    public static readonly IReadOnlyList<string> DocPins = ["V6", "V14", "V15", "V16", "V17"];

    private const string SendingPrefix = "Sending to Blynk: '";
    private const string SizeInfix = "' with size of ";

    private readonly Journal _journal;
    private readonly string _deviceId;
    private readonly ParticleEventStream _stream;
    private readonly BlynkApiClient _blynk;
    private readonly IReadOnlyList<string> _pins;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _processing = new(1, 1);
    private readonly Dictionary<string, string?> _lastSeen = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _openRequests = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _recentSends = new();
    private string _lastSentPayload = "";
    private int _processed;
    private CancellationTokenSource? _running;
    private Task? _loop;

    public PublicObservers(Journal journal, string deviceId, ParticleEventStream stream, BlynkApiClient blynk, TimeProvider time, IReadOnlyList<string>? pins = null)
    {
        _journal = journal;
        _deviceId = deviceId;
        _stream = stream;
        _blynk = blynk;
        _time = time;
        _pins = pins ?? DocPins;
        journal.Inference ??= EchoInference.Doc;
    }

    /// <summary>Reads the datastreams once, so later reads report changes only.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (pin, value) in await _blynk.GetManyAsync(_pins, cancellationToken).ConfigureAwait(false))
        {
            _lastSeen[pin] = value;
        }
    }

    /// <summary>A serial line of the device: a refused publish ("ERROR: Particle.publish()") becomes a hop.</summary>
    public void OnSerialLine(SerialLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Text.StartsWith(SendingPrefix, StringComparison.Ordinal))
        {
            var end = line.Text.LastIndexOf(SizeInfix, StringComparison.Ordinal);
            _lastSentPayload = end > SendingPrefix.Length ? line.Text[SendingPrefix.Length..end] : "";
            _recentSends.Enqueue(line.At);
            while (_recentSends.Count > 0 && line.At - _recentSends.Peek() >= TimeSpan.FromSeconds(1))
            {
                _recentSends.Dequeue();
            }

            return;
        }

        if (line.Text == "ERROR: Particle.publish()")
        {
            // Device OS refuses the 5th publish within 1000 ms; otherwise publish() returns false because the cloud is away.
            var rateLimited = _recentSends.Count >= 5;
            _journal.Record(new Hop
            {
                Kind = HopKind.PublishRefused, Source = $"device {_deviceId}", Target = "Particle Cloud", DeviceId = _deviceId, EventName = "blynk_https_get",
                Payload = _lastSentPayload, At = line.At, Feed = Feed.Serial,
                Outcome = rateLimited ? HopOutcome.RateLimited : HopOutcome.Rejected,
                Reason = rateLimited
                    ? "ERROR: Particle.publish() on serial, the 5th publish within 1000 ms (Device OS rate limiter)"
                    : "ERROR: Particle.publish() on serial",
            });
        }
    }

    /// <summary>Processes every event that has arrived, in order, reading Blynk back around each webhook.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await _processing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var events = _stream.Events;
            for (; _processed < events.Count; _processed++)
            {
                await ProcessAsync(events[_processed], cancellationToken).ConfigureAwait(false);
            }

            // A request still open: Blynk may have stored it since (Particle sends no hook-response for an empty body).
            if (_openRequests.Count > 0)
            {
                await ReadBlynkAsync(answerOpenRequests: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _processing.Release();
        }
    }

    /// <summary>Real time: processes events as they come, and reads Blynk back every <paramref name="poll"/> while a request is open.</summary>
    public void Run(TimeSpan poll)
    {
        _running = new CancellationTokenSource();
        var token = _running.Token;
        _loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await CatchUpAsync(token).ConfigureAwait(false);
                    await Task.Delay(poll, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    // Blynk unreachable for a moment: the next round reads again.
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop!.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _running.Dispose();
        }

        _processing.Dispose();
    }

    private async Task ProcessAsync(CloudEvent evt, CancellationToken cancellationToken)
    {
        var parts = evt.Name.Split('/');
        switch (parts[0])
        {
            case "hook-sent" when parts.Length >= 2:
                var name = string.Join('/', parts.Skip(1));
                _journal.Record(WebhookHop(HopKind.WebhookRequest, name, evt) with { Reason = "hook-sent" });
                _openRequests[name] = _openRequests.GetValueOrDefault(name) + 1;
                await ReadBlynkAsync(answerOpenRequests: false, cancellationToken).ConfigureAwait(false);
                break;
            case "hook-response" or "hook-error" when parts.Length >= 3:
                var hook = string.Join('/', parts.Skip(1).Take(parts.Length - 2));
                if (parts[^1] != "0")
                {
                    break; // further parts of a multipart answer
                }

                var error = parts[0] == "hook-error";
                if (error && evt.Data.StartsWith("Sleeping", StringComparison.Ordinal))
                {
                    _journal.Record(WebhookHop(HopKind.WebhookResponse, hook, evt) with { Outcome = HopOutcome.Throttled, Reason = evt.Data });
                    break;
                }

                if (!Answer(hook))
                {
                    break; // already answered (inferred from Blynk's values)
                }

                _journal.Record(WebhookHop(HopKind.WebhookResponse, hook, evt) with
                {
                    Outcome = error ? ErrorOutcome(evt.Data) : HopOutcome.Delivered,
                    Reason = parts[0] + ": " + evt.Data,
                    Payload = error ? "" : evt.Data,
                });
                break;
            default:
                if (evt.CoreId.Length > 0 && evt.CoreId != "particle-internal")
                {
                    _journal.Record(new Hop
                    {
                        Kind = HopKind.Publish, Source = $"device {evt.CoreId}", Target = "Particle Cloud", DeviceId = evt.CoreId, EventName = evt.Name,
                        Payload = evt.Data, At = At(evt), Feed = Feed.EventStream, Reason = "seen on the event stream",
                    });
                }

                break;
        }
    }

    /// <summary>Reads the datastreams; records a write for what changed; a change answers open webhook requests (inferred).</summary>
    private async Task ReadBlynkAsync(bool answerOpenRequests, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string?> now;
        try
        {
            now = await _blynk.GetManyAsync(_pins, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return; // Blynk cannot be read now (unreachable): nothing seen, nothing recorded
        }

        var changed = now.Where(p => _lastSeen.GetValueOrDefault(p.Key) != p.Value).ToList();
        foreach (var (pin, value) in changed)
        {
            _lastSeen[pin] = value;
        }

        if (changed.Count == 0)
        {
            return;
        }

        _journal.Record(new Hop
        {
            Kind = HopKind.DatastreamWrite, Source = "HTTPS API client", Target = "Blynk Cloud", Feed = Feed.BlynkApi,
            Payload = string.Join('&', changed.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value ?? "")}")),
            Reason = "new values read back through the HTTPS API",
        });
        if (answerOpenRequests || _openRequests.Count > 0)
        {
            foreach (var hook in _openRequests.Keys.ToList())
            {
                Answer(hook);
                _journal.Record(new Hop
                {
                    Kind = HopKind.WebhookResponse, Source = "Particle webhook", Target = "Blynk Cloud", EventName = hook, Feed = Feed.EventStream,
                    Inferred = true, Reason = "Blynk stored the values; Particle publishes no hook-response for an empty 200",
                });
            }
        }
    }

    private bool Answer(string hook)
    {
        if (!_openRequests.TryGetValue(hook, out var open))
        {
            return false;
        }

        if (open <= 1)
        {
            _openRequests.Remove(hook);
        }
        else
        {
            _openRequests[hook] = open - 1;
        }

        return true;
    }

    private Hop WebhookHop(HopKind kind, string eventName, CloudEvent evt) => new()
    {
        Kind = kind, Source = "Particle webhook", Target = "Blynk Cloud", EventName = eventName, At = At(evt), Feed = Feed.EventStream,
    };

    private DateTimeOffset At(CloudEvent evt) => evt.PublishedAt == default ? _time.GetUtcNow() : evt.PublishedAt;

    /// <summary>hook-error data as Particle writes it: "error status 400 from host", "ETIMEDOUT…", a connection error.</summary>
    private static HopOutcome ErrorOutcome(string data) =>
        data.StartsWith("error status ", StringComparison.Ordinal) ? HopOutcome.Rejected
        : data.Contains("ETIMEDOUT", StringComparison.Ordinal) ? HopOutcome.TimedOut
        : HopOutcome.Failed;
}
