using Microsoft.Extensions.Time.Testing;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

/// <summary>A cloud that records what the device sent and acknowledges as told.</summary>
internal sealed class RecordingCloud : IParticleCloudLink
{
    public List<DeviceEvent> Events { get; } = [];

    public List<string> Sessions { get; } = [];

    public bool Acknowledge { get; set; } = true;

    public void Connected(ICloudSessionDevice device) => Sessions.Add("connected " + device.DeviceId);

    public void Disconnected(string deviceId) => Sessions.Add("disconnected " + deviceId);

    public bool Publish(DeviceEvent deviceEvent)
    {
        Events.Add(deviceEvent);
        return Acknowledge;
    }
}

/// <summary>An emulated board on a FakeTimeProvider, stepped the way the harness steps it.</summary>
internal sealed class DeviceRig
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DeviceRig(EmulatorOptions options)
    {
        Time = new FakeTimeProvider(Start);
        Cloud = new RecordingCloud();
        Device = new EmulatedDevice(options, Cloud, Time);
    }

    public FakeTimeProvider Time { get; }

    public RecordingCloud Cloud { get; }

    public EmulatedDevice Device { get; }

    public static DeviceRig PoweredOn(EmulatorOptions options)
    {
        var rig = new DeviceRig(options);
        rig.Device.PowerOnAsync().GetAwaiter().GetResult();
        return rig;
    }

    /// <summary>Milliseconds since <see cref="Start"/>.</summary>
    public long Ms(DateTimeOffset at) => (long)(at - Start).TotalMilliseconds;

    /// <summary>Moves the clock to <paramref name="ms"/> after start, running every due instant on the way.</summary>
    public void RunTo(long ms)
    {
        var end = Start.AddMilliseconds(ms);
        while (Device.NextDueAt is { } due && due <= end)
        {
            Time.SetUtcNow(due);
            Device.RunDue(due);
        }

        Time.SetUtcNow(end);
    }
}

/// <summary>A sketch on a bare DeviceOs (no harness clock): set millis, run one loop.</summary>
internal sealed class SketchBench
{
    public SketchBench(EmulatorOptions options)
    {
        Os = new DeviceOs(options, DateTimeOffset.UnixEpoch) { CloudConnected = true };
        Os.PublishAttempted += Publishes.Add;
        Os.Serial.LineCompleted += Lines.Add;
        Sketch = Emulator.Sketch.Create(options.Sketch, Os);
    }

    public const string Token = "0123456789abcdef0123456789abcdef";

    public DeviceOs Os { get; }

    public SeedSketch Sketch { get; }

    public List<PublishAttempt> Publishes { get; } = [];

    public List<string> Lines { get; } = [];

    public static SketchBench Create(SketchKind kind = SketchKind.Seed, Platform? platform = null, string token = Token) =>
        new(new EmulatorOptions { Sketch = kind, Platform = platform ?? Platforms.Boron, BlynkToken = token });

    public SketchBench RunSetup()
    {
        foreach (var wait in Sketch.Setup())
        {
            if (wait.Until is null || !wait.Until())
            {
                Os.Advance(wait.Milliseconds);
            }
        }

        return this;
    }

    /// <summary>One loop at <paramref name="millis"/> that publishes once via the request flag and leaves v15 alone.</summary>
    public PublishAttempt PublishOnceAt(uint millis, double v15, byte ledState = 0)
    {
        Os.SetMillis(millis);
        Sketch.V15 = v15;
        Sketch.LedState = ledState;
        Sketch.SimSensorTimerLast = millis;
        Sketch.TimerLast = millis;
        Sketch.ParticleFnCalled = true;
        var before = Publishes.Count;
        Sketch.Loop();
        Publishes.Should().HaveCount(before + 1);
        return Publishes[^1];
    }
}
