using System.Globalization;
using System.Text;

namespace ParticleBlynk.Timeline;

/// <summary>
/// Knows which work the harness started is still running, so the clock can wait for it to settle before time
/// moves on. Work runs in <em>flows</em> (a webhook delivery, a function call, a test's HTTP request). A flow
/// counts as busy until it ends, except while it is <em>parked</em>: waiting for virtual time (a modelled delay,
/// the device's next loop). Across HTTP the flow id travels in <see cref="FlowHeader"/>, so a server that waits
/// on virtual time parks the client's flow, not its own.
/// </summary>
public sealed class WorkTracker
{
    /// <summary>Header that carries the calling flow's id from one mock to the other.</summary>
    public const string FlowHeader = ParticleBlynk.Loop.HarnessHeaders.Flow;

    private readonly object _gate = new();
    private readonly Dictionary<string, Flow> _flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private readonly Queue<string> _arrivedOrder = new();
    private readonly Dictionary<string, List<CancellationTokenSource>> _serverWaits = new(StringComparer.Ordinal);
    private readonly AsyncLocal<Flow?> _current = new();
    private readonly List<Exception> _faults = [];
    private readonly TimeProvider _time;
    private long _nextId;
    private long _activity;
    private int _busy;
    private TaskCompletionSource? _idle;

    public WorkTracker(TimeProvider time) => _time = time;

    /// <summary>The number of flows currently busy (running and not parked).</summary>
    public int Busy
    {
        get
        {
            lock (_gate)
            {
                return _busy;
            }
        }
    }

    /// <summary>
    /// Bumped whenever a flow begins, parks, wakes or ends: a driver that saw no change since its last look knows no
    /// work ran in between (the harness clock batches device loops only then).
    /// </summary>
    public long Activity => Volatile.Read(ref _activity);

    /// <summary>The id of the flow the caller runs in, for <see cref="FlowHeader"/>; null outside any flow.</summary>
    public string? CurrentFlowId => _current.Value?.Id;

    /// <summary>Whether <paramref name="flowId"/> is a flow that is running now.</summary>
    public bool IsLive(string flowId)
    {
        lock (_gate)
        {
            return _flows.ContainsKey(flowId);
        }
    }

