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
/// The one clock of a run (design.md §4). Advancing it steps from event to event — device loop boundaries and
/// timers of the mocks — setting virtual time exactly to each, running what is due, and waiting until the work
/// that started (HTTP between the mocks included) has settled before time moves on.
/// </summary>
public sealed class HarnessClock
{
    /// <summary>Where virtual time starts unless a scenario says otherwise.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<IClockParticipant> _participants = [];
    private readonly object _gate = new();
    private readonly TimeSpan _watchdog;
    private int _advancing;

    public HarnessClock(DateTimeOffset? start = null, TimeSpan? settleWatchdog = null)
    {
        Time = new VirtualTimeProvider(start ?? DefaultStart);
        Work = new WorkTracker(Time);
        _watchdog = settleWatchdog ?? TimeSpan.FromSeconds(20);
    }

    /// <summary>The virtual time provider every component reads.</summary>
    public VirtualTimeProvider Time { get; }

    /// <summary>The work the harness started and has to wait for.</summary>
    public WorkTracker Work { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public void Attach(IClockParticipant participant)
    {
        lock (_gate)
        {
            _participants.Add(participant);
        }
    }

    public void Detach(IClockParticipant participant)
    {
        lock (_gate)
        {
            _participants.Remove(participant);
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
        while (await StepAsync(target).ConfigureAwait(false))
        {
        }
    }

    /// <summary>
    /// Runs events one at a time until <paramref name="condition"/> holds (checked after each settled event) or
    /// <paramref name="limit"/> of virtual time has passed. Returns whether the condition held.
    /// </summary>
    public async Task<bool> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        using var _ = EnterAdvance();
        await SettleAsync().ConfigureAwait(false);
        var target = Now + limit;
        while (!condition())
        {
            if (!await StepAsync(target).ConfigureAwait(false))
            {
                return condition();
            }
        }

        return true;
    }

    /// <summary>Runs events until <paramref name="task"/> completes, for at most <paramref name="limit"/> of virtual time.</summary>
    public async Task<T> CompleteAsync<T>(Task<T> task, TimeSpan limit)
    {
        if (!await AdvanceUntilAsync(() => task.IsCompleted, limit).ConfigureAwait(false))
        {
            throw new TimeoutException(
                $"Still waiting after {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of virtual time. Busy flows:{Environment.NewLine}{Work.DescribeBusy()}");
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Runs the next event at or before <paramref name="target"/>; returns false (time set to target) when none is left.</summary>
    private async Task<bool> StepAsync(DateTimeOffset target)
    {
        await SettleAsync().ConfigureAwait(false);
        var next = NextEventAt();
        if (next is null || next > target)
        {
            if (Now < target)
            {
                Time.SetUtcNow(target);
                await SettleAsync().ConfigureAwait(false);
            }

            return false;
        }

        if (next > Now)
        {
            Time.SetUtcNow(next.Value); // fires the timers due at exactly this instant
            await SettleAsync().ConfigureAwait(false); // what timers woke finishes before devices run at the same instant: a fixed order
        }

        foreach (var participant in Due(Now))
        {
            participant.RunDue(Now);
        }

        await SettleAsync().ConfigureAwait(false);
        return true;
    }

    private DateTimeOffset? NextEventAt()
    {
        var next = Time.NextTimerDueAt();
        lock (_gate)
        {
            foreach (var participant in _participants)
            {
                if (participant.NextDueAt is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
        }

        return next is { } n && n < Now ? Now : next;
    }

    private List<IClockParticipant> Due(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _participants.Where(p => p.NextDueAt is { } due && due <= now).ToList();
        }
    }

    private Reentry EnterAdvance()
    {
        if (Interlocked.Exchange(ref _advancing, 1) == 1)
        {
            throw new InvalidOperationException("The harness clock is already advancing: one driver moves time at a time.");
        }

        return new Reentry(this);
    }

    private readonly struct Reentry(HarnessClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock._advancing, 0);
    }
}
