using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>GPIO pin modes (pinMode) the emulator distinguishes.</summary>
public enum GpioMode
{
    /// <summary>Never configured (PIN_MODE_NONE): Device OS ignores digitalWrite.</summary>
    None,
    Input,
    InputPullup,
    InputPulldown,
    Output,
}

/// <summary>What Device OS did with one Particle.publish call.</summary>
public enum PublishOutcome
{
    /// <summary>Sent and acknowledged by the cloud.</summary>
    Sent,

    /// <summary>Refused by Device OS's rate limiter (not sent, not queued).</summary>
    RateLimited,

    /// <summary>The cloud session was down (returns false at once).</summary>
    NotConnected,

    /// <summary>Sent (or lost) without a cloud acknowledgement: Particle.publish returned false.</summary>
    NotAcknowledged,

    /// <summary>The cloud session dropped while the publish was in flight: no acknowledgement, false, the event lost.</summary>
    LinkLost,
}

/// <summary>One Particle.publish call as Device OS handled it.</summary>
/// <param name="At">Virtual instant of the call.</param>
/// <param name="Millis">millis() at the call.</param>
/// <param name="Name">Event name as sent (cut to 64 bytes).</param>
/// <param name="Data">Data as sent (cut to the platform limit).</param>
/// <param name="Length">strlen() of the data the firmware passed.</param>
/// <param name="Flags">Flags as the firmware passed them.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Truncated">Device OS silently cut the name or the data.</param>
public sealed record PublishAttempt(DateTimeOffset At, uint Millis, string Name, string Data, int Length, PublishFlags Flags, PublishOutcome Outcome, bool Truncated)
{
    /// <summary>What Particle.publish returned to the firmware.</summary>
    public bool Result => Outcome == PublishOutcome.Sent;
}

/// <summary>One cloud function call as the device ran it.</summary>
public sealed record FunctionCallRecord(DateTimeOffset At, uint Millis, string Name, string Argument, FunctionCallResult Result);

/// <summary>
/// The Device OS runtime a sketch runs on: millis() (uint32, wraps at 2^32), delay/waitFor on the virtual clock,
/// Particle.publish/function/connected, Serial, GPIO, random, System.*. It keeps no timers: whoever drives it
/// (EmulatedDevice on the harness clock, the VirtualBoard script runner on its own) moves its time.
/// </summary>
public sealed class DeviceOs
{
    /// <summary>D7, the user LED pin on boards that have one (pin number 7 on every platform here).</summary>
    public const int D7 = 7;

    /// <summary>Documented limit "Up to 15 cloud functions may be registered" (P-FW).</summary>
    public const int MaxFunctions = 15;

    /// <summary>MAX_FUNCTION_KEY_LENGTH and MAX_EVENT_NAME_LENGTH (protocol_defs.h).</summary>
    public const int MaxKeyLength = 64;

    private const int PinCount = 48;

    private readonly DateTimeOffset _epoch;
    private readonly PublishRateLimiter _limiter = new();
    private readonly List<KeyValuePair<string, Func<string, int>>> _functions = [];
    private readonly List<string> _functionNames = [];
    private string[] _functionSnapshot = [];
    private readonly GpioMode[] _modes = new GpioMode[PinCount];
    private readonly bool[] _levels = new bool[PinCount];
    private long _elapsedMs;
    private uint _millisOffset;

    /// <param name="options">The board.</param>
    /// <param name="epoch">The virtual instant of power-on (elapsed time 0).</param>
    public DeviceOs(EmulatorOptions options, DateTimeOffset epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        _epoch = epoch;
        _millisOffset = options.MillisAtBoot;
        Serial = new UsbSerial(options.SerialHostAttached);
        Random = new NewlibRandom();
        Random.Seed(options.RandomSeed);
        RateLimiterEnabled = options.RateLimiterEnabled;
        PublishAcknowledged = options.PublishAcknowledged;
        MaxEventDataLength = options.Platform.MaxEventDataLength(options.DeviceOsVersion);
        MaxFunctionArgumentLength = options.Platform.MaxFunctionArgumentLength(options.DeviceOsVersion);
        SystemVersion = options.SystemVersionString;
        FreeMemory = options.EffectiveFreeMemory;
    }

