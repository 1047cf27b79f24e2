using ParticleBlynk.Timeline;

namespace ParticleBlynk.Timeline.Tests;

public sealed class WorkTrackerTests
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_delay_arms_its_timer_before_it_parks_the_flow()
    {
        // Given a flow on another thread whose timer takes a while to create (a pre-empted thread under load)
        var time = new SlowTimerProvider(new VirtualTimeProvider(Start), TimeSpan.FromMilliseconds(300));
        var work = new WorkTracker(time);
        work.Start("modelled latency", async () =>
        {
            await Task.Yield();
            await work.DelayAsync(TimeSpan.FromSeconds(1));
        });

        // When the work settles (the flow parked)
        await work.WhenSettledAsync(Watchdog);

        // Then the clock can already see when to wake it: parked before its timer existed, time would jump past it
        time.Inner.NextTimerDueAt().Should().Be(Start.AddSeconds(1));
        time.Inner.SetUtcNow(Start.AddSeconds(1));
        await work.WhenSettledAsync(Watchdog);
        work.DescribeBusy().Should().BeEmpty();
    }

    [Fact]
    public async Task A_caller_whose_deadline_expires_ends_the_servers_wait_for_its_flow_at_that_instant()
    {
        // Given a flow that calls a slow server (15 s) with a 10 s deadline, the server parking the caller's flow id
        var time = new VirtualTimeProvider(Start);
        var work = new WorkTracker(time);
        DateTimeOffset? serverGaveUpAt = null;
        var serverWaitEnded = false;
        work.Start("webhook with a 10 s timeout", async () =>
        {
            var flowId = work.CurrentFlowId!;
            using var deadline = work.Deadline(TimeSpan.FromSeconds(10));
            var server = Task.Run(async () =>
            {
                try
                {
                    await work.DelayForAsync(flowId, TimeSpan.FromSeconds(15));
                    serverWaitEnded = true;
                }
                catch (OperationCanceledException)
                {
                    serverGaveUpAt = time.GetUtcNow();
                }
            });
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                // timed out, as Particle's and Blynk's webhooks do
            }

            await server;
        });

        // When the clock reaches the deadline
        await work.WhenSettledAsync(Watchdog);
        time.SetUtcNow(Start.AddSeconds(10));
        await work.WhenSettledAsync(Watchdog);

        // Then the server saw its caller go at 10 s (in harness time), however slowly a socket close would travel
        serverGaveUpAt.Should().Be(Start.AddSeconds(10));
        serverWaitEnded.Should().BeFalse();
        work.DescribeBusy().Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_task_is_complete_by_the_time_its_flow_stops_counting_as_busy()
    {
        // Given
        var work = new WorkTracker(TimeProvider.System);
        for (var i = 0; i < 300; i++)
        {
            // When
            var call = work.Run("test request", async () =>
            {
                await Task.Yield();
                return (i, "a result of a type the JIT has not seen");
            });
            await work.WhenSettledAsync(Watchdog);

            // Then: a driver that settles and then checks the task (HarnessClock.CompleteAsync) must find it done
            call.IsCompleted.Should().BeTrue($"iteration {i}: nothing is busy, so the flow's task must be complete");
            (await call).i.Should().Be(i);
        }
    }

    [Fact]
    public async Task A_run_that_throws_hands_the_exception_to_its_caller_and_ends_the_flow()
    {
        // Given
        var work = new WorkTracker(TimeProvider.System);

        // When
        var call = () => work.Run("failing request", () => throw new InvalidOperationException("boom"));

        // Then
        await call.Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
        work.Busy.Should().Be(0);
        await work.WhenSettledAsync(Watchdog); // not recorded as a fault of a fire-and-forget flow
    }

    [Fact]
    public void A_park_slot_released_before_the_park_is_held_releases_it_at_once()
    {
        // Given a wake-up that fired synchronously while arming (e.g. a device refusing the call at once)
        var clock = new HarnessClock();
        string? flowId = null;
        var gate = new TaskCompletionSource();
        clock.Work.Start("function call", async () =>
        {
            flowId = clock.Work.CurrentFlowId;
            await gate.Task;
        });
        var slot = new ParkSlot();
        slot.Release();

        // When
        slot.Hold(() => clock.Work.Park(flowId, "waiting for device loop"));

        // Then
        clock.Work.Busy.Should().Be(1, "the flow must not stay parked by a wake-up that already happened");
        gate.SetResult();
    }

    [Fact]
    public async Task The_clock_resumes_on_the_thread_where_the_last_flow_ended_in_its_own_continuation()
    {
        // Given a flow waiting for an answer, and the clock waiting for the work to settle
        var work = new WorkTracker(new VirtualTimeProvider(Start));
        var answer = new TaskCompletionSource(); // runs its awaiter inline, as a socket's completion does
        work.Start("webhook", async () => await answer.Task.ConfigureAwait(false));
        var clock = WaitingClock.On(work);

        // When the answer arrives on a thread of its own
        var answeringThread = OnThreadOfItsOwn(() => answer.SetResult());

        // Then the clock ran on that thread before the answer's call returned: no hand-off to a thread that must be woken
        clock.ResumedOn.Should().Be(answeringThread);
        await clock.Settled;
    }

    [Fact]
    public async Task A_park_never_resumes_the_clock_inside_the_park_call()
    {
        // Given the only busy flow, and the clock waiting for the work to settle
        var work = new WorkTracker(new VirtualTimeProvider(Start));
        var flowId = BusyFlow(work);
        var clock = WaitingClock.On(work);

        // When the flow parks (under its park slot's lock, as every wait on virtual time does)
        var slot = new ParkSlot();
        var parkingThread = OnThreadOfItsOwn(() => slot.Hold(() => work.Park(flowId, "waiting for device loop")));

        // Then the clock resumes elsewhere: inline, it would run the next step while the slot's lock is held
        await clock.Settled;
        clock.ResumedOn.Should().NotBe(parkingThread);
    }

    [Fact]
    public async Task A_flow_that_ends_inside_the_call_that_started_it_never_resumes_the_clock_there()
    {
        // Given the only busy flow, and the clock waiting for the work to settle
        var work = new WorkTracker(new VirtualTimeProvider(Start));
        var flowId = BusyFlow(work);
        var clock = WaitingClock.On(work);

        // When a flow started by a caller (a device's publish) parks it and ends synchronously, inside that call
        var callerThread = OnThreadOfItsOwn(() => work.Start("publish", () =>
        {
            work.Park(flowId, "waiting for device loop");
            return Task.CompletedTask;
        }));

        // Then the clock resumes elsewhere: inline, it would run inside the publish, among whatever locks its caller holds
        await clock.Settled;
        clock.ResumedOn.Should().NotBe(callerThread);
    }

    private static string BusyFlow(WorkTracker work)
    {
        string? flowId = null;
        var never = new TaskCompletionSource();
        work.Start("function call", async () =>
        {
            flowId = work.CurrentFlowId;
            await never.Task;
        });
        return flowId ?? throw new InvalidOperationException("The flow did not start.");
    }

    /// <summary>Runs <paramref name="action"/> on a new thread (never a pool thread) and returns that thread's id once it returned.</summary>
    private static int OnThreadOfItsOwn(Action action)
    {
        var id = 0;
        var thread = new Thread(() =>
        {
            id = Environment.CurrentManagedThreadId;
            action();
        });
        thread.Start();
        thread.Join();
        return id;
    }

    /// <summary>A driver waiting for the work to settle, as the clock does before each step; it notes the thread it resumed on.</summary>
    private sealed class WaitingClock
    {
        private WaitingClock()
        {
        }

        public int? ResumedOn { get; private set; }

        public Task Settled { get; private set; } = Task.CompletedTask;

        public static WaitingClock On(WorkTracker work)
        {
            var clock = new WaitingClock();
            clock.Settled = clock.WaitAsync(work);
            return clock;
        }

        private async Task WaitAsync(WorkTracker work)
        {
            await work.WhenSettledAsync(Watchdog).ConfigureAwait(false);
            ResumedOn = Environment.CurrentManagedThreadId;
        }
    }

    /// <summary>A time provider whose CreateTimer is slow, to widen the window between arming and parking.</summary>
    private sealed class SlowTimerProvider(VirtualTimeProvider inner, TimeSpan latency) : TimeProvider
    {
        public VirtualTimeProvider Inner => inner;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Thread.Sleep(latency);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
