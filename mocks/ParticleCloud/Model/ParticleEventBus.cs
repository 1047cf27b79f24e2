using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// The cloud's event bus: every event that reaches the cloud (device publishes, API publishes, hook-* events), in order.
/// In-process observers (drivers) and the SSE endpoint read it through subscriptions; publishing never blocks. The history
/// is bounded: past <see cref="Capacity"/> events, or <see cref="TextBudget"/> characters of names and data in all, the oldest
/// are dropped and counted (<see cref="Dropped"/>); the data of each is bounded where it enters (1024 bytes through the API,
/// the Device OS limit from a device, 512-byte hook chunks).
/// </summary>
public sealed class ParticleEventBus
{
    private readonly object _gate = new();
    private readonly List<ParticleEvent> _events = [];
    // Copy-on-write under _gate: a publish reads the current array without copying it (subscribing is rare, publishing is the hot path).
    private Subscription[] _subscriptions = [];
    private long _nextId;
    private long _published;
    private long _dropped;
    private long _text;

    public ParticleEventBus(int capacity = ParticleLimitsDefaults.EventHistory, long textBudget = ParticleLimitsDefaults.EventHistoryText)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(textBudget, 1);
        Capacity = capacity;
        TextBudget = textBudget;
    }

    /// <summary>Characters of event names and data the history keeps in all.</summary>
    public long TextBudget { get; }

    /// <summary>Raised synchronously on the publishing thread, after the event is stored.</summary>
    public event Action<ParticleEvent>? Published;

    /// <summary>Events a subscription holds for a reader that has not read them yet; past it the oldest are dropped.</summary>
    public const int SubscriberBacklog = 10_000;

    /// <summary>Events the history keeps.</summary>
    public int Capacity { get; }

    /// <summary>Events published so far, dropped ones included.</summary>
    public long PublishedCount
    {
        get
        {
            lock (_gate)
            {
                return _published;
            }
        }
    }

    /// <summary>Events dropped from the history because it was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Every event the history keeps (all of them until <see cref="Capacity"/>), in publishing order.</summary>
    public IReadOnlyList<ParticleEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>A fresh unique event id (24 hex, like other Particle ids).</summary>
    public string NextEventId() => Interlocked.Increment(ref _nextId).ToString("x24", System.Globalization.CultureInfo.InvariantCulture);

    public void Publish(ParticleEvent evt)
    {
        Subscription[] targets;
        lock (_gate)
        {
            _published++;
            _events.Add(evt);
            _text += Size(evt);
            if (_events.Count > Capacity || (_text > TextBudget && _events.Count > 1))
            {
                // The oldest tenth at once (a List shifts on removal), more while still over the budget; the newest stays.
                var drop = Math.Clamp((_events.Count > Capacity ? Capacity : _events.Count) / 10, 1, _events.Count - 1);
                var freed = _events.Take(drop).Sum(Size);
                while (_text - freed > TextBudget && drop < _events.Count - 1)
                {
                    freed += Size(_events[drop++]);
                }

                _events.RemoveRange(0, drop);
                _text -= freed;
                _dropped += drop;
            }

            targets = _subscriptions;
        }

        foreach (var subscription in targets)
        {
            if (subscription.Filter(evt))
            {
                subscription.Channel.Writer.TryWrite(evt);
            }
        }

        Published?.Invoke(evt);
    }

    private static long Size(ParticleEvent evt) => evt.Name.Length + evt.Data.Length;

    /// <summary>Subscribes to events published from now on that pass <paramref name="filter"/>. Dispose to unsubscribe.</summary>
    public EventSubscription Subscribe(Func<ParticleEvent, bool> filter)
    {
        // Bounded: a reader that stops reading (an event stream whose client stopped reading but keeps its connection) holds
        // at most this many events, the oldest giving way.
        var subscription = new Subscription(filter, Channel.CreateBounded<ParticleEvent>(new BoundedChannelOptions(SubscriberBacklog)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        }));
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return new EventSubscription(subscription.Channel.Reader, () =>
        {
            lock (_gate)
            {
                _subscriptions = Array.FindAll(_subscriptions, s => !ReferenceEquals(s, subscription));
            }

            subscription.Channel.Writer.TryComplete();
        });
    }

    /// <summary>Events from now on whose name starts with <paramref name="prefix"/> (case-sensitive), until cancelled.</summary>
    public async IAsyncEnumerable<ParticleEvent> SubscribeAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = Subscribe(e => e.Name.StartsWith(prefix, StringComparison.Ordinal));
        await foreach (var evt in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return evt;
        }
    }

    /// <summary>Ends every subscription (the cloud is shutting down).</summary>
    internal void CompleteAll()
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Channel.Writer.TryComplete();
            }

            _subscriptions = [];
        }
    }

    private sealed record Subscription(Func<ParticleEvent, bool> Filter, Channel<ParticleEvent> Channel);
}

/// <summary>Defaults shared by <see cref="ParticleLimits"/> and the bus.</summary>
internal static class ParticleLimitsDefaults
{
    public const int EventHistory = 100_000;

    public const long EventHistoryText = 8L * 1024 * 1024;
}

/// <summary>A live subscription to the bus: read events from <see cref="Reader"/>; dispose to stop.</summary>
public sealed class EventSubscription(ChannelReader<ParticleEvent> reader, Action unsubscribe) : IDisposable
{
    private int _disposed;

    public ChannelReader<ParticleEvent> Reader { get; } = reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            unsubscribe();
        }
    }
}
