using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>
/// The account's Particle event stream (Server-Sent Events, contracts.md §2.3): GET /v1/devices/events with a Bearer
/// token; every "event:/data:" block becomes a <see cref="CloudEvent"/>, kept in arrival order. Reconnects after a drop
/// (the cloud closes idle streams; a lab's fault drops them), telling <see cref="Dropped"/> how long it was gone.
/// </summary>
public sealed class ParticleEventStream : IEventStreamReader
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _token;
    private readonly TimeProvider _wall;
    private readonly Lock _gate = new();
    private readonly List<CloudEvent> _events = [];
    private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _reconnectionWaiters = [];
    private int _reconnections;
    private volatile bool _open;
    private int _baselineReconnections;
    private long _missed;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private ParticleEventStream(HttpClient http, Uri url, string token, TimeProvider wall)
    {
        _http = http;
        _url = url;
        _token = token;
        _wall = wall;
        _reading = Task.Run(ReadLoopAsync);
    }

    /// <summary>Raised for every event, on the reading thread, after it is stored.</summary>
    public event Action<CloudEvent>? Received;

    /// <summary>Raised when the stream dropped and came back: when it dropped, for how long, why.</summary>
    public event Action<DateTimeOffset, TimeSpan, string>? Dropped;

    /// <summary>Every event so far, in arrival order.</summary>
    public IReadOnlyList<CloudEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Whether the stream is open now (false while it is dropped and reconnecting).</summary>
    public bool IsOpen => _open;

    /// <summary>
    /// Waits until the stream has delivered what the cloud has published (<paramref name="published"/>, the cloud's own
    /// count: a harness's sync barrier). What the cloud published while the stream was down never comes — Particle keeps
    /// no backlog — so while the stream is down, and at the first call after it came back, this re-baselines instead of
    /// waiting: those events count as missed.
    /// </summary>
    public async Task CatchUpWithAsync(long published, TimeSpan timeout)
    {
        var reconnections = Reconnections;
        if (!IsOpen || reconnections != _baselineReconnections)
        {
            _baselineReconnections = reconnections;
            _missed = Math.Max(0, published - Count);
            return;
        }

        await WaitForCountAsync(published - _missed, timeout).ConfigureAwait(false);
    }

    /// <summary>True once an event matching <paramref name="match"/> has arrived (or had); false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForEventAsync(Func<CloudEvent, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReceived(CloudEvent e)
        {
            if (match(e))
            {
                arrived.TrySetResult();
            }
        }

        Received += OnReceived;
        try
        {
            if (Events.Any(match))
            {
                return true;
            }

            await arrived.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            Received -= OnReceived;
        }
    }

    /// <summary>How many times the stream dropped and came back.</summary>
    public int Reconnections => Volatile.Read(ref _reconnections);

    /// <summary>Completes once the stream has come back <paramref name="count"/> times; wall-clock bounded.</summary>
    public async Task WaitForReconnectionsAsync(int count, TimeSpan timeout)
    {
        Task reached;
        lock (_gate)
        {
            if (_reconnections >= count)
            {
                return;
            }

            var waiter = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _reconnectionWaiters.Add(waiter);
            reached = waiter.Item2.Task;
        }

        try
        {
            await reached.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The Particle event stream came back {Reconnections.ToString(CultureInfo.InvariantCulture)} of {count.ToString(CultureInfo.InvariantCulture)} times within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
    }

    /// <summary>Opens <c>{baseUrl}/v1/devices/events</c>; <see cref="ConnectedAsync"/> completes at the stream's first ":ok".</summary>
    public static ParticleEventStream Open(HttpClient http, Uri baseUrl, string token, string path = "/v1/devices/events", TimeProvider? wall = null) =>
        new(http, new Uri(baseUrl, path), token, wall ?? TimeProvider.System);

    /// <summary>Completes once the stream is open (the cloud sent ":ok"), or fails after <paramref name="timeout"/> of wall time.</summary>
    public Task ConnectedAsync(TimeSpan timeout) => _connected.Task.WaitAsync(timeout);

    /// <summary>Completes when at least <paramref name="count"/> events have arrived; wall-clock bounded (a lost event is a failure, not a hang).</summary>
    public async Task WaitForCountAsync(long count, TimeSpan timeout)
    {
        Task reached;
        lock (_gate)
        {
            if (_events.Count >= count)
            {
                return;
            }

            var waiter = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
            reached = waiter.Item2.Task;
        }

        try
        {
            await reached.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The Particle event stream delivered {Count.ToString(CultureInfo.InvariantCulture)} of {count.ToString(CultureInfo.InvariantCulture)} events within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Parses one SSE block's data (<c>{"data","ttl","published_at","coreid"}</c>) into an event.</summary>
    public static CloudEvent Parse(string name, string data)
    {
        using var json = JsonDocument.Parse(data);
        var root = json.RootElement;
        string Text(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        var at = DateTimeOffset.TryParse(Text("published_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var published) ? published : default;
        return new CloudEvent(name, Text("data"), at, Text("coreid"));
    }

    private async Task ReadLoopAsync()
    {
        var token = _stop.Token;
        var backoff = TimeSpan.FromMilliseconds(50);
        DateTimeOffset? droppedAt = null;
        var reason = "";
        while (!token.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, _url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                    _connected.TrySetException(new HttpRequestException($"The event stream answered {(int)response.StatusCode} {body}"));
                    reason = $"{(int)response.StatusCode} {body}";
                }
                else
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), Encoding.UTF8);
                    await ReadBlocksAsync(reader, () =>
                    {
                        _open = true;
                        _connected.TrySetResult();
                        if (droppedAt is { } at)
                        {
                            Dropped?.Invoke(at, _wall.GetUtcNow() - at, reason);
                            droppedAt = null;
                            Reconnected();
                        }

                        backoff = TimeSpan.FromMilliseconds(50);
                    }, token).ConfigureAwait(false);
                    reason = "the cloud closed the stream";
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                reason = ex.Message;
            }

            _open = false;
            droppedAt ??= _wall.GetUtcNow();
            await Task.Delay(backoff, _wall, token).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private void Reconnected()
    {
        List<TaskCompletionSource> reached;
        lock (_gate)
        {
            _reconnections++;
            reached = [.. _reconnectionWaiters.Where(w => w.Count <= _reconnections).Select(w => w.Reached)];
            _reconnectionWaiters.RemoveAll(w => w.Count <= _reconnections);
        }

        foreach (var waiter in reached)
        {
            waiter.TrySetResult();
        }
    }

    private async Task ReadBlocksAsync(StreamReader reader, Action opened, CancellationToken token)
    {
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data.Length > 0)
                {
                    Store(Parse(name, data.ToString()));
                }

                (name, data) = (null, data.Clear());
            }
            else if (line.StartsWith(':'))
            {
                opened(); // ":ok" first, then ":" keep-alives
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line["data:".Length..].TrimStart());
            }
        }
    }

    private void Store(CloudEvent evt)
    {
        List<TaskCompletionSource> reached;
        lock (_gate)
        {
            _events.Add(evt);
            reached = [.. _waiters.Where(w => _events.Count >= w.Count).Select(w => w.Reached)];
            _waiters.RemoveAll(w => _events.Count >= w.Count);
        }

        Received?.Invoke(evt);
        foreach (var waiter in reached)
        {
            waiter.TrySetResult();
        }
    }
}
