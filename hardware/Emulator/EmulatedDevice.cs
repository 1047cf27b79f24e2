using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>The D7 user LED changed (as seen on the board).</summary>
/// <param name="At">Virtual instant.</param>
/// <param name="Millis">millis() then.</param>
/// <param name="UserLedOn">Lit / dark; null when the board has no LED on D7.</param>
/// <param name="D7Level">The pin's output latch (HIGH = true).</param>
public sealed record LedChange(DateTimeOffset At, uint Millis, bool? UserLedOn, bool D7Level);

/// <summary>
/// A Particle board running a sketch on the emulated Device OS, on the harness's virtual clock.
/// The device starts no timers: the harness reads <see cref="NextDueAt"/> and calls <see cref="RunDue"/> exactly then.
/// All members except <see cref="EnqueueFunctionCall"/> (thread-safe) belong to the harness thread.
/// </summary>
public sealed class EmulatedDevice : IDeviceUnderTest, ICloudSessionDevice
{
    private static readonly IReadOnlyDictionary<string, string> NoVariables = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    private readonly IParticleCloudLink _cloud;
    private readonly TimeProvider _time;
    private readonly long _loopIntervalMs;
    private readonly ConcurrentQueue<PendingCall> _calls = new();
    private readonly List<PublishAttempt> _publishes = [];
    private readonly List<SerialLine> _serialLines = [];
    private readonly MemoryStream _serialBytes = new();
    private readonly List<LedChange> _ledChanges = [];
    private readonly List<FunctionCallRecord> _functionCalls = [];

    private DeviceOs? _os;
    private SeedSketch? _sketch;
    private IEnumerator<SetupWait>? _setup;
    private Phase _phase;
    private DateTimeOffset _powerOnAt;
    private bool _waiting;
    private long _wakeMs;
    private Func<bool>? _waitUntil;
    private long _nextLoopMs;
    private long? _cloudConnectAtMs;
    private TimeSpan? _dropLinkOnNextPublish;
    private bool? _lastUserLedOn;
    private bool _serialHostAttached;
    private bool _rateLimiterEnabled;
    private bool _publishAcknowledged;
    private long _effects;
    private long _batchInstantTicks;

    public EmulatedDevice(EmulatorOptions options, IParticleCloudLink cloud, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(time);
        Options = options.Validate();
        _cloud = cloud;
        _time = time;
        _loopIntervalMs = options.LoopInterval.Ticks / TimeSpan.TicksPerMillisecond;
        _serialHostAttached = options.SerialHostAttached;
        _rateLimiterEnabled = options.RateLimiterEnabled;
        _publishAcknowledged = options.PublishAcknowledged;
        _lastUserLedOn = options.Platform.HasUserLedOnD7 ? false : null;
    }

    private enum Phase
    {
        Off,
        Setup,
        Running,
    }

    public EmulatorOptions Options { get; }

    public string DeviceId => Options.DeviceId;

    public Platform Platform => Options.Platform;

    public DeviceCapabilities Capabilities =>
        DeviceCapabilities.ReadUserLed | DeviceCapabilities.VirtualTime | DeviceCapabilities.ControlCloudConnection | DeviceCapabilities.InspectFirmwareState;

    public bool IsPoweredOn => _phase != Phase.Off;

    /// <summary>setup() has returned and loop() runs.</summary>
    public bool SetupComplete => _phase == Phase.Running;

    /// <summary>The Device OS runtime of the current power cycle (null before the first power-on).</summary>
    public DeviceOs? Os => _os;

    /// <summary>The running firmware's globals (v15, led_state, timers); null before the first power-on.</summary>
    public SeedSketch? Sketch => _sketch;

    /// <summary>
    /// The application (setup() or loop()) cannot run now because it waits for the cloud: Device OS before 6.2 with the
    /// doc's firmware (AUTOMATIC mode, no SYSTEM_THREAD line) runs setup() only once the cloud is connected and loop()
    /// only while it is (contracts.md §10). From 6.2 the system thread is always on and this is never true.
    /// </summary>
    public bool WaitingForCloud => _phase != Phase.Off && !Options.ApplicationRunsBeforeCloud && !_os!.CloudConnected;

