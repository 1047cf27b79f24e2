using System.Runtime.CompilerServices;
using System.Globalization;

namespace ParticleBlynk.Timeline;

/// <summary>Something that needs to run at instants of virtual time (an emulated device's loop boundaries).</summary>
public interface IClockParticipant
{
    /// <summary>The next instant it must run at, or null when it has nothing to do.</summary>
    DateTimeOffset? NextDueAt { get; }

    /// <summary>Runs everything due at <paramref name="now"/> (called exactly at <see cref="NextDueAt"/>).</summary>
    void RunDue(DateTimeOffset now);
}

/// <summary>
/// A participant that can run several of its instants back to back (an emulated device's loops), the way it runs bare:
/// the clock hands it the instants it may take without anything else happening in between.
/// </summary>
public interface IBatchingClockParticipant : IClockParticipant
{
    /// <summary>
    /// Runs what is due at <paramref name="now"/> (as <see cref="IClockParticipant.RunDue"/>), then keeps running its next
    /// instants while each is strictly before <paramref name="before"/>: for each, it first calls
    /// <paramref name="moveTo"/> with the instant (which sets the harness time to it, or returns false to stop there: work
    /// began or a timer was armed). With <paramref name="stopAfterEffects"/> it also stops on its own right after an
    /// instant that had an effect anybody could observe (a publish, a serial line, the LED, a function call answered, the
    /// cloud session changing): a driver checks a condition then. Returns how many instants it ran. Instead of calling
    /// <paramref name="moveTo"/> for each instant, a participant that ends its batch right after anything that reaches
    /// another component may lend itself the time (<see cref="VirtualTimeProvider.BeginBatch"/> … <see cref="VirtualTimeProvider.EndBatch"/>),
    /// as the loop host's boards do when advancing: no call per loop.
    /// </summary>
    long RunDueBatch(DateTimeOffset now, DateTimeOffset before, Func<DateTimeOffset, bool> moveTo, bool stopAfterEffects);
}

/// <summary>When <see cref="HarnessClock.AdvanceUntilAsync(Func{bool}, TimeSpan, ConditionCheck)"/> looks at its condition.</summary>
public enum ConditionCheck
{
    /// <summary>After every settled event, each device loop included (the condition may read any state).</summary>
    EveryEvent,

    /// <summary>
    /// After every settled event that had an effect: a timer firing, work that ran, a device loop that published, wrote
    /// serial, changed the LED, answered a call or changed its cloud session or setup state. Loops without an effect run
    /// back to back in between, so a condition on such effects (or on a task harness work completes) is seen at the same
    /// virtual instant as with <see cref="EveryEvent"/>; one on loop-internal state (LoopCount, millis(), globals) is not.
    /// </summary>
    AfterEffects,
}

/// <summary>
/// The one clock of a run (design.md §4). Advancing it steps from event to event — device loop boundaries and
/// timers of the mocks — setting virtual time exactly to each, running what is due, and waiting until the work
/// that started (HTTP between the mocks included) has settled before time moves on.
/// <para>
/// Order at one instant: timers due then fire (and what they start settles) before participants due then run, in the
/// order they were attached; their work settles before time moves. Participants are kept in a queue of due instants
/// (re-queued after they run; all re-read whenever work ran, a timer fired, or an advance starts, since those are the only
/// ways anything else changes them). While nothing is in flight and nothing else is due, a batching participant (an
/// emulated device) runs its loops back to back up to the next instant something else is due, stopping right after a loop
/// that started work or armed a timer, so that work settles before time moves: <see cref="AdvanceToAsync"/> and
/// <see cref="AdvanceAsync"/> batch so; <see cref="AdvanceUntilAsync(Func{bool}, TimeSpan)"/> checks its condition after
/// every event, loops included, unless asked to check only after effects (then a batch also ends after each loop with an
/// observable effect: a serial line, the LED, a sensor change…).
/// </para>
/// </summary>
public sealed class HarnessClock
{
    /// <summary>Where virtual time starts unless a scenario says otherwise.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<IClockParticipant, Slot> _bySlot = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, List<Slot>> _buckets = [];
    private readonly PriorityQueue<long, long> _instants = new();
    private readonly Stack<List<Slot>> _spareBuckets = new();
    private readonly List<Slot> _due = [];
    private readonly TimeSpan _watchdog;
    private readonly Func<DateTimeOffset, bool> _moveTo;
    private long _lastBucketTicks = long.MinValue;
    private List<Slot>? _lastBucket;
    private int _nextOrder;
    private bool _membershipChanged = true;
    private long _seenActivity = -1;
    private long _seenFired = -1;
    private long _batchActivity;
    private long _batchArmed;
    private long _batchFired;
    private int _advancing;

