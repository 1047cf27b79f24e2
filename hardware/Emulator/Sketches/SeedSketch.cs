using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>
/// The integration doc's firmware (Sketches/seed-firmware.ino, verbatim), ported line by line onto
/// <see cref="DeviceOs"/>. Every block cites the line ("L71") it mirrors; the defects are kept on purpose.
/// Globals are properties so tests and scenarios can read and set them.
/// </summary>
public class SeedSketch : Sketch
{
    /// <summary>L3: const char *firmware_version = "0.0.0";</summary>
    public const string FirmwareVersion = "0.0.0";

    /// <summary>L61: const uint32_t TIMER_INTERVAL_MS = 300000L;</summary>
    public const uint TimerIntervalMs = 300000;

    /// <summary>L5: double v15 = 3.14159;</summary>
    public const double InitialV15 = 3.14159;

    /// <summary>L71: the payload format string.</summary>
    public const string PayloadFormat = "{\"t\":\"%s\",\"v14\":%u,\"v15\":%f,\"v16\":%u,\"v17\":%u}";

    /// <summary>L73: the event name.</summary>
    public const string EventName = "blynk_https_get";

    /// <summary>L117: the function key.</summary>
    public const string FunctionKey = "blynk_led";

    protected const byte Low = 0;
    protected const byte High = 1;

    // Device OS platform ids the switch of L45-55 names (PLATFORM_BORON, PLATFORM_ARGON).
    private const int PlatformArgon = 12;
    private const int PlatformBoron = 13;

    public SeedSketch(DeviceOs os, string blynkAuthToken)
        : base(os)
    {
        ArgumentNullException.ThrowIfNull(blynkAuthToken);
        BlynkAuthToken = blynkAuthToken;
    }

    /// <summary>L19: #define BLYNK_AUTH_TOKEN.</summary>
    public string BlynkAuthToken { get; }

    /// <summary>L5: double v15 = 3.14159;</summary>
    public double V15 { get; set; } = InitialV15;

    /// <summary>L6: uint32_t simSensor_timer_last = 0;</summary>
    public uint SimSensorTimerLast { get; set; }

    /// <summary>L7: uint8_t led_state = LOW;</summary>
    public byte LedState { get; set; } = Low;

    /// <summary>L8: bool particle_fn_called = TRUE; (publish right after boot)</summary>
    public bool ParticleFnCalled { get; set; } = true;

    /// <summary>L62: uint32_t timer_last = 0;</summary>
    public uint TimerLast { get; set; }

    /// <summary>L69: char data[90]; the payload buffer size.</summary>
    public virtual int PayloadBufferSize => 90;

    /// <summary>The globals now.</summary>
    public SketchState State => new(V15, LedState, TimerLast, SimSensorTimerLast, ParticleFnCalled);

    /// <summary>Overwrites the globals (scenario set-up).</summary>
    public void Restore(SketchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        (V15, LedState, TimerLast, SimSensorTimerLast, ParticleFnCalled) = (state.V15, state.LedState, state.TimerLast, state.SimSensorTimerLast, state.ParticleFnCalled);
    }

    /// <summary>L21-36: simSensor().</summary>
    protected virtual void SimSensor()
    {
        // L23: long sim = random(millis()); — long and int are 32-bit on the device, so millis() ≥ 2^31 arrives negative.
        var sim = Os.Random.Random(unchecked((int)Os.Millis()));
        // L24
        if (Os.Millis() - SimSensorTimerLast >= 20000)
        {
            // L25
            SimSensorTimerLast = Os.Millis();
            // L26
            var deltaSensor = DeltaSensor(sim);
            // L27-34: double comparisons; v15 - deltaSensor promotes the float to double.
            if (V15 <= 0 || V15 >= 3.3)
            {
                V15 = V15 - deltaSensor;
            }
            else
            {
                V15 = V15 + deltaSensor;
            }
        }
    }

    /// <summary>
    /// L26: float deltaSensor = cos(float(sim) / 1000) / 100;
    /// In C++ &lt;math.h&gt; (libstdc++) declares the float overload of cos in the global namespace, so this is
    /// cosf of a float quotient, divided in float: every step is single precision, as written here with explicit casts.
    /// MathF.Cos calls the host libm's cosf; glibc ≥ 2.28 and newlib ≥ 3.0 share ARM's optimized-routines sincosf,
    /// so results match the device in practice (not proven bit-exact for every input).
    /// </summary>
    protected static float DeltaSensor(int sim) => (float)(MathF.Cos((float)((float)sim / 1000f)) / 100f);

