using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ParticleBlynk.LoopHost;
using BlynkDevice = ParticleBlynk.BlynkCloud.DeviceOptions;

namespace ParticleBlynk.Benchmarks;

/// <summary>
/// P2 (issue 13): N Borons running the seed with a 100 ms loop for one virtual hour from power-on, through both mocks:
/// 12 publishes each (the boot publish and one every 300,100 ms), every one delivered by the Particle webhook over HTTP
/// to the Blynk mock and stored there. Checks all N × 12 were stored, and throws otherwise. The mocks start (and the
/// boards power on at the start instant) in the iteration's setup; the measured part is the virtual hour.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessJob))]
public class FleetBenchmark
{
    /// <summary>Publishes per device in the hour.</summary>
    public const int PublishesPerDevice = 12;

    private LoopHost.LoopHost? _host;

    [Params(1, 10, 100, 1000)]
    public int Devices { get; set; }

    [IterationSetup]
    public void StartHost() => _host = Fleet.StartAsync(Devices, TimeSpan.FromMilliseconds(100)).GetAwaiter().GetResult();

    [Benchmark]
    public async Task<int> FleetHour()
    {
        var host = _host!;
        await host.Clock!.AdvanceToAsync(host.Clock.Now.AddHours(1)).ConfigureAwait(false);
        return Fleet.Verify(host, PublishesPerDevice * Devices, "Fleet hour");
    }

    [IterationCleanup]
    public void StopHost()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = null;
    }
}

/// <summary>A loop host on virtual time with N seed Borons, each with its own Blynk device and token (the demo lab's setup).</summary>
internal static class Fleet
{
    public static Task<LoopHost.LoopHost> StartAsync(int devices, TimeSpan loopInterval)
    {
        var demo = LabConfiguration.Load(DemoLab());
        var board = demo.Devices[0];
        var blynkDevice = demo.Blynk.Devices[0];
        var boards = new List<BoardOptions>(devices);
        var blynkDevices = new List<BlynkDevice>(devices);
        for (var i = 1; i <= devices; i++)
        {
            var token = "fleet" + i.ToString("D27", CultureInfo.InvariantCulture); // 32 chars
            boards.Add(board with
            {
                Id = "e00fce68" + i.ToString("x16", CultureInfo.InvariantCulture),
                Name = "fleet_" + i.ToString(CultureInfo.InvariantCulture),
                Token = token,
                LoopInterval = loopInterval,
                PowerOn = PowerOn.AtStart,
            });
            blynkDevices.Add(blynkDevice with { Id = i, Token = token, Name = "Fleet " + i.ToString(CultureInfo.InvariantCulture) });
        }

        var configuration = demo with
        {
            Devices = [.. boards],
            Blynk = demo.Blynk with { Devices = blynkDevices, Webhooks = [] },
        };
        return LoopHost.LoopHost.StartAsync(configuration, new LoopHostOptions { VirtualTime = true });
    }

    // BenchmarkDotNet runs a copy of this assembly built elsewhere (without the loop host's content files): the demo lab
    // is read from the repository, found above wherever the benchmark runs.
    private static string DemoLab()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "mocks", "Lab", "demo-lab.json");
            if (File.Exists(file))
            {
                return file;
            }
        }

        return LabConfiguration.DemoFile;
    }

    /// <summary>
    /// Every publish the boards sent was stored on the Blynk mock (one raw V14 history point each) and there were
    /// <paramref name="expected"/> of them; throws otherwise. Returns the number stored.
    /// </summary>
    public static int Verify(LoopHost.LoopHost host, int expected, string what)
    {
        var sent = 0;
        var stored = 0;
        foreach (var board in host.Boards)
        {
            sent += board.Device.PublishAttempts.Count(p => p.Result);
            stored += host.Blynk.History(board.Options.Token, "V14").Count;
        }

        if (sent != expected || stored != expected)
        {
            throw new InvalidOperationException($"{what}: {sent} publishes sent and {stored} stored on the Blynk mock, expected {expected} of each.");
        }

        return stored;
    }
}

/// <summary>
/// The short job of the speed goals (1 launch, 3 warm-ups, 3 iterations), run in the benchmark process itself: on the
/// shared 2-core machine BenchmarkDotNet's per-job project build hit its 2-minute timeout at a load of 13–18, and the
/// in-process toolchain builds nothing (the process is bench.sh's Release build). Three warm-ups, not one: at a load
/// of 11–15 the first two or three virtual days through the harness took 2.3–4.8 s and the next 0.26–0.58 s — the HTTP
/// stack (Kestrel, HttpClient, the mocks) runs unoptimized tier-0 code until the starved background compiler catches up.
/// </summary>
internal class ShortInProcessJob : ManualConfig
{
    public ShortInProcessJob()
        : this(warmups: 3, iterations: 3)
    {
    }

    protected ShortInProcessJob(int warmups, int iterations) =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations).WithToolchain(InProcessEmitToolchain.Instance));
}

/// <summary>
/// P1's job: six warm-ups, five iterations (a day is ~0.3 s, and the shared machine's load swings the bare day alone
/// between 0.13 and 0.38 s). A virtual day makes only 288 deliveries, so the process takes more days than the fleet's
/// 12,000-delivery hour to finish compiling the HTTP stack's optimized code: at load 14 the first four days took 1.3–2.6 s
/// and the fifth 0.24 s — the device loops themselves ran slow meanwhile, sharing 2 cores with the background compiler.
/// </summary>
internal sealed class DayInProcessJob : ShortInProcessJob
{
    public DayInProcessJob()
        : base(warmups: 6, iterations: 5)
    {
    }
}