    public EmulatorOptions Options { get; }

    public Platform Platform => Options.Platform;

    /// <summary>PLATFORM_ID.</summary>
    public int PlatformId => Options.Platform.Id;

    public string DeviceId => Options.DeviceId;

    // ---- time -------------------------------------------------------------------------------------

    /// <summary>Virtual milliseconds since power-on (64-bit, never wraps).</summary>
    public long ElapsedMs => _elapsedMs;

    /// <summary>The virtual instant the device is at.</summary>
    public DateTimeOffset Now => _epoch.AddTicks(_elapsedMs * TimeSpan.TicksPerMillisecond);

    /// <summary>millis(): uint32, wraps after 49.7 days.</summary>
    public uint Millis() => unchecked(_millisOffset + (uint)_elapsedMs);

    /// <summary>Jumps the millis() counter (e.g. to just before the 2^32 wrap); elapsed time is unchanged.</summary>
    public void SetMillis(uint value) => _millisOffset = unchecked(value - (uint)_elapsedMs);

    /// <summary>Moves time forward to <paramref name="elapsedMs"/> (never backwards).</summary>
    public void AdvanceTo(long elapsedMs)
    {
        if (elapsedMs > _elapsedMs)
        {
            _elapsedMs = elapsedMs;
        }
    }

    /// <summary>Moves time forward by <paramref name="ms"/>.</summary>
    public void Advance(long ms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        _elapsedMs += ms;
    }

    /// <summary>delay(ms) called from loop(): the device's own time moves on (setup uses <see cref="SetupWait"/> instead).</summary>
    public void Delay(uint ms) => _elapsedMs += ms;

    // ---- cloud ------------------------------------------------------------------------------------

    /// <summary>Particle.connected().</summary>
    public bool CloudConnected { get; set; }

    /// <summary>Where sent events go; returns the cloud's acknowledgement. Null = acknowledged, delivered nowhere.</summary>
    public Func<DeviceEvent, bool>? Uplink { get; set; }

    public bool RateLimiterEnabled { get; set; }

    /// <summary>False: publishes are lost without acknowledgement and Particle.publish returns false.</summary>
    public bool PublishAcknowledged { get; set; }

    /// <summary>Event data limit for this platform and Device OS version (622/864/1024).</summary>
    public int MaxEventDataLength { get; }

    public int MaxFunctionArgumentLength { get; }

    /// <summary>Raised after each Particle.publish call.</summary>
    public event Action<PublishAttempt>? PublishAttempted;

    /// <summary>Raised when Particle.function registers a function.</summary>
    public event Action<string>? FunctionRegistered;

    /// <summary>
    /// Particle.publish(name, data, flags) as Device OS 6.2 handles it: false at once when the cloud is down;
    /// name cut to 64 bytes, data silently cut to the platform limit; the rate limiter; then the cloud's ACK.
    /// </summary>
    public bool Publish(string name, string data, PublishFlags flags)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        var millis = Millis();
        var sentName = CFormatter.TruncateUtf8(name, MaxKeyLength, out var nameCut);
        var sentData = CFormatter.TruncateUtf8(data, MaxEventDataLength, out var dataCut);
        PublishOutcome outcome;
        if (!CloudConnected)
        {
            outcome = PublishOutcome.NotConnected;
        }
        else if (RateLimiterEnabled && _limiter.IsRateLimited(millis))
        {
            outcome = PublishOutcome.RateLimited;
        }
        else if (!PublishAcknowledged)
        {
            outcome = PublishOutcome.NotAcknowledged;
        }
        else
        {
            var ack = Uplink?.Invoke(new DeviceEvent(DeviceId, sentName, sentData, flags)) ?? true;
            outcome = ack ? PublishOutcome.Sent : CloudConnected ? PublishOutcome.NotAcknowledged : PublishOutcome.LinkLost;
        }

