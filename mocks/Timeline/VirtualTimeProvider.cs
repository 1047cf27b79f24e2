using Microsoft.Extensions.Time.Testing;

namespace ParticleBlynk.Timeline;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows when its next timer is due, so the harness clock can step
/// exactly to it. FakeTimeProvider alone fires every timer due inside an Advance with the clock already at the
/// end of the advance (measured: a 3 ms timer fired seeing +20 ms), which would blur every latency we measure.
/// </summary>
public sealed class VirtualTimeProvider : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly HashSet<TrackedTimer> _timers = [];

    public VirtualTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>The earliest instant a live timer is due, or null when none is armed.</summary>
    public DateTimeOffset? NextTimerDueAt()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var timer in _timers)
            {
                if (timer.DueAt is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Arm(dueTime, period);

        tracked.Inner = base.CreateTimer(
            s =>
            {
                tracked.OnFired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return tracked;
    }

    private void Forget(TrackedTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class TrackedTimer(VirtualTimeProvider owner) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer? Inner { get; set; }

        public DateTimeOffset? DueAt { get; private set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                owner._timers.Add(this); // re-armed by Change after firing: tracked again
            }
        }

        public void OnFired()
        {
            var oneShot = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero;
            lock (owner._gate)
            {
                DueAt = oneShot ? null : owner.GetUtcNow() + _period;
                if (oneShot)
                {
                    owner._timers.Remove(this); // fired and not re-armed: forgotten, so a long run does not accumulate them
                }
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                DueAt = null;
            }

            owner.Forget(this);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