    public HarnessClock(DateTimeOffset? start = null, TimeSpan? settleWatchdog = null)
    {
        Time = new VirtualTimeProvider(start ?? DefaultStart);
        Work = new WorkTracker(Time);
        _watchdog = settleWatchdog ?? TimeSpan.FromSeconds(20);
        _moveTo = MoveTo;
    }

    /// <summary>The virtual time provider every component reads.</summary>
    public VirtualTimeProvider Time { get; }

    /// <summary>The work the harness started and has to wait for.</summary>
    public WorkTracker Work { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Device loops run back to back (batched) so far: how many instants ran inside batches without a step of their own.</summary>
    public long BatchedInstants { get; private set; }

    /// <summary>Events stepped so far (each with its settles); a batch of device loops is one.</summary>
    public long Steps { get; private set; }

    public void Attach(IClockParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        lock (_gate)
        {
            if (_bySlot.ContainsKey(participant))
            {
                return;
            }

            var slot = new Slot(participant, _nextOrder++);
            _slots.Add(slot);
            _bySlot.Add(participant, slot);
            _membershipChanged = true;
        }
    }

    public void Detach(IClockParticipant participant)
    {
        lock (_gate)
        {
            if (_bySlot.Remove(participant, out var slot))
            {
                _slots.Remove(slot);
                slot.Detached = true;
                slot.QueuedAt = null;
                _membershipChanged = true;
            }
        }
    }

    /// <summary>Waits until started work has settled, without moving time.</summary>
    public Task SettleAsync() => Work.WhenSettledAsync(_watchdog);

    /// <summary>Moves time forward by <paramref name="delta"/>, running every event due on the way.</summary>
    public Task AdvanceAsync(TimeSpan delta) => AdvanceToAsync(Now + delta);

    /// <summary>Moves time forward to <paramref name="target"/>, running every event due on the way (and at it).</summary>
    public async Task AdvanceToAsync(DateTimeOffset target)
    {
        using var _ = EnterAdvance();
        ForceRefresh();
        while (await StepAsync(target, Batching.StopAtWork).ConfigureAwait(false))
        {
        }
    }

    /// <summary>
    /// Runs events one at a time until <paramref name="condition"/> holds (checked after each settled event, every device
    /// loop included) or <paramref name="limit"/> of virtual time has passed. Returns whether the condition held.
    /// </summary>
    public Task<bool> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit) => AdvanceUntilAsync(condition, limit, ConditionCheck.EveryEvent);

