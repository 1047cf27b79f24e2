using System.Runtime.CompilerServices;
namespace ParticleBlynk.Timeline;

/// <summary>
/// The harness's virtual time: a <see cref="TimeProvider"/> that moves only when told (<see cref="SetUtcNow"/>) and knows
/// when its next timer is due, so the harness clock can step exactly to it. Timers due at or before the new time fire
/// synchronously inside <see cref="SetUtcNow"/>, earliest first (ties in the order they were armed), each once per move.
/// <para>
/// Timers live in a binary heap keyed by due time with lazy deletion (a re-armed or disposed timer leaves a stale entry
/// that is skipped when it reaches the top), so the next due time costs O(1) and arming O(log n) however many timers came
/// and went before (FakeTimeProvider and the previous tracked set scanned every waiter on every read and every move, and
/// their sets never shrank after a peak). Stale entries are also swept out whenever they outnumber the live ones (past
/// <see cref="StaleEntriesSwept"/>): a timer disposed long before its due time (a 20 s webhook deadline met in microseconds)
/// would otherwise stay in the heap, with everything its callback holds, until time reached it — forever, while time
/// stands still. Moving time while no timer is due is a few nanoseconds (no lock): the harness
/// clock sets the time before every device loop it batches.
/// </para>
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly PriorityQueue<Entry, (long Due, long Sequence)> _heap = new();
    private long _now;
    private volatile Func<long>? _batchNow;
    private long _nextDue = long.MaxValue;
    private long _sequence;
    private long _armed;
    private long _fired;
    private int _stale;
    private int _waking;

    /// <summary>Stale heap entries tolerated before a sweep (and only while they outnumber the live ones).</summary>
    public const int StaleEntriesSwept = 1024;

    public VirtualTimeProvider(DateTimeOffset start) => _now = start.UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Ticks per second, like FakeTimeProvider: a timestamp is the virtual time's ticks.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many times a timer has been armed (created with a due time or changed); moves when a timer may be due earlier.</summary>
    public long ArmCount => Volatile.Read(ref _armed);

    /// <summary>How many timer callbacks have run.</summary>
    public long FiredCount => Volatile.Read(ref _fired);

    public override DateTimeOffset GetUtcNow() => new(NowTicks(), TimeSpan.Zero);

    public override long GetTimestamp() => NowTicks();

    /// <summary>Entries the timer heap holds, stale ones included: at most about twice the armed timers, plus <see cref="StaleEntriesSwept"/>.</summary>
    public int HeapEntries
    {
        get
        {
            lock (_gate)
            {
                return _heap.Count;
            }
        }
    }

    /// <summary>The earliest instant a live timer is due, or null when none is armed.</summary>
    public DateTimeOffset? NextTimerDueAt() => NextTimerDueTicks() is var due && due == long.MaxValue ? null : new DateTimeOffset(due, TimeSpan.Zero);

    /// <summary>The earliest due time of a live timer in ticks, <see cref="long.MaxValue"/> when none is armed.</summary>
    public long NextTimerDueTicks()
    {
        lock (_gate)
        {
            PruneLocked();
            return _nextDue;
        }
    }

    /// <summary>Sets virtual time (never backwards) and fires every timer due by then, earliest first.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        var now = NowTicks();
        if (ticks < now)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Virtual time cannot go backwards.");
        }

        Interlocked.Exchange(ref _now, ticks); // a full fence: an arm that races sees the new time, or this sees its due
        if (ticks >= Volatile.Read(ref _nextDue))
        {
            WakeWaiters();
        }
    }

    /// <summary>
    /// Sets virtual time to <paramref name="value"/> when no timer is due by then (true), with a plain write: the harness
    /// clock's move between two batched device loops, while nothing else runs. False (time unchanged) when a timer would
    /// be due, or when <paramref name="value"/> is earlier than now: the caller stops its batch and steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryMoveBeforeNextTimer(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        if (ticks >= Volatile.Read(ref _nextDue) || ticks < NowTicks())
        {
            return false;
        }

        Volatile.Write(ref _now, ticks);
        return true;
    }

    /// <summary>
    /// Lends "now" to <paramref name="source"/> (the instant a batching device is running) until <see cref="EndBatch"/>:
    /// the device moves through its loops without setting the time for each, and whatever reads the time meanwhile (a
    /// publish reaching the Particle mock, a timer it arms) gets the instant of the loop running. The caller guarantees
    /// the source only moves forward and stays before the next timer due (the harness clock batches up to it).
    /// </summary>
    public void BeginBatch(Func<long> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _batchNow = source;
    }

    /// <summary>Ends <see cref="BeginBatch"/> with time at <paramref name="value"/> (the last instant the batch ran).</summary>
    public void EndBatch(DateTimeOffset value)
    {
        Volatile.Write(ref _now, value.UtcTicks);
        _batchNow = null;
        if (value.UtcTicks >= Volatile.Read(ref _nextDue))
        {
            WakeWaiters();
        }
    }

    /// <summary>Moves time forward by <paramref name="delta"/> (tests).</summary>
    public void Advance(TimeSpan delta) => SetUtcNow(GetUtcNow() + delta);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public override string ToString() => GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fff", global::System.Globalization.CultureInfo.InvariantCulture);

    private long NowTicks() => _batchNow is { } batch ? batch() : Volatile.Read(ref _now);

    private void Arm(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            timer.Version++;
            timer.Period = period;
            Unqueue(timer);
            if (dueTime == Timeout.InfiniteTimeSpan || timer.Disposed)
            {
                return;
            }

            var due = NowTicks() + dueTime.Ticks;
            _heap.Enqueue(new Entry(timer, timer.Version), (due, ++_sequence));
            timer.Queued = true;
            Interlocked.Increment(ref _armed);
            if (due < _nextDue)
            {
                Volatile.Write(ref _nextDue, due);
            }
        }

        if (dueTime.Ticks <= 0 || NowTicks() >= Volatile.Read(ref _nextDue))
        {
            WakeWaiters(); // due already (FakeTimeProvider fires a zero due time at once, too)
        }
    }

    private void Disarm(VirtualTimer timer)
    {
        lock (_gate)
        {
            timer.Version++;
            timer.Disposed = true;
            Unqueue(timer);
        }
    }

    // The timer's entry in the heap (if any) has just gone stale; sweeps them all once they outnumber the live ones.
    private void Unqueue(VirtualTimer timer)
    {
        if (!timer.Queued)
        {
            return;
        }

        timer.Queued = false;
        if (++_stale > StaleEntriesSwept && _stale > _heap.Count - _stale)
        {
            var live = new List<(Entry, (long, long))>(_heap.Count - _stale);
            foreach (var (entry, key) in _heap.UnorderedItems)
            {
                if (entry.Version == entry.Timer.Version)
                {
                    live.Add((entry, key));
                }
            }

            _heap.Clear();
            _heap.EnqueueRange(live);
            _stale = 0;
        }
    }

    // Fires due timers one at a time, earliest first, outside the lock (a callback may arm timers or read the time).
    // A callback that moves time or arms a due timer re-enters: the outer loop picks those up.
    private void WakeWaiters()
    {
        if (Interlocked.Exchange(ref _waking, 1) == 1)
        {
            return;
        }

        try
        {
            while (true)
            {
                VirtualTimer timer;
                lock (_gate)
                {
                    PruneLocked();
                    if (_nextDue > NowTicks())
                    {
                        return;
                    }

                    _heap.TryDequeue(out var entry, out var key);
                    timer = entry.Timer;
                    timer.Version++;
                    timer.Queued = false;
                    if (timer.Period > TimeSpan.Zero)
                    {
                        // Periodic: next due one period after this due time (as FakeTimeProvider: a long move fires it once per period).
                        var next = key.Due + timer.Period.Ticks;
                        _heap.Enqueue(new Entry(timer, timer.Version), (next, ++_sequence));
                        timer.Queued = true;
                    }

                    PruneLocked();
                }

                Interlocked.Increment(ref _fired);
                timer.Callback(timer.State);
            }
        }
        finally
        {
            Volatile.Write(ref _waking, 0);
            if (NowTicks() >= Volatile.Read(ref _nextDue))
            {
                WakeWaiters(); // armed due by another thread while this one was leaving
            }
        }
    }

    // Drops stale entries (re-armed or disposed timers) from the top and publishes the next due time.
    private void PruneLocked()
    {
        while (_heap.TryPeek(out var entry, out var key))
        {
            if (entry.Version == entry.Timer.Version)
            {
                Volatile.Write(ref _nextDue, key.Due);
                return;
            }

            _heap.Dequeue();
            _stale--;
        }

        Volatile.Write(ref _nextDue, long.MaxValue);
    }

    private readonly record struct Entry(VirtualTimer Timer, long Version);

    private sealed class VirtualTimer(VirtualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        // Guarded by the owner's gate.
        public long Version { get; set; }

        public TimeSpan Period { get; set; } = Timeout.InfiniteTimeSpan;

        public bool Disposed { get; set; }

        /// <summary>Whether the heap holds an entry of this timer's current version.</summary>
        public bool Queued { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (Disposed)
            {
                return false;
            }

            owner.Arm(this, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