        PublishAttempted?.Invoke(new PublishAttempt(Now, millis, sentName, sentData, CFormatter.Strlen(data), flags, outcome, nameCut || dataCut));
        return outcome == PublishOutcome.Sent;
    }

    /// <summary>Records <paramref name="count"/> publish attempts made now by other code (they take rate limiter slots).</summary>
    public void RecordOtherPublishes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var millis = Millis();
        for (var i = 0; i < count; i++)
        {
            _limiter.IsRateLimited(millis);
        }
    }

    /// <summary>Names registered with Particle.function, in order.</summary>
    /// <remarks>A snapshot replaced on each registration: the cloud reads it from its own threads (Device OS re-sends the list when it changes).</remarks>
    public IReadOnlyList<string> Functions => Volatile.Read(ref _functionSnapshot);

    /// <summary>Particle.function(key, fn): false when the key is empty or longer than 64, or 15 are already registered.</summary>
    public bool RegisterFunction(string key, Func<string, int> function)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(function);
        if (key.Length == 0 || CFormatter.Strlen(key) > MaxKeyLength)
        {
            return false;
        }

        var existing = _functionNames.IndexOf(key);
        if (existing >= 0)
        {
            // Re-registering a key replaces its handler.
            _functions[existing] = new(key, function);
            return true;
        }

        if (_functions.Count >= MaxFunctions)
        {
            return false;
        }

        _functions.Add(new(key, function));
        _functionNames.Add(key);
        Volatile.Write(ref _functionSnapshot, [.. _functionNames]);
        FunctionRegistered?.Invoke(key);
        return true;
    }

    /// <summary>Runs a registered function now (the caller guarantees it is between two loop() iterations).</summary>
    public FunctionCallResult CallFunction(string key, string argument)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(argument);
        var index = _functionNames.IndexOf(key);
        if (index < 0)
        {
            return FunctionCallResult.Failed($"Function {key} not found");
        }

        if (CFormatter.Strlen(argument) > MaxFunctionArgumentLength)
        {
            return FunctionCallResult.Failed($"Argument longer than {MaxFunctionArgumentLength} bytes");
        }

        return FunctionCallResult.Returned(_functions[index].Value(argument));
    }

    // ---- serial, GPIO, random, system ------------------------------------------------------------

    public UsbSerial Serial { get; }

    /// <summary>Raised on pinMode(pin, mode).</summary>
    public event Action<int, GpioMode>? PinModeSet;

    /// <summary>Raised on every digitalWrite Device OS performs: pin, new level, whether the level changed.</summary>
    public event Action<int, bool, bool>? PinWritten;

    public void PinMode(int pin, GpioMode mode)
    {
        _modes[pin] = mode;
        PinModeSet?.Invoke(pin, mode);
    }

    /// <summary>digitalWrite: ignored on a pin never configured (Device OS returns when the mode is PIN_MODE_NONE).</summary>
    public void DigitalWrite(int pin, int value)
    {
        if (_modes[pin] == GpioMode.None)
        {
            return;
        }

        var level = value != 0;
        var changed = _levels[pin] != level;
        _levels[pin] = level;
        PinWritten?.Invoke(pin, level, changed);
    }

    public GpioMode GetPinMode(int pin) => _modes[pin];

    /// <summary>The output latch of a pin (true = HIGH).</summary>
    public bool GetPinLevel(int pin) => _levels[pin];

    public NewlibRandom Random { get; }

    /// <summary>System.version().</summary>
    public string SystemVersion { get; }

    /// <summary>System.freeMemory().</summary>
    public uint FreeMemory { get; }

    /// <summary>delay(ms) inside setup(): a wait the driver resumes after.</summary>
    public static SetupWait DelayStep(uint ms) => new(ms, null);

    /// <summary>waitFor(condition, timeoutMs) inside setup().</summary>
    public static SetupWait WaitForStep(Func<bool> condition, uint timeoutMs) => new(timeoutMs, condition);
}

/// <summary>
/// A point where setup() blocks: delay(ms) (no condition) or waitFor(condition, ms). Setup is written as an
/// iterator of these so the harness clock reaches each instant before the lines after it print.
/// </summary>
public readonly record struct SetupWait(uint Milliseconds, Func<bool>? Until);
