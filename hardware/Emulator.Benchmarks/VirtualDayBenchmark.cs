using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Benchmarks;

/// <summary>24 virtual hours of one Boron running the seed with a 10 ms loop: 8.64 M loop() calls, 288 timer publishes.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class VirtualDayBenchmark
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Params(SketchKind.Seed, SketchKind.Fixed)]
    public SketchKind Sketch { get; set; }

    /// <summary>The device stepped at each NextDueAt (what the harness does, minus the harness's own timers).</summary>
    [Benchmark]
    public long TwentyFourVirtualHours()
    {
        var time = new FakeTimeProvider(Start);
        var device = new EmulatedDevice(new EmulatorOptions { Sketch = Sketch }, new AcknowledgingCloud(), time);
        device.PowerOnAsync().GetAwaiter().GetResult();
        device.RunUntil(Start.AddHours(24));
        return device.LoopCount;
    }

    private sealed class AcknowledgingCloud : IParticleCloudLink
    {
        public void Connected(ICloudSessionDevice device)
        {
        }

        public void Disconnected(string deviceId)
        {
        }

        public bool Publish(DeviceEvent deviceEvent) => true;
    }
}
