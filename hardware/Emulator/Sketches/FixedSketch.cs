using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>
/// The seed firmware with its defects corrected; each override is a small, commented difference from
/// <see cref="SeedSketch"/>:
/// 1. Photon 2 (PLATFORM_ID 32) drives its D7 LED.
/// 2. A requested publish (boot, function call, timer) stays pending until it is actually sent, so the boot
///    publish survives a cloud that connects after the first loop().
/// 3. A failed publish is retried every <see cref="PublishRetryMs"/> ms instead of 5 minutes later.
/// 4. The payload buffer is sized from the token and snprintf's return value is checked: never cut JSON.
/// 5. v15 stays within the simulated sensor's 0–3.3 V range (and never NaN/inf).
/// 6. The wrap reset of timer_last (L88-89) is gone: uint32 subtraction already spans the wrap.
/// </summary>
public class FixedSketch : SeedSketch
{
    /// <summary>Retry interval after a failed publish: Device OS's sustained publish rate is 1 event/s, so this never trips the limiter.</summary>
    public const uint PublishRetryMs = 1000;

    /// <summary>The sensor range of the V15 datastream (0–3.3).</summary>
    public const double SensorMin = 0.0;

    public const double SensorMax = 3.3;

    // Fixed part of the payload (36 bytes) + v14 ≤ 10 + v15 ≤ 8 ("3.300000") + v16, v17 ≤ 3 each = 60 + token.
    private const int PayloadOverhead = 64;

    private uint? _lastFailedAttempt;

    public FixedSketch(DeviceOs os, string blynkAuthToken)
        : base(os, blynkAuthToken)
    {
    }

    /// <summary>Fix 4: char data[sizeof(BLYNK_AUTH_TOKEN) + 64] — room for the worst case of every field.</summary>
    public override int PayloadBufferSize => CFormatter.Strlen(BlynkAuthToken) + 1 + PayloadOverhead;

    /// <summary>Fix 1 (seed L45-55): PLATFORM_P2 (32) added; on a P2 module D7 is a plain GPIO, so driving it is harmless.</summary>
    protected override bool DeviceHasLedOnD7() => Os.PlatformId == 32 || base.DeviceHasLedOnD7();

    /// <summary>Fix 5 (seed L27-34): step toward the range at its edges, then clamp; NaN restarts from the initial value.</summary>
    protected override void SimSensor()
    {
        // L23 kept: random() is called every loop, so the PRNG sequence equals the seed's.
        var sim = Os.Random.Random(unchecked((int)Os.Millis()));
        if (Os.Millis() - SimSensorTimerLast >= 20000)
        {
            SimSensorTimerLast = Os.Millis();
            var deltaSensor = DeltaSensor(sim);
            // At an edge, move inward by |delta| (the seed subtracted a delta of either sign and could drift away).
            if (V15 <= SensorMin)
            {
                V15 += Math.Abs(deltaSensor);
            }
            else if (V15 >= SensorMax)
            {
                V15 -= Math.Abs(deltaSensor);
            }
            else
            {
                V15 += deltaSensor;
            }
        }

        // Every loop, so a value set from outside is back in range before anything publishes it.
        V15 = double.IsNaN(V15) ? InitialV15 : Math.Clamp(V15, SensorMin, SensorMax);
    }

    /// <summary>Fix 6 and 3 (seed L85-95): no wrap reset; a due timer requests a publish that is retried until sent.</summary>
    protected override void PubTimer()
    {
        if (Os.Millis() - TimerLast > TimerIntervalMs)
        {
            ParticleFnCalled = true;
        }
    }

    /// <summary>Fix 2 and 3 (seed L129-134): the request is cleared only once the publish was sent.</summary>
    public override void Loop()
    {
        SimSensor();
        PubTimer();
        if (ParticleFnCalled && Os.CloudConnected && RetryDue())
        {
            if (TryPublish())
            {
                ParticleFnCalled = false;
            }
        }

        if (DeviceHasLedOnD7())
        {
            Os.DigitalWrite(DeviceOs.D7, LedState);
        }
    }

    /// <summary>Seed L64-83 (L66 connected check kept), publishing through <see cref="TryPublish"/>; this Loop never calls it.</summary>
    protected override void PubToParticleBlynk()
    {
        if (Os.CloudConnected)
        {
            _ = TryPublish();
        }
    }

    private bool RetryDue() => _lastFailedAttempt is not { } failedAt || Os.Millis() - failedAt >= PublishRetryMs;

    private bool TryPublish()
    {
        var data = CFormatter.Snprintf(PayloadBufferSize, out var needed, PayloadFormat, BlynkAuthToken, Os.Millis(), V15, LedState, LedState);
        // Fix 4: a payload that does not fit is not sent as broken JSON.
        if (needed >= PayloadBufferSize)
        {
            Os.Serial.Printlnf("ERROR: payload needs %d bytes, buffer holds %d", needed + 1, PayloadBufferSize);
            _lastFailedAttempt = Os.Millis();
            return false;
        }

        Os.Serial.Printlnf("Sending to Blynk: '%s' with size of %u bytes", data, (uint)CFormatter.Strlen(data));
        if (Os.Publish(EventName, data, PublishFlags.Private))
        {
            TimerLast = Os.Millis();
            _lastFailedAttempt = null;
            return true;
        }

        Os.Serial.Println("ERROR: Particle.publish()");
        _lastFailedAttempt = Os.Millis();
        return false;
    }
}
