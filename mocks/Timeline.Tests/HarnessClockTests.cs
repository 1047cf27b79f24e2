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
            slot.Hold(() => clock.Work.Park(flowId, "waiting for device loop")); // park last, once the wake-up is armed
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

    [Fact]
    public async Task Batched_loops_keep_the_order_timers_before_loops_at_one_instant_and_each_loop_at_its_own_time()
    {
        // Given a batching device with a 10 ms loop, a timer at 15 ms and one at exactly 40 ms (a loop boundary too)
        var clock = new HarnessClock();
        var log = new List<string>();
        var device = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log);
        clock.Attach(device);
        using var at15 = clock.Time.CreateTimer(_ => log.Add($"timer@{Elapsed(clock)}"), null, TimeSpan.FromMilliseconds(15), Timeout.InfiniteTimeSpan);
        using var at40 = clock.Time.CreateTimer(_ => log.Add($"timer@{Elapsed(clock)}"), null, TimeSpan.FromMilliseconds(40), Timeout.InfiniteTimeSpan);

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(60));

        // Then the same sequence as one event at a time, each loop seeing the clock at its own instant, in three batches
        log.Should().Equal("loop@0", "loop@10", "timer@15", "loop@20", "loop@30", "timer@40", "loop@40", "loop@50", "loop@60");
        device.Batches.Should().Equal(2, 2, 3);
        clock.BatchedInstants.Should().Be(4);
    }

    [Fact]
    public async Task A_batch_stops_right_after_a_loop_that_started_work_and_that_work_settles_before_time_moves()
    {
        // Given a device whose loop at 30 ms starts a flow that waits 5 ms of virtual time and then records the time
        var clock = new HarnessClock();
        var log = new List<string>();
        var device = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log)
        {
            OnLoop = ms =>
            {
                if (ms == 30)
                {
                    clock.Work.Start("delivery", async () =>
                    {
                        await clock.Work.DelayAsync(TimeSpan.FromMilliseconds(5));
                        log.Add($"delivered@{Elapsed(clock)}");
                    });
                }
            },
        };
        clock.Attach(device);

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(60));

        // Then the batch ended at 30, the flow's timer fired at 35 between two loops, and the batches went on after it
        log.Should().Equal("loop@0", "loop@10", "loop@20", "loop@30", "delivered@35", "loop@40", "loop@50", "loop@60");
        device.Batches.Should().Equal(4, 3);
    }

    [Fact]
    public async Task Advancing_runs_through_loops_with_device_local_effects_and_waiting_on_effects_stops_after_each()
    {
        // Given devices whose loops at 20 and 50 ms have an effect nobody else takes part in (a serial line)
        var log = new List<string>();
        var advancing = new HarnessClock();
        var through = new BatchingParticipant(advancing, TimeSpan.FromMilliseconds(10), log) { EffectAt = ms => ms is 20 or 50 };
        advancing.Attach(through);
        var waiting = new HarnessClock();
        var stopping = new BatchingParticipant(waiting, TimeSpan.FromMilliseconds(10), []) { EffectAt = ms => ms is 20 or 50 };
        waiting.Attach(stopping);

        // When one clock advances 60 ms and the other waits (after effects) for a condition that never holds
        await advancing.AdvanceAsync(TimeSpan.FromMilliseconds(60));
        var held = await waiting.AdvanceUntilAsync(() => false, TimeSpan.FromMilliseconds(60), ConditionCheck.AfterEffects);

        // Then advancing needs no stop (nobody looks in between), waiting stops right after each effect
        through.Batches.Should().Equal(7);
        log.Should().HaveCount(7);
        held.Should().BeFalse();
        stopping.Batches.Should().Equal(3, 3, 1);
    }

    [Fact]
    public async Task Advance_until_checks_after_every_loop_by_default_so_a_condition_on_loop_state_stops_at_the_same_instant()
    {
        // Given a batching device and a condition on its loop count (changes without any effect)
        var clock = new HarnessClock();
        var log = new List<string>();
        var device = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log);
        clock.Attach(device);

        // When
        var held = await clock.AdvanceUntilAsync(() => log.Count == 4, TimeSpan.FromSeconds(1));

        // Then it stopped right after the loop at 30 ms, as without batching
        held.Should().BeTrue();
        Elapsed(clock).Should().Be(30);
        device.Batches.Should().AllBeEquivalentTo(1);
    }

    [Fact]
    public async Task Advance_until_after_effects_batches_and_stops_at_the_instant_of_the_effect_that_made_the_condition_hold()
    {
        // Given a batching device whose loop at 370 ms has an effect, and a condition on that effect
        var clock = new HarnessClock();
        var log = new List<string>();
        var effects = 0;
        var device = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log)
        {
            EffectAt = ms => ms == 370,
            OnLoop = ms => effects += ms == 370 ? 1 : 0,
        };
        clock.Attach(device);

        // When
        var held = await clock.AdvanceUntilAsync(() => effects == 1, TimeSpan.FromSeconds(1), ConditionCheck.AfterEffects);

        // Then it stopped at 370 ms exactly, after one batch of 38 loops
        held.Should().BeTrue();
        Elapsed(clock).Should().Be(370);
        device.Batches.Should().Equal(38);
    }

    [Fact]
    public async Task Devices_due_at_the_same_instant_run_in_the_order_they_were_attached_and_are_not_batched()
    {
        // Given two devices on the same 10 ms boundaries, attached b then a, and one on odd instants
        var clock = new HarnessClock();
        var log = new List<string>();
        var b = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log, "b");
        var a = new BatchingParticipant(clock, TimeSpan.FromMilliseconds(10), log, "a");
        clock.Attach(b);
        clock.Attach(a);

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(20));

        // Then
        log.Should().Equal("b@0", "a@0", "b@10", "a@10", "b@20", "a@20");
        clock.BatchedInstants.Should().Be(0);
    }

    [Fact]
    public async Task A_due_instant_moved_earlier_by_work_is_seen_by_the_clock()
    {
        // Given a device that sleeps until 1 s, and work at 100 ms (a timer's flow) that wakes it at 150 ms
        var clock = new HarnessClock();
        var log = new List<string>();
        var device = new BatchingParticipant(clock, TimeSpan.FromSeconds(1), log);
        clock.Attach(device);
        using var wake = clock.Time.CreateTimer(
            _ => clock.Work.Start("wake", () =>
            {
                device.NextDueAt = Start.AddMilliseconds(150);
                return Task.CompletedTask;
            }),
            null,
            TimeSpan.FromMilliseconds(100),
            Timeout.InfiniteTimeSpan);

        // When
        await clock.AdvanceAsync(TimeSpan.FromMilliseconds(1200));

        // Then
        log.Should().Equal("loop@0", "loop@150", "loop@1150");
    }

    private static double Elapsed(HarnessClock clock) => (clock.Now - Start).TotalMilliseconds;

    // Like an emulated device: runs its loops back to back while nothing else is due; a loop may have an effect.
    private sealed class BatchingParticipant(HarnessClock clock, TimeSpan period, List<string> log, string name = "loop") : IBatchingClockParticipant
    {
        public DateTimeOffset? NextDueAt { get; set; } = clock.Now;

        public Func<double, bool> EffectAt { get; init; } = _ => false;

        public Action<double>? OnLoop { get; init; }

        public List<long> Batches { get; } = [];

        public void RunDue(DateTimeOffset now)
        {
            Loop(now);
            Batches.Add(1);
        }

        public long RunDueBatch(DateTimeOffset now, DateTimeOffset before, Func<DateTimeOffset, bool> moveTo, bool stopAfterEffects)
        {
            long ran = 1;
            var effect = Loop(now) && stopAfterEffects;
            while (!effect && NextDueAt is { } due && due < before && moveTo(due))
            {
                effect = Loop(due) && stopAfterEffects;
                ran++;
            }

            Batches.Add(ran);
            return ran;
        }

        private bool Loop(DateTimeOffset now)
        {
            now.Should().Be(clock.Now, "the clock is at the loop's instant while it runs");
            var ms = (now - Start).TotalMilliseconds;
            log.Add($"{name}@{ms}");
            OnLoop?.Invoke(ms);
            NextDueAt = now + period;
            return EffectAt(ms);
        }
    }

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
    public void Timers_disposed_long_before_they_are_due_do_not_pile_up_while_time_stands_still()
    {
        // Given a live timer, and 100,000 deliveries' worth of 20 s deadlines, each met at once, with time standing still
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart);
        var fired = 0;
        using var live = time.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        var peak = 0;

        // When
        for (var i = 0; i < 100_000; i++)
        {
            using var deadline = time.CreateTimer(_ => throw new InvalidOperationException("a disposed deadline fired"), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
            if (i % 1000 == 0)
            {
                deadline.Change(TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan); // a re-armed one leaves a stale entry too
            }

            peak = Math.Max(peak, time.HeapEntries);
        }

        time.Advance(TimeSpan.FromMinutes(1));

        // Then the heap never held more than the sweep threshold's worth of dead entries, and the live timer still fired
        peak.Should().BeLessThanOrEqualTo((2 * VirtualTimeProvider.StaleEntriesSwept) + 2);
        fired.Should().Be(1);
        time.NextTimerDueAt().Should().BeNull();
    }

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

    [Fact]
    public void Timers_fire_earliest_first_ties_in_arming_order_and_disposed_or_re_armed_ones_leave_nothing_behind()
    {
        // Given
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart);
        var fired = new List<string>();
        using var b = time.CreateTimer(_ => fired.Add("b"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var a = time.CreateTimer(_ => fired.Add("a"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var c = time.CreateTimer(_ => fired.Add("c"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        var disposed = time.CreateTimer(_ => fired.Add("disposed"), null, TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);
        using var moved = time.CreateTimer(_ => fired.Add("moved"), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        moved.Change(TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);

        // When
        var next = time.NextTimerDueAt();
        time.SetUtcNow(HarnessClock.DefaultStart.AddSeconds(5));

        // Then
        next.Should().Be(HarnessClock.DefaultStart.AddSeconds(1));
        fired.Should().Equal("a", "b", "c", "moved");
        time.NextTimerDueAt().Should().BeNull();
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_within_a_long_move_and_a_zero_due_time_fires_at_once()
    {
        // Given
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart);
        var ticks = 0;
        var now = 0;
        using var periodic = time.CreateTimer(_ => ticks++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        // When
        using var immediate = time.CreateTimer(_ => now++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromMilliseconds(3500));

        // Then
        now.Should().Be(1);
        ticks.Should().Be(3);
        time.NextTimerDueAt().Should().Be(HarnessClock.DefaultStart.AddSeconds(4));
    }

    [Fact]
    public void While_time_is_lent_to_a_batch_readers_and_new_timers_see_the_batchs_instant()
    {
        // Given a batch whose device is at +30 ms
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart);
        var instant = HarnessClock.DefaultStart.AddMilliseconds(30).UtcTicks;
        var fired = new List<DateTimeOffset>();
        time.BeginBatch(() => instant);

        // When something reads the time and arms a 5 ms timer during the batch, and the batch ends there
        var seen = time.GetUtcNow();
        using var timer = time.CreateTimer(_ => fired.Add(time.GetUtcNow()), null, TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        time.EndBatch(HarnessClock.DefaultStart.AddMilliseconds(30));
        time.SetUtcNow(HarnessClock.DefaultStart.AddMilliseconds(35));

        // Then
        seen.Should().Be(HarnessClock.DefaultStart.AddMilliseconds(30));
        fired.Should().Equal(HarnessClock.DefaultStart.AddMilliseconds(35));
    }

    [Fact]
    public void Time_never_goes_backwards()
    {
        var time = new VirtualTimeProvider(HarnessClock.DefaultStart.AddSeconds(1));
        var back = () => time.SetUtcNow(HarnessClock.DefaultStart);
        back.Should().Throw<ArgumentOutOfRangeException>();
    }
}