    /// <summary>loop() iterations since the last power-on.</summary>
    public long LoopCount { get; private set; }

    // ---- time --------------------------------------------------------------------------------------

    /// <summary>The next instant the device must run (a loop boundary, a setup wait ending, a cloud connect); null when off.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            if (_phase == Phase.Off)
            {
                return null;
            }

            if (WaitingForCloud)
            {
                // Before Device OS 6.2 the application thread waits for the cloud: only the connect is due.
                return _cloudConnectAtMs is { } connectAtMs ? _powerOnAt.AddTicks(connectAtMs * TimeSpan.TicksPerMillisecond) : null;
            }

            var due = _phase == Phase.Setup ? (_waiting ? _wakeMs : _os!.ElapsedMs) : _nextLoopMs;
            if (_cloudConnectAtMs is { } connectAt && connectAt < due)
            {
                due = connectAt;
            }

            return _powerOnAt.AddTicks(due * TimeSpan.TicksPerMillisecond);
        }
    }

    /// <summary>
    /// Runs everything due at <paramref name="now"/>, in order: cloud connection changes, the rest of setup(),
    /// then (at a loop boundary) queued function calls, each completed right after it returns, and one loop().
    /// Before Device OS 6.2 nothing of the application runs while <see cref="WaitingForCloud"/>.
    /// </summary>
    public void RunDue(DateTimeOffset now)
    {
        if (_phase == Phase.Off)
        {
            return;
        }

        var nowMs = ElapsedMsAt(now);
        var os = _os!;
        os.AdvanceTo(nowMs);
        if (_cloudConnectAtMs is { } connectAt && connectAt <= nowMs)
        {
            _cloudConnectAtMs = null;
            ConnectCloud();
        }

        if (WaitingForCloud)
        {
            return;
        }

        if (_phase == Phase.Setup)
        {
            if (!StepSetup(nowMs))
            {
                return;
            }

            _phase = Phase.Running;
            _effects++;
            _nextLoopMs = os.ElapsedMs;
        }

        if (_nextLoopMs > nowMs)
        {
            return;
        }

        while (_calls.TryDequeue(out var call))
        {
            RunCall(os, call);
        }

        _sketch!.Loop();
        LoopCount++;
        _nextLoopMs = os.ElapsedMs + _loopIntervalMs;
    }

    /// <summary>
    /// Bumped by everything the device does that anyone outside it can see or that reaches another component: a publish
    /// attempt, serial output, the LED (or any pin write while someone listens to <see cref="PinWritten"/>), a function
    /// call answered, the cloud session coming up or going down, setup() moving on, power. A loop that leaves it unchanged
    /// had no effect outside the device (it may have changed its own globals, millis() and LoopCount).
    /// </summary>
    public long EffectCount => _effects;

    /// <summary>
    /// Runs what is due at <paramref name="now"/>, then its next instants back to back while each is strictly before
    /// <paramref name="before"/> — as <see cref="RunUntil"/> does bare — calling <paramref name="moveTo"/> with each instant
    /// first (the harness sets its time there; false stops: the harness saw work begin). With
    /// <paramref name="stopAfterEffects"/> it also stops right after an instant with an effect (<see cref="EffectCount"/>
    /// moved), so a driver can look at its condition then. Returns how many
    /// instants ran. Each instant runs exactly as <see cref="RunDue"/> would run it: the trace is the same.
    /// </summary>
    // Fully optimized from the first call: the tier-1 recompile of a hot loop waits for a quiet moment and the
    // background compiler, which a harness busy with HTTP (new code jitted all the time) on a loaded machine lacks.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long RunDueBatch(DateTimeOffset now, DateTimeOffset before, Func<DateTimeOffset, bool> moveTo, bool stopAfterEffects = true)
    {
        ArgumentNullException.ThrowIfNull(moveTo);
        var effects = stopAfterEffects ? _effects : long.MinValue;
        RunDue(now);
        long ran = 1;
        while ((!stopAfterEffects || _effects == effects) && NextDueAt is { } due && due < before && moveTo(due))
        {
            RunDue(due);
            ran++;
        }

        return ran;
    }

    /// <summary>The instant (UTC ticks) <see cref="RunDueUntilEffect"/> is running, or ran last.</summary>
    public long BatchInstantTicks => Volatile.Read(ref _batchInstantTicks);

    /// <summary>
    /// Runs what is due at <paramref name="now"/>, then its next instants back to back while each is strictly before
    /// <paramref name="before"/>, exactly as <see cref="RunUntil"/> does bare, and stops right after an instant with an
    /// effect (<see cref="EffectCount"/> moved: every way the device reaches another component is one). It sets no time:
    /// the harness lends its "now" to <see cref="BatchInstantTicks"/> meanwhile. Returns how many instants ran. Tiered like
    /// <see cref="RunUntil"/> (not AggressiveOptimization, which would give up dynamic PGO: the bare loop's inlining).
    /// </summary>
    public long RunDueUntilEffect(DateTimeOffset now, DateTimeOffset before)
    {
        var effects = _effects;
        Volatile.Write(ref _batchInstantTicks, now.UtcTicks);
        RunDue(now);
        long ran = 1;
        var beforeTicks = before.UtcTicks;
        while (_effects == effects && NextDueAt is { } due && due.UtcTicks < beforeTicks)
        {
            Volatile.Write(ref _batchInstantTicks, due.UtcTicks);
            RunDue(due);
            ran++;
        }

        return ran;
    }

    /// <summary>Runs every due instant up to and including <paramref name="end"/> (tests, benchmarks; the harness steps its own clock).</summary>
    public void RunUntil(DateTimeOffset end)
    {
        while (NextDueAt is { } due && due <= end)
        {
            RunDue(due);
        }
    }

    /// <summary>millis() now (0 when never powered).</summary>
    public uint Millis => _os?.Millis() ?? 0;

    /// <summary>Jumps millis() to <paramref name="value"/> at the harness's current instant (the 49.7-day wrap).</summary>
    public void SetMillis(uint value)
    {
        var os = RequireOn();
        os.AdvanceTo(ElapsedMsAt(_time.GetUtcNow()));
        os.SetMillis(value);
    }

    // ---- power ---------------------------------------------------------------------------------

    /// <summary>Applies power at the harness's current instant and runs what is due then (setup up to its first wait).</summary>
    public Task PowerOnAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_phase != Phase.Off)
        {
            return Task.CompletedTask;
        }

        _powerOnAt = _time.GetUtcNow();
        var os = new DeviceOs(
            Options with { SerialHostAttached = _serialHostAttached, RateLimiterEnabled = _rateLimiterEnabled, PublishAcknowledged = _publishAcknowledged },
            _powerOnAt);
        os.Uplink = Uplink;
        os.PublishAttempted += OnPublishAttempted;
        os.Serial.LineCompleted += OnSerialLine;
        os.Serial.BytesWritten += OnSerialBytes;
        os.PinModeSet += OnPinModeSet;
        os.PinWritten += OnPinWritten;
        _os = os;
        _sketch = Emulator.Sketch.Create(Options.Sketch, os);
        _setup = _sketch.Setup().GetEnumerator();
        _phase = Phase.Setup;
        _effects++;
        _waiting = false;
        _waitUntil = null;
        LoopCount = 0;
        _cloudConnectAtMs = Options.CloudConnectDelay is { } delay ? delay.Ticks / TimeSpan.TicksPerMillisecond : null;
        RunDue(_powerOnAt);
        return Task.CompletedTask;
    }

    /// <summary>Removes power: the cloud session ends, queued calls fail, the globals are lost at the next power-on.</summary>
    public void PowerOff()
    {
        if (_phase == Phase.Off)
        {
            return;
        }

        _os!.AdvanceTo(ElapsedMsAt(_time.GetUtcNow()));
        _phase = Phase.Off;
        _effects++;
        _cloudConnectAtMs = null;
        _setup?.Dispose();
        _setup = null;
        if (_os.CloudConnected)
        {
            _os.CloudConnected = false;
            _cloud.Disconnected(DeviceId);
        }

        FailQueuedCalls("device is offline");
        UpdateUserLed();
    }

    /// <summary>RESET: power cycle at the current instant (globals re-initialised, millis() from MillisAtBoot).</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default)
    {
        PowerOff();
        return PowerOnAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        PowerOff();
        _serialBytes.Dispose();
        return ValueTask.CompletedTask;
    }

    // ---- cloud ---------------------------------------------------------------------------------

    /// <summary>Particle.connected().</summary>
    public bool CloudConnected => _os?.CloudConnected ?? false;

    /// <summary>When a pending (re)connect is scheduled.</summary>
    public DateTimeOffset? CloudConnectAt => _cloudConnectAtMs is { } ms ? _powerOnAt.AddTicks(ms * TimeSpan.TicksPerMillisecond) : null;

    /// <summary>Drops the cloud session now (and cancels a pending connect); queued function calls fail.</summary>
    public void DropCloudConnection()
    {
        var os = RequireOn();
        os.AdvanceTo(ElapsedMsAt(_time.GetUtcNow()));
        _cloudConnectAtMs = null;
        if (!os.CloudConnected)
        {
            return;
        }

        os.CloudConnected = false;
        _effects++;
        FailQueuedCalls("device is not connected to the cloud");
        _cloud.Disconnected(DeviceId);
    }

    /// <summary>Schedules the cloud session to come up <paramref name="after"/> from now (no-op when connected).</summary>
    public void RestoreCloudConnection(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        var os = RequireOn();
        if (os.CloudConnected)
        {
            return;
        }

        _cloudConnectAtMs = ElapsedMsAt(_time.GetUtcNow()) + (after.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>
    /// A fault: the cloud link drops while the next publish is in flight (before the cloud acknowledges it) and comes
    /// back <paramref name="reconnectAfter"/> later. Particle.publish returns false and the event is lost.
    /// </summary>
    public void DropCloudOnNextPublish(TimeSpan reconnectAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reconnectAfter, TimeSpan.Zero);
        _dropLinkOnNextPublish = reconnectAfter;
    }

    /// <summary>Withdraws <see cref="DropCloudOnNextPublish"/> when no publish has used it yet.</summary>
    public void KeepCloudOnNextPublish() => _dropLinkOnNextPublish = null;

    /// <summary>
    /// A fault: the application thread is busy for <paramref name="span"/> from now (a blocking call in loop()): no loop
    /// runs, function calls wait for the next loop boundary, and the cloud may time them out meanwhile.
    /// </summary>
    public void BlockApplicationThread(TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        var os = RequireOn();
        var nowMs = ElapsedMsAt(_time.GetUtcNow());
        os.AdvanceTo(nowMs);
        _nextLoopMs = Math.Max(_nextLoopMs, nowMs + (span.Ticks / TimeSpan.TicksPerMillisecond));
    }

    /// <summary>A fault: code elsewhere on the device has just published <paramref name="count"/> events (they use the rate limiter's burst).</summary>
    public void RecordOtherPublishes(int count)
    {
        var os = RequireOn();
        os.AdvanceTo(ElapsedMsAt(_time.GetUtcNow()));
        os.RecordOtherPublishes(count);
    }

    /// <summary>Publishes pass Device OS's rate limiter check (default on).</summary>
    public bool RateLimiterEnabled
    {
        get => _rateLimiterEnabled;
        set
        {
            _rateLimiterEnabled = value;
            _os?.RateLimiterEnabled = value;
        }
    }

    /// <summary>False: publishes are lost without ACK and Particle.publish returns false.</summary>
    public bool PublishAcknowledged
    {
        get => _publishAcknowledged;
        set
        {
            _publishAcknowledged = value;
            _os?.PublishAcknowledged = value;
        }
    }

    /// <summary>Attaches or detaches the USB serial host; attaching ends a pending waitFor(Serial.isConnected) now.</summary>
    public void SetSerialHostAttached(bool attached)
    {
        _serialHostAttached = attached;
        if (_os is null)
        {
            return;
        }

        _os.Serial.HostAttached = attached;
        if (_phase == Phase.Setup && _waiting && _waitUntil is not null && attached)
        {
            _wakeMs = Math.Min(_wakeMs, Math.Max(_os.ElapsedMs, ElapsedMsAt(_time.GetUtcNow())));
        }
    }

    // ---- ICloudSessionDevice -------------------------------------------------------------------------

    public IReadOnlyList<string> Functions => _os?.Functions ?? [];

    /// <summary>The sketches register no Particle.variable.</summary>
    public IReadOnlyDictionary<string, string> Variables => NoVariables;

    /// <summary>Queues a call for the next loop boundary; refused at once when the device is off or offline.</summary>
    public void EnqueueFunctionCall(string name, string argument, Action<FunctionCallResult> completed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(completed);
        if (_phase == Phase.Off || !CloudConnected)
        {
            completed(FunctionCallResult.Failed("device is not connected to the cloud"));
            return;
        }

        _calls.Enqueue(new PendingCall(name, argument, completed));
    }

    /// <summary>Calls waiting for the next loop boundary.</summary>
    public int PendingFunctionCalls => _calls.Count;

    // ---- observations --------------------------------------------------------------------------------

    public event Action<PublishAttempt>? PublishAttempted;

    public IReadOnlyList<PublishAttempt> PublishAttempts => _publishes;

    public event Action<SerialLine>? SerialLineWritten;

    public IReadOnlyList<SerialLine> SerialLines => _serialLines;

    /// <summary>Raw bytes as written to the USB serial port (what a host reading the tty would get).</summary>
    public event SerialBytesHandler? SerialBytesWritten;

    /// <summary>Every serial byte so far, across power cycles.</summary>
    public ReadOnlyMemory<byte> SerialOutput => _serialBytes.GetBuffer().AsMemory(0, (int)_serialBytes.Length);

    /// <summary>
    /// The D7 LED as a person sees it: null when the board has no user LED on D7 (Platform.HasUserLedOnD7);
    /// otherwise lit only when D7 is configured OUTPUT and driven HIGH (a pin never configured leaves it dark: false).
    /// </summary>
    public bool? UserLedOn =>
        !Platform.HasUserLedOnD7 ? null
        : _phase != Phase.Off && _os!.GetPinMode(DeviceOs.D7) == GpioMode.Output && _os.GetPinLevel(DeviceOs.D7);

    /// <summary>D7's output latch, whether or not a LED is fitted (false when off or never written).</summary>
    public bool D7Level => _phase != Phase.Off && _os!.GetPinLevel(DeviceOs.D7);

    /// <summary>D7's pin mode (None until pinMode is called).</summary>
    public GpioMode D7Mode => _phase != Phase.Off ? _os!.GetPinMode(DeviceOs.D7) : GpioMode.None;

    /// <summary>Raised when <see cref="UserLedOn"/> or the D7 latch changes.</summary>
    public event Action<LedChange>? UserLedChanged;

    public IReadOnlyList<LedChange> LedChanges => _ledChanges;

    /// <summary>Raised for every digitalWrite Device OS performed: pin, level, changed.</summary>
    public event Action<int, bool, bool>? PinWritten;

    public event Action<FunctionCallRecord>? FunctionCalled;

    public IReadOnlyList<FunctionCallRecord> FunctionCalls => _functionCalls;

    // ---- internals -----------------------------------------------------------------------------------

    private long ElapsedMsAt(DateTimeOffset instant) => (instant.UtcTicks - _powerOnAt.UtcTicks) / TimeSpan.TicksPerMillisecond;

    private DeviceOs RequireOn() =>
        _phase != Phase.Off ? _os! : throw new InvalidOperationException($"Device {DeviceId} is powered off.");

    private bool StepSetup(long nowMs)
    {
        var os = _os!;
        while (true)
        {
            if (_waiting)
            {
                var satisfied = _waitUntil is not null && _waitUntil();
                if (!satisfied && _wakeMs > nowMs)
                {
                    return false;
                }

                if (!satisfied)
                {
                    os.AdvanceTo(_wakeMs);
                }

                _waiting = false;
                _waitUntil = null;
            }

            _effects++;
            if (!_setup!.MoveNext())
            {
                _setup.Dispose();
                _setup = null;
                return true;
            }

            var wait = _setup.Current;
            if (wait.Until is not null && wait.Until())
            {
                continue;
            }

            _waitUntil = wait.Until;
            _wakeMs = os.ElapsedMs + wait.Milliseconds;
            _waiting = true;
        }
    }

    // The device's side of a publish: the fault "link dropped mid-publish" takes the session down before the ACK.
    private bool Uplink(DeviceEvent deviceEvent)
    {
        if (_dropLinkOnNextPublish is not { } reconnectAfter)
        {
            return _cloud.Publish(deviceEvent);
        }

        _dropLinkOnNextPublish = null;
        var os = _os!;
        os.CloudConnected = false;
        _effects++;
        FailQueuedCalls("device is not connected to the cloud");
        _cloud.Disconnected(DeviceId);
        _cloudConnectAtMs = os.ElapsedMs + (reconnectAfter.Ticks / TimeSpan.TicksPerMillisecond);
        return false;
    }

    private void ConnectCloud()
    {
        _os!.CloudConnected = true;
        _effects++;
        _cloud.Connected(this);
    }

    private void RunCall(DeviceOs os, PendingCall call)
    {
        var result = os.CallFunction(call.Name, call.Argument);
        var record = new FunctionCallRecord(os.Now, os.Millis(), call.Name, call.Argument, result);
        _effects++;
        _functionCalls.Add(record);
        FunctionCalled?.Invoke(record);
        call.Completed(result);
    }

    private void FailQueuedCalls(string reason)
    {
        while (_calls.TryDequeue(out var call))
        {
            _effects++;
            call.Completed(FunctionCallResult.Failed(reason));
        }
    }

    private void OnPublishAttempted(PublishAttempt attempt)
    {
        _effects++;
        _publishes.Add(attempt);
        PublishAttempted?.Invoke(attempt);
    }

    private void OnSerialLine(string text)
    {
        var line = new SerialLine(_os!.Now, text);
        _effects++;
        _serialLines.Add(line);
        SerialLineWritten?.Invoke(line);
    }

    private void OnSerialBytes(ReadOnlySpan<byte> bytes)
    {
        _effects++;
        _serialBytes.Write(bytes);
        SerialBytesWritten?.Invoke(bytes);
    }

    private void OnPinModeSet(int pin, GpioMode mode)
    {
        _effects++;
        if (pin == DeviceOs.D7)
        {
            UpdateUserLed();
        }
    }

    private void OnPinWritten(int pin, bool level, bool changed)
    {
        if (changed || PinWritten is not null)
        {
            _effects++;
        }

        PinWritten?.Invoke(pin, level, changed);
        if (changed && pin == DeviceOs.D7)
        {
            UpdateUserLed();
        }
    }

    private void UpdateUserLed()
    {
        var on = UserLedOn;
        var level = D7Level;
        if (on == _lastUserLedOn && (_ledChanges.Count == 0 ? !level : _ledChanges[^1].D7Level == level))
        {
            return;
        }

        _lastUserLedOn = on;
        var change = new LedChange(_os!.Now, _os.Millis(), on, level);
        _effects++;
        _ledChanges.Add(change);
        UserLedChanged?.Invoke(change);
    }

    private sealed record PendingCall(string Name, string Argument, Action<FunctionCallResult> Completed);
}
