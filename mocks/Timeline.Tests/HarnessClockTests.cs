using ParticleBlynk.Timeline;

namespace ParticleBlynk.Timeline.Tests;

public sealed class HarnessClockTests
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;

    [Fact]
    public async Task Advancing_fires_each_timer_with_the_clock_at_its_own_due_time()
    {
        // Given
        var clock = new HarnessClock();
        var seen = new List<double>();
        using var once = clock.Time.CreateTimer(_ => seen.Add(Elapsed(clock)), null, TimeSpan.FromMilliseconds(3), Timeout.InfiniteTimeSpan);
        using var periodic = clock.Time.CreateTimer(_ => seen.Add(Elapsed(clock)), null, TimeSpan.FromMilliseconds(7), TimeSpan.FromMilliseconds(7));

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(20));

        // Then
        seen.Should().Equal(3, 7, 14);
        Elapsed(clock).Should().Be(20);
    }

    [Fact]
    public async Task Participants_run_exactly_at_their_due_instants_interleaved_with_timers()
    {
        // Given
        var clock = new HarnessClock();
        var log = new List<string>();
        var device = new TickingParticipant(clock, TimeSpan.FromMilliseconds(10), log);
        clock.Attach(device);
        using var timer = clock.Time.CreateTimer(_ => log.Add($"timer@{Elapsed(clock)}"), null, TimeSpan.FromMilliseconds(15), Timeout.InfiniteTimeSpan);

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(30));

        // Then
        log.Should().Equal("loop@0", "loop@10", "timer@15", "loop@20", "loop@30");
    }

    [Fact]
    public async Task Advance_waits_for_started_work_before_moving_time()
    {
        // Given
        var clock = new HarnessClock();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishedAt = (DateTimeOffset?)null;
        clock.Work.Start("slow work", async () =>
        {
            await gate.Task;
            finishedAt = clock.Now;
        });

        // When
        var advance = clock.AdvanceAsync(TimeSpan.FromSeconds(5));
        var advancedEarly = advance.IsCompleted;
        gate.SetResult();
        await advance;

        // Then
        advancedEarly.Should().BeFalse();
        finishedAt.Should().Be(Start, "time must not move while started work is still running");
        clock.Now.Should().Be(Start.AddSeconds(5));
    }

    [Fact]
    public async Task A_parked_flow_lets_time_move_and_resumes_at_the_exact_virtual_instant()
    {
        // Given
        var clock = new HarnessClock();
        var resumedAt = (DateTimeOffset?)null;
        clock.Work.Start("modelled latency", async () =>
        {
            await clock.Work.DelayAsync(TimeSpan.FromMilliseconds(250));
            resumedAt = clock.Now;
        });

        // When
        await clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Then
        resumedAt.Should().Be(Start.AddMilliseconds(250));
    }

    [Fact]
    public async Task A_server_can_park_its_callers_flow_by_id()
    {
        // Given a flow that waits for something only virtual time brings
        var clock = new HarnessClock();
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? flowId = null;
        var call = clock.Work.Run("function call", async () =>
        {
            flowId = clock.Work.CurrentFlowId;
            var slot = new ParkSlot();
            using var timer = clock.Time.CreateTimer(_ => { slot.Release(); answer.SetResult(1); }, null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
            slot.Hold(clock.Work.Park(flowId, "waiting for device loop")); // park last, once the wake-up is armed
            return await answer.Task;
        });

        // When
        var result = await clock.CompleteAsync(call, TimeSpan.FromSeconds(1));

        // Then
        flowId.Should().NotBeNull();
        result.Should().Be(1);
        clock.Now.Should().Be(Start.AddMilliseconds(10));
    }

    [Fact]
    public async Task A_deadline_wakes_a_parked_flow_when_it_expires()
    {
        // Given a flow parked by a server that never answers
        var clock = new HarnessClock();
        var timedOutAt = (DateTimeOffset?)null;
        clock.Work.Start("webhook with 20 s timeout", async () =>
        {
            using var deadline = clock.Work.Deadline(TimeSpan.FromSeconds(20));
            _ = clock.Work.Park(clock.Work.CurrentFlowId, "server modelling a slow answer");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOutAt = clock.Now;
            }
        });

        // When
        await clock.AdvanceAsync(TimeSpan.FromMinutes(1));

        // Then
        timedOutAt.Should().Be(Start.AddSeconds(20));
    }

    [Fact]
    public async Task A_failing_fire_and_forget_flow_fails_the_next_settle_with_its_name()
    {
        // Given
        var clock = new HarnessClock();
        clock.Work.Start("webhook blynk_particle", () => throw new InvalidOperationException("boom"));

        // When
        var settle = () => clock.SettleAsync();

        // Then
        await settle.Should().ThrowAsync<InvalidOperationException>().WithMessage("*webhook blynk_particle*boom*");
    }

    [Fact]
    public async Task Work_that_never_settles_is_reported_with_the_busy_flow_instead_of_hanging()
    {
        // Given
        var clock = new HarnessClock(settleWatchdog: TimeSpan.FromMilliseconds(50));
        var never = new TaskCompletionSource();
        clock.Work.Start("stuck delivery to ny3.blynk.cloud", () => never.Task);

        // When
        var advance = () => clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Then
        await advance.Should().ThrowAsync<TimeoutException>().WithMessage("*stuck delivery to ny3.blynk.cloud*busy*");
        never.SetResult();
    }

    [Fact]
    public async Task Advance_until_stops_at_the_first_event_after_which_the_condition_holds()
    {
        // Given
        var clock = new HarnessClock();
        var log = new List<string>();
        clock.Attach(new TickingParticipant(clock, TimeSpan.FromMilliseconds(10), log));

        // When
        var held = await clock.AdvanceUntilAsync(() => log.Count == 3, TimeSpan.FromSeconds(1));

        // Then
        held.Should().BeTrue();
        Elapsed(clock).Should().Be(20);
    }

    [Fact]
    public async Task Only_one_driver_moves_time_at_a_time()
    {
        // Given
        var clock = new HarnessClock();
        var gate = new TaskCompletionSource();
        clock.Work.Start("holds the clock", () => gate.Task);
        var first = clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // When
        var second = () => clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Then
        await second.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already advancing*");
        gate.SetResult();
        await first;
    }

    private static double Elapsed(HarnessClock clock) => (clock.Now - Start).TotalMilliseconds;

    private sealed class TickingParticipant(HarnessClock clock, TimeSpan period, List<string> log) : IClockParticipant
    {
        public DateTimeOffset? NextDueAt { get; private set; } = clock.Now;

        public void RunDue(DateTimeOffset now)
        {
            log.Add($"loop@{(now - Start).TotalMilliseconds}");
            NextDueAt = now + period;
        }
    }
}

public sealed class VirtualTimeProviderTests
{
    [Fact]
    public void A_fired_one_shot_timer_is_forgotten_and_a_re_armed_one_is_tracked_again()
    {
        // Given
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart);
        var timer = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        // When
        time.Advance(TimeSpan.FromSeconds(1));
        var afterFiring = time.NextTimerDueAt();
        timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        // Then
        afterFiring.Should().BeNull();
        time.NextTimerDueAt().Should().Be(HarnessClock.DefaultStart.AddSeconds(6));
    }
}