    /// <summary>L40-56: deviceHasLedOnD7() — Photon 2 (32) is in the comment of L43 but not in the switch.</summary>
    protected virtual bool DeviceHasLedOnD7()
    {
        switch (Os.PlatformId)
        {
            case PlatformBoron: // L47
            case PlatformArgon: // L48
            case 0: // L49: Core
            case 6: // L50: Photon
            case 10: // L51: Electron
                return true;
            default: // L53-54
                return false;
        }
    }

    /// <summary>L64-83: pubToParticleBlynk().</summary>
    protected virtual void PubToParticleBlynk()
    {
        // L66
        if (Os.CloudConnected)
        {
            // L69-71: snprintf into char data[90]; the return value is ignored, so a long payload is silently cut.
            var data = CFormatter.Snprintf(PayloadBufferSize, PayloadFormat, BlynkAuthToken, Os.Millis(), V15, LedState, LedState);
            // L72: strlen() is a size_t printed with %u.
            Os.Serial.Printlnf("Sending to Blynk: '%s' with size of %u bytes", data, (uint)CFormatter.Strlen(data));
            // L73
            var pubResult = Os.Publish(EventName, data, PublishFlags.Private);
            // L74-77
            if (pubResult)
            {
                TimerLast = Os.Millis();
            }
            else
            {
                // L78-81
                Os.Serial.Println("ERROR: Particle.publish()");
            }
        }
    }

    /// <summary>L85-95: pubTimer().</summary>
    protected virtual void PubTimer()
    {
        // L88-89: resets timer_last when millis() wrapped — stretches the gap around the wrap.
        if (TimerLast > Os.Millis())
        {
            TimerLast = Os.Millis();
        }

        // L90: strictly greater than 300000, and only while connected.
        if ((Os.Millis() - TimerLast) > TimerIntervalMs && Os.CloudConnected)
        {
            // L92
            PubToParticleBlynk();
            // L93: even after a failed publish — the next try is 5 minutes away.
            TimerLast = Os.Millis();
        }
    }

    /// <summary>L99-121: setup().</summary>
    public override IEnumerable<SetupWait> Setup()
    {
        // L103-107
        if (DeviceHasLedOnD7())
        {
            Os.PinMode(DeviceOs.D7, GpioMode.Output);
            Os.DigitalWrite(DeviceOs.D7, Low);
        }

        // L109
        Os.Serial.Begin(9600);
        // L110: waits up to 30 s for a USB host.
        yield return DeviceOs.WaitForStep(Os.Serial.IsConnected, 30000);
        // L111
        yield return DeviceOs.DelayStep(1000);
        // L112
        Os.Serial.Printlnf("Device OS v%s", Os.SystemVersion);
        // L113
        Os.Serial.Printlnf("Free RAM %lu bytes", Os.FreeMemory);
        // L114
        Os.Serial.Printlnf("Firmware version v%s", FirmwareVersion);
        // L117
        Os.RegisterFunction(FunctionKey, BlynkLed);
        // L119
        Os.Serial.Println("Setup complete");
    }

    /// <summary>L123-141: loop().</summary>
    public override void Loop()
    {
        // L125
        SimSensor();
        // L126
        PubTimer();
        // L129-134: the flag is cleared before pubToParticleBlynk() checks Particle.connected() — a publish asked for while offline is lost.
        if (ParticleFnCalled)
        {
            ParticleFnCalled = false;
            PubToParticleBlynk();
        }

        // L136-139
        if (DeviceHasLedOnD7())
        {
            Os.DigitalWrite(DeviceOs.D7, LedState);
        }
    }

    /// <summary>L143-175: blynkLED(String on_off) — exact, case-sensitive String == comparisons.</summary>
    public virtual int BlynkLed(string onOff)
    {
        ArgumentNullException.ThrowIfNull(onOff);
        // L155-160
        if (onOff == "on" || onOff == "1")
        {
            ParticleFnCalled = true;
            LedState = High;
            return 1;
        }

        // L161-166
        if (onOff == "off" || onOff == "0")
        {
            ParticleFnCalled = true;
            LedState = Low;
            return 0;
        }

        // L167-172
        Os.Serial.Print("Unexpected on_off value of: '");
        Os.Serial.Print(onOff);
        Os.Serial.Println("'");
        // L173
        return -1;
    }
}