    /// <summary>
    /// Runs events until <paramref name="condition"/> holds or <paramref name="limit"/> of virtual time has passed,
    /// checking it as <paramref name="check"/> says. Returns whether the condition held.
    /// </summary>
    public async Task<bool> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit, ConditionCheck check)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var _ = EnterAdvance();
        ForceRefresh();
        await SettleAsync().ConfigureAwait(false);
        var target = Now + limit;
        var batch = check == ConditionCheck.AfterEffects ? Batching.StopAfterEffects : Batching.None;
        while (!condition())
        {
            if (!await StepAsync(target, batch).ConfigureAwait(false))
            {
                return condition();
            }
        }

        return true;
    }

    /// <summary>
    /// Runs events until <paramref name="task"/> completes, for at most <paramref name="limit"/> of virtual time. Only
    /// harness work (flows, timers, a device answering) completes such a task, so loops without an effect are batched.
    /// </summary>
    public async Task<T> CompleteAsync<T>(Task<T> task, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!await AdvanceUntilAsync(() => task.IsCompleted, limit, ConditionCheck.AfterEffects).ConfigureAwait(false))
        {
            throw new TimeoutException(
                $"Still waiting after {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of virtual time. Busy flows:{Environment.NewLine}{Work.DescribeBusy()}");
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Runs the next event at or before <paramref name="target"/>; returns false (time set to target) when none is left.</summary>
    private async Task<bool> StepAsync(DateTimeOffset target, Batching batch)
    {
        await SettleAsync().ConfigureAwait(false);
        RefreshIfChanged();
        var nowTicks = Time.GetTimestamp();
        var timerNext = Time.NextTimerDueTicks();
        var next = Math.Min(timerNext, PeekParticipantTicks());
        if (next == long.MaxValue || next > target.UtcTicks)
        {
            if (nowTicks < target.UtcTicks)
            {
                Time.SetUtcNow(target);
                await SettleAsync().ConfigureAwait(false);
            }

            return false;
        }

        if (next > nowTicks)
        {
            Time.SetUtcNow(new DateTimeOffset(next, TimeSpan.Zero)); // fires the timers due at exactly this instant
            await SettleAsync().ConfigureAwait(false); // what timers woke finishes before devices run at the same instant: a fixed order
            RefreshIfChanged();
            nowTicks = next;
        }

        var now = new DateTimeOffset(nowTicks, TimeSpan.Zero);
        Steps++;
        TakeDue(nowTicks);
        if (batch != Batching.None && _due.Count == 1 && _due[0].Participant is IBatchingClockParticipant batching && Work.Busy == 0)
        {
            // Nothing in flight and no one else due now: the device runs its loops back to back up to the next instant
            // anything else is due (a timer, another participant, the end of this advance), stopping after an effect.
            var slot = _due[0];
            var before = Math.Min(Time.NextTimerDueTicks(), PeekParticipantTicks());
            before = Math.Min(before, target.UtcTicks == long.MaxValue ? long.MaxValue : target.UtcTicks + 1);
            _batchActivity = Work.Activity;
            _batchArmed = Time.ArmCount;
            _batchFired = Time.FiredCount;
            var ran = batching.RunDueBatch(now, new DateTimeOffset(before, TimeSpan.Zero), _moveTo, batch == Batching.StopAfterEffects);
            BatchedInstants += ran - 1;
            Requeue(slot);
        }
        else
        {
            foreach (var slot in _due)
            {
                slot.Participant.RunDue(now);
                Requeue(slot);
            }
        }

        _due.Clear();
        await SettleAsync().ConfigureAwait(false);
        return true;
    }

    // Between two loops of a batch: nothing else may have happened (no work began or moved, no timer armed or fired);
    // then virtual time moves to the next loop's instant (no timer is due before it, so nothing fires).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool MoveTo(DateTimeOffset instant)
    {
        return Work.Activity == _batchActivity && Time.ArmCount == _batchArmed && Time.FiredCount == _batchFired
            && Time.TryMoveBeforeNextTimer(instant);
    }

    // Re-reads every participant's due instant when something other than their own run may have changed it: the
    // membership, work that ran (a flow answering through a device, a fault), a timer that fired, a new advance.
    private void RefreshIfChanged()
    {
        var activity = Work.Activity;
        var fired = Time.FiredCount;
        lock (_gate)
        {
            if (!_membershipChanged && activity == _seenActivity && fired == _seenFired)
            {
                return;
            }

            _membershipChanged = false;
            _seenActivity = activity;
            _seenFired = fired;
            foreach (var slot in _slots)
            {
                QueueLocked(slot, slot.Participant.NextDueAt);
            }
        }
    }

    private void ForceRefresh()
    {
        lock (_gate)
        {
            _membershipChanged = true;
        }
    }

    private void Requeue(Slot slot)
    {
        var due = slot.Participant.NextDueAt;
        lock (_gate)
        {
            if (!slot.Detached)
            {
                QueueLocked(slot, due);
            }
        }
    }

    private void QueueLocked(Slot slot, DateTimeOffset? due)
    {
        var ticks = due?.UtcTicks;
        if (ticks == slot.QueuedAt)
        {
            return;
        }

        slot.QueuedAt = ticks;
        if (ticks is not { } t)
        {
            return;
        }

        if (t != _lastBucketTicks || _lastBucket is null)
        {
            if (!_buckets.TryGetValue(t, out var bucket))
            {
                bucket = _spareBuckets.Count > 0 ? _spareBuckets.Pop() : [];
                _buckets.Add(t, bucket);
                _instants.Enqueue(t, t);
            }

            _lastBucketTicks = t;
            _lastBucket = bucket;
        }

        _lastBucket.Add(slot);
    }

    // The earliest instant a participant is queued at (stale entries dropped), clamped to now; MaxValue when none.
    private long PeekParticipantTicks()
    {
        lock (_gate)
        {
            while (_instants.TryPeek(out var ticks, out _))
            {
                var bucket = _buckets[ticks];
                if (bucket.Exists(s => s.QueuedAt == ticks))
                {
                    return Math.Max(ticks, Time.GetTimestamp());
                }

                RemoveBucketLocked(ticks, bucket);
            }

            return long.MaxValue;
        }
    }

    // Collects the participants due at or before now, in the order they were attached.
    private void TakeDue(long nowTicks)
    {
        lock (_gate)
        {
            while (_instants.TryPeek(out var ticks, out _) && ticks <= nowTicks)
            {
                var bucket = _buckets[ticks];
                foreach (var slot in bucket)
                {
                    if (slot.QueuedAt == ticks)
                    {
                        slot.QueuedAt = null; // taken: re-queued after it runs
                        _due.Add(slot);
                    }
                }

                RemoveBucketLocked(ticks, bucket);
            }

            for (var i = 1; i < _due.Count; i++)
            {
                if (_due[i - 1].Order > _due[i].Order)
                {
                    _due.Sort(static (a, b) => a.Order.CompareTo(b.Order));
                    break;
                }
            }
        }
    }

    private void RemoveBucketLocked(long ticks, List<Slot> bucket)
    {
        _instants.Dequeue();
        _buckets.Remove(ticks);
        if (ReferenceEquals(bucket, _lastBucket))
        {
            _lastBucket = null;
            _lastBucketTicks = long.MinValue;
        }

        bucket.Clear();
        _spareBuckets.Push(bucket);
    }

    private Reentry EnterAdvance()
    {
        if (Interlocked.Exchange(ref _advancing, 1) == 1)
        {
            throw new InvalidOperationException("The harness clock is already advancing: one driver moves time at a time.");
        }

        return new Reentry(this);
    }

    private enum Batching
    {
        /// <summary>One loop per step (a condition may read any state).</summary>
        None,

        /// <summary>Batches end where work begins or a timer is armed (nobody looks in between: AdvanceTo).</summary>
        StopAtWork,

        /// <summary>… and right after a loop with an observable effect (a condition is checked then).</summary>
        StopAfterEffects,
    }

    private sealed class Slot(IClockParticipant participant, int order)
    {
        public IClockParticipant Participant { get; } = participant;

        public int Order { get; } = order;

        /// <summary>The instant (ticks) it is queued at; null when not queued. Entries at other instants are stale.</summary>
        public long? QueuedAt { get; set; }

        public bool Detached { get; set; }
    }

    private readonly struct Reentry(HarnessClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock._advancing, 0);
    }
}