    /// <summary>
    /// Runs a request that names a harness flow of another process (its X-Harness-Flow id) as that flow: busy until it
    /// parks or ends, so a clock driven from outside waits for it. Its arrival is signalled (<see cref="WhenArrivedAsync"/>).
    /// </summary>
    public Task RunExternal(string flowId, string name, Func<Task> work)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        var flow = Begin($"{name} (flow {flowId})", flowId);
        Arrived(flowId);
        var completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = ExecuteAsync(flow, name, () => AsUnit(work), recordFault: false, completion);
        return completion.Task;
    }

    /// <summary>
    /// Completes once a request carrying flow id <paramref name="flowId"/> has arrived (<see cref="RunExternal"/>), so a
    /// driver in another process can send a request and then advance time without racing it. Wall-clock bounded.
    /// </summary>
    public async Task WhenArrivedAsync(string flowId, TimeSpan watchdog)
    {
        Task arrived;
        lock (_gate)
        {
            arrived = Arrival(flowId).Task;
        }

        try
        {
            await arrived.WaitAsync(watchdog).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"No request with {FlowHeader}: {flowId} arrived within {watchdog.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of wall time.");
        }
    }

    /// <summary>Starts a flow nobody awaits; an exception it throws is rethrown by the next settle.</summary>
    public void Start(string name, Func<Task> work) => _ = RunFlow(name, () => AsUnit(work), recordFault: true);

    /// <summary>Runs a flow the caller awaits (its exception goes to the caller).</summary>
    public Task Run(string name, Func<Task> work) => RunFlow(name, () => AsUnit(work), recordFault: false);

    /// <summary>
    /// Runs a flow the caller awaits and returns its result. The returned task is already complete when the flow stops
    /// counting as busy, so a driver that settles and then checks it (<see cref="HarnessClock.CompleteAsync{T}"/>) never
    /// sees "nothing busy, task not done" and jumps time to its limit.
    /// </summary>
    public Task<T> Run<T>(string name, Func<Task<T>> work) => RunFlow(name, work, recordFault: false);

    /// <summary>
    /// Parks a flow while it waits for virtual time. <paramref name="flowId"/> is the id from <see cref="FlowHeader"/>
    /// (a server waiting on behalf of its caller); null parks the caller's own flow. Outside any flow it does nothing.
    /// Park <em>last</em>: only once everything that will wake the flow is armed (its virtual timer created, the call
    /// queued on the device), because the moment the flow parks the clock may settle and look for the next event; a
    /// wake-up armed after that is missed and time jumps past it. Dispose the handle synchronously, at the moment the
    /// awaited thing completes, before its continuation runs. <see cref="ParkSlot"/> does both safely.
    /// </summary>
    public IDisposable Park(string? flowId, string reason)
    {
        var flow = flowId is null ? _current.Value : Find(flowId);
        if (flow is null)
        {
            return NoPark.Instance;
        }

        Change(flow, f =>
        {
            f.Parks++;
            f.ParkedFor = reason;
        });
        return new ParkHandle(this, flow);
    }

    /// <summary>Waits <paramref name="delay"/> of virtual time; the calling flow is parked meanwhile.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken = default) =>
        DelayForAsync(null, delay, cancellationToken);

    /// <summary>
    /// Waits <paramref name="delay"/> of harness time with <paramref name="flowId"/> parked meanwhile: a server that
    /// answers its caller late (the id comes in <see cref="FlowHeader"/>; "" parks nothing, null the current flow).
    /// </summary>
    public async Task DelayForAsync(string? flowId, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slot = new ParkSlot();

        // A caller that gives up (its deadline expires, in harness time) closes the connection: the server's wait ends at
        // that instant, as a real server sees the abort — not whenever the socket's close crosses the loopback.
        var key = flowId ?? _current.Value?.Id;
        using var callerGaveUp = new CancellationTokenSource();
        if (!string.IsNullOrEmpty(key))
        {
            lock (_gate)
            {
                if (!_serverWaits.TryGetValue(key, out var waits))
                {
                    _serverWaits[key] = waits = [];
                }

                waits.Add(callerGaveUp);
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callerGaveUp.Token);
        try
        {
            await DelayParkedAsync(flowId, delay, linked.Token, done, slot).ConfigureAwait(false);
        }
        finally
        {
            if (!string.IsNullOrEmpty(key))
            {
                lock (_gate)
                {
                    if (_serverWaits.TryGetValue(key, out var waits) && waits.Remove(callerGaveUp) && waits.Count == 0)
                    {
                        _serverWaits.Remove(key);
                    }
                }
            }
        }
    }

    private async Task DelayParkedAsync(string? flowId, TimeSpan delay, CancellationToken cancellationToken, TaskCompletionSource done, ParkSlot slot)
    {
        // Arm the wake-ups first, park last: parked before its timer exists, the flow would let the clock settle and
        // step (or jump to its target) without seeing this delay's instant.
        using var timer = _time.CreateTimer(
            _ =>
            {
                slot.Release();
                done.TrySetResult();
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(() =>
        {
            slot.Release();
            done.TrySetCanceled(cancellationToken);
        });
        slot.Hold(() => Park(flowId, $"delay {delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms"));
        await done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// A virtual-time deadline for the calling flow (e.g. Particle's 20 s webhook timeout). When it expires the flow
    /// is woken (made busy again, even if a server parked it) before the token is cancelled.
    /// </summary>
    public VirtualDeadline Deadline(TimeSpan after)
    {
        var flow = _current.Value;
        var source = new CancellationTokenSource();
        var timer = _time.CreateTimer(
            _ =>
            {
                if (flow is not null)
                {
                    Change(flow, f => f.Parks = 0);
                    CancellationTokenSource[] waits;
                    lock (_gate)
                    {
                        waits = _serverWaits.TryGetValue(flow.Id, out var list) ? [.. list] : [];
                    }

                    foreach (var wait in waits)
                    {
                        wait.Cancel();
                    }
                }

                source.Cancel();
            },
            null,
            after,
            Timeout.InfiniteTimeSpan);
        return new VirtualDeadline(source, timer);
    }

    /// <summary>
    /// Completes when no flow is busy. Throws when a fire-and-forget flow failed, or when work is still busy after
    /// <paramref name="watchdog"/> of wall time (a hang in a mock is reported with the flows that hang, never waited out).
    /// </summary>
    public async Task WhenSettledAsync(TimeSpan watchdog)
    {
        Task idle;
        lock (_gate)
        {
            ThrowFaults();
            if (_busy == 0)
            {
                return;
            }

            _idle ??= new TaskCompletionSource(); // completed inline or from the pool: see Change
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(watchdog).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Harness work did not settle within {watchdog.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of wall time. Busy flows:{Environment.NewLine}{DescribeBusy()}");
        }

        lock (_gate)
        {
            ThrowFaults();
        }
    }

    /// <summary>A one-line-per-flow description of what is running, for failure messages.</summary>
    public string DescribeBusy()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            foreach (var flow in _flows.Values.OrderBy(f => f.Id, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  #{flow.Id} {flow.Name}: ")
                    .AppendLine(flow.Parks > 0 ? $"parked ({flow.ParkedFor})" : "busy");
            }

            return text.ToString();
        }
    }

    private Task<T> RunFlow<T>(string name, Func<Task<T>> work, bool recordFault)
    {
        var flow = Begin(name, null);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = ExecuteAsync(flow, name, work, recordFault, completion);
        return completion.Task;
    }

    /// <summary>
    /// Runs the flow's work with the flow as the current one. Its outcome is set on <paramref name="completion"/> first and
    /// the flow ends after: ending first would let a settle return (nothing busy) while the caller's task is not complete.
    /// </summary>
    private async Task ExecuteAsync<T>(Flow flow, string name, Func<Task<T>> work, bool recordFault, TaskCompletionSource<T> completion)
    {
        _current.Value = flow;
        var resumed = false;
        try
        {
            var pending = work();
            resumed = !pending.IsCompleted;
            completion.TrySetResult(await pending.ConfigureAwait(false));
        }
        catch (Exception ex) when (recordFault)
        {
            lock (_gate)
            {
                _faults.Add(new InvalidOperationException($"Harness flow '{name}' failed: {ex.Message}", ex));
            }

            completion.TrySetResult(default!);
        }
        catch (OperationCanceledException ex)
        {
            completion.TrySetCanceled(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
        }
        finally
        {
            End(flow, resumed);
        }
    }

    private static async Task<bool> AsUnit(Func<Task> work)
    {
        await work().ConfigureAwait(false);
        return true;
    }

    private Flow Begin(string name, string? externalId)
    {
        lock (_gate)
        {
            var flow = new Flow(externalId ?? (++_nextId).ToString(CultureInfo.InvariantCulture), name);
            if (!_flows.TryAdd(flow.Id, flow))
            {
                throw new InvalidOperationException($"Harness flow {flow.Id} is already running.");
            }

            _busy++;
            Interlocked.Increment(ref _activity);
            return flow;
        }
    }

    private void Arrived(string flowId)
    {
        lock (_gate)
        {
            Arrival(flowId).TrySetResult();
        }
    }

    // Arrivals are remembered for the last 1,000 external flows: a driver asks about a request it has just sent.
    private TaskCompletionSource Arrival(string flowId)
    {
        if (!_arrivals.TryGetValue(flowId, out var arrival))
        {
            arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrivals[flowId] = arrival;
            _arrivedOrder.Enqueue(flowId);
            if (_arrivedOrder.Count > 1000)
            {
                _arrivals.Remove(_arrivedOrder.Dequeue());
            }
        }

        return arrival;
    }

    /// <summary>
    /// Ends a flow. <paramref name="resumed"/>: the flow's work finished in a continuation of its own (an answer came, a
    /// timer fired), not inside the call that started it — the only place a settle waiter may resume inline (see Change).
    /// </summary>
    private void End(Flow flow, bool resumed) => Change(flow, f =>
    {
        f.Ended = true;
        _flows.Remove(f.Id);
    }, wakeInline: resumed);

    private Flow? Find(string flowId)
    {
        lock (_gate)
        {
            return _flows.GetValueOrDefault(flowId);
        }
    }

    /// <summary>
    /// Applies <paramref name="mutate"/> and, when nothing is busy any more, wakes whoever waits to settle (the clock).
    /// The waiter resumes inline — on this thread, at once — only when <paramref name="wakeInline"/>: a flow that ended in
    /// its own continuation, where no caller of ours holds a lock (a park is taken under a <see cref="ParkSlot"/>'s lock;
    /// a flow that ends synchronously ends inside whoever started it, a device's publish). Everywhere else the wake is
    /// queued to the thread pool. Handing the thread over instead of waking another was the larger half of a delivery's
    /// cost on this 2-core VM: P3's end-to-end path went from 132 to 69 µs a delivery (issue 13).
    /// </summary>
    private void Change(Flow flow, Action<Flow> mutate, bool wakeInline = false)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            var wasBusy = flow.IsBusy;
            mutate(flow);
            _busy += (flow.IsBusy ? 1 : 0) - (wasBusy ? 1 : 0);
            Interlocked.Increment(ref _activity);
            if (_busy == 0 && _idle is not null)
            {
                wake = _idle;
                _idle = null;
            }
        }

        if (wake is null)
        {
            return;
        }

        if (wakeInline)
        {
            wake.TrySetResult();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static idle => idle.TrySetResult(), wake, preferLocal: false);
        }
    }

    private void ThrowFaults()
    {
        if (_faults.Count == 0)
        {
            return;
        }

        var faults = _faults.ToArray();
        _faults.Clear();
        throw faults.Length == 1 ? faults[0] : new AggregateException("Harness flows failed.", faults);
    }

    private sealed class Flow(string id, string name)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public int Parks { get; set; }

        public string? ParkedFor { get; set; }

        public bool Ended { get; set; }

        public bool IsBusy => !Ended && Parks == 0;
    }

    private sealed class ParkHandle(WorkTracker owner, Flow flow) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Change(flow, f => f.Parks = Math.Max(0, f.Parks - 1));
            }
        }
    }

    private sealed class NoPark : IDisposable
    {
        public static readonly NoPark Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>
/// Holds a park taken <em>after</em> its wake-ups were armed, and releases it synchronously from whichever wake-up
/// fires first. Create the slot, arm the wake-ups (each calls <see cref="Release"/> before completing the awaited task),
/// then <see cref="Hold"/> the park: a wake-up that already fired (e.g. a call refused synchronously) makes
/// <see cref="Hold"/> release the park at once, so the flow is never left parked for good.
/// </summary>
public sealed class ParkSlot
{
    private readonly object _gate = new();
    private IDisposable? _park;
    private bool _released;

    /// <summary>Whether a wake-up has released the slot.</summary>
    public bool Released
    {
        get
        {
            lock (_gate)
            {
                return _released;
            }
        }
    }

    /// <summary>Keeps <paramref name="park"/> until <see cref="Release"/>; disposes it at once when already released.</summary>
    public void Hold(IDisposable park)
    {
        ArgumentNullException.ThrowIfNull(park);
        lock (_gate)
        {
            if (!_released)
            {
                _park = park;
                return;
            }
        }

        park.Dispose();
    }

    /// <summary>
    /// Takes the park (<paramref name="park"/> is called under the slot's lock) unless a wake-up already released the
    /// slot, in which case the flow never parks. Prefer this to <see cref="Hold(IDisposable)"/>: with a park taken before
    /// the call, the flow is already parked (the clock may settle and fire its timer) while the slot does not hold the
    /// park yet; a wake-up in that window finds nothing to release, and a settle before <see cref="Hold(IDisposable)"/>
    /// disposes it sees the flow parked though it has been woken (seen once in 10 runs at load 12).
    /// </summary>
    public void Hold(Func<IDisposable> park)
    {
        ArgumentNullException.ThrowIfNull(park);
        lock (_gate)
        {
            if (!_released)
            {
                _park = park();
            }
        }
    }

    /// <summary>Wakes the flow (synchronously, on the caller's thread). Idempotent.</summary>
    public void Release()
    {
        IDisposable? park;
        lock (_gate)
        {
            _released = true;
            park = _park;
            _park = null;
        }

        park?.Dispose();
    }
}

/// <summary>A virtual-time deadline: its token is cancelled when the harness clock reaches it.</summary>
public sealed class VirtualDeadline(CancellationTokenSource source, ITimer timer) : IDisposable
{
    public CancellationToken Token => source.Token;

    public bool Expired => source.IsCancellationRequested;

    public void Dispose()
    {
        timer.Dispose();
        source.Dispose();
    }
}
