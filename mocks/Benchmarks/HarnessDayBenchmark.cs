using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.LoopHost;

namespace ParticleBlynk.Benchmarks;

/// <summary>
/// P1 (issue 13): one virtual day of one Boron running the seed with a 10 ms loop (8.64 M loop() calls, 288 publishes:
/// the boot publish and one every 300,010 ms), bare (the device stepped at each NextDueAt on a FakeTimeProvider, as
/// hardware/Emulator.Benchmarks' VirtualDayBenchmark) and through the whole harness: a loop host on virtual time (both
/// mocks on 127.0.0.1), the harness clock advanced 24 h, every publish delivered by the Particle webhook over HTTP to the
/// Blynk mock and stored there. Each run checks that all 288 publishes were stored, and throws otherwise. Both are warmed
/// until the JIT is quiet first (<see cref="JitWarmUp"/>): the harness day kept getting faster through BenchmarkDotNet's
/// six warm-ups and five iterations (382 → 251 ms).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DayInProcessJob))]
public class HarnessDayBenchmark
{
    /// <summary>Publishes in the day: the boot publish and 287 timer publishes (strictly more than 300,000 ms apart).</summary>
    public const int ExpectedPublishes = 288;

    private static readonly DateTimeOffset BareStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private LoopHost.LoopHost? _host;

    [GlobalSetup(Target = nameof(BareEmulatorDay))]
    public Task WarmBareDayAsync() => JitWarmUp.UntilQuietAsync(() => Task.FromResult(BareEmulatorDay()));

    [GlobalSetup(Target = nameof(HarnessDay))]
    public Task WarmHarnessDayAsync() => JitWarmUp.UntilQuietAsync(async () =>
    {
        StartHost();
        try
        {
            await HarnessDay().ConfigureAwait(false);
        }
        finally
        {
            StopHost();
        }
    });

    // One day per iteration for both (the harness's needs a fresh host each time): the same job, so the same InvocationCount.
    [IterationSetup(Target = nameof(BareEmulatorDay))]
    public void NothingToStart()
    {
    }

    [Benchmark(Baseline = true)]
    public long BareEmulatorDay()
    {
        var time = new FakeTimeProvider(BareStart);
        var device = new EmulatedDevice(new EmulatorOptions { Sketch = SketchKind.Seed }, new AcknowledgingCloud(), time);
        device.PowerOnAsync().GetAwaiter().GetResult();
        device.RunUntil(BareStart.AddHours(24));
        var sent = device.PublishAttempts.Count(p => p.Result);
        if (sent != ExpectedPublishes)
        {
            throw new InvalidOperationException($"Bare day: {sent} publishes sent, expected {ExpectedPublishes}.");
        }

        return device.LoopCount;
    }

    [IterationSetup(Target = nameof(HarnessDay))]
    public void StartHost() => _host = Fleet.StartAsync(1, TimeSpan.FromMilliseconds(10)).GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> HarnessDay()
    {
        var host = _host!;
        await host.Clock!.AdvanceToAsync(host.Clock.Now.AddHours(24)).ConfigureAwait(false);
        Fleet.Verify(host, ExpectedPublishes, "Harness day");
        return host.Boards[0].Device.LoopCount;
    }

    [IterationCleanup(Target = nameof(HarnessDay))]
    public void StopHost()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = null;
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
