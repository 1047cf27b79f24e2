using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// The cloud's event bus: every event that reaches the cloud (device publishes, API publishes, hook-* events), in order.
/// In-process observers (drivers) and the SSE endpoint read it through subscriptions; publishing never blocks.
/// </summary>
public sealed class ParticleEventBus
{
    private readonly object _gate = new();
    private readonly List<ParticleEvent> _events = [];
    private readonly List<Subscription> _subscriptions = [];
    private long _nextId;

    /// <summary>Raised synchronously on the publishing thread, after the event is stored.</summary>
    public event Action<ParticleEvent>? Published;

    /// <summary>Every event so far, in publishing order.</summary>
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
            _events.Add(evt);
            targets = [.. _subscriptions];
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

    /// <summary>Subscribes to events published from now on that pass <paramref name="filter"/>. Dispose to unsubscribe.</summary>
    public EventSubscription Subscribe(Func<ParticleEvent, bool> filter)
    {
        var subscription = new Subscription(filter, Channel.CreateUnbounded<ParticleEvent>(new UnboundedChannelOptions { SingleReader = true }));
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        return new EventSubscription(subscription.Channel.Reader, () =>
        {
            lock (_gate)
            {
                _subscriptions.Remove(subscription);
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

            _subscriptions.Clear();
        }
    }

    private sealed record Subscription(Func<ParticleEvent, bool> Filter, Channel<ParticleEvent> Channel);
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
