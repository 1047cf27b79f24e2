namespace ParticleBlynk.Emulator;

/// <summary>A user firmware (setup() and loop()) running on <see cref="DeviceOs"/>.</summary>
public abstract class Sketch
{
    protected Sketch(DeviceOs os)
    {
        ArgumentNullException.ThrowIfNull(os);
        Os = os;
    }

    /// <summary>The Device OS the sketch calls into.</summary>
    protected DeviceOs Os { get; }

    /// <summary>setup(), as an iterator that yields where it blocks (delay, waitFor).</summary>
    public abstract IEnumerable<SetupWait> Setup();

    /// <summary>One loop() iteration.</summary>
    public abstract void Loop();

    /// <summary>The firmware for <paramref name="kind"/>, bound to <paramref name="os"/> with the token of its options.</summary>
    public static SeedSketch Create(SketchKind kind, DeviceOs os)
    {
        ArgumentNullException.ThrowIfNull(os);
        return kind switch
        {
            SketchKind.Seed => new SeedSketch(os, os.Options.BlynkToken),
            SketchKind.Fixed => new FixedSketch(os, os.Options.BlynkToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sketch."),
        };
    }
}

/// <summary>The sketch's globals at one instant (seed lines 5–8 and 62).</summary>
public sealed record SketchState(double V15, byte LedState, uint TimerLast, uint SimSensorTimerLast, bool ParticleFnCalled);
