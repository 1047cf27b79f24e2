using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.LoopHost;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ParticleBlynk.Benchmarks;

/// <summary>
/// P3: end-to-end deliveries per second against bare Kestrel and a plain WireMock.Net stub, all three in one run
/// (<see cref="Goals"/> turns the means into the P3 line; the mean of each method is nanoseconds per delivery/request).
/// <list type="bullet">
/// <item><see cref="EndToEnd"/>: the acceptance tests' own loop — <see cref="LoopHost.LoopHost"/> on virtual time with
/// <see cref="LabConfiguration.ForScenario"/> of the standard <see cref="LabSpec"/> (the doc's webhook verbatim, the doc's
/// Blynk template, host names mapped to the mocks); its board powered on and connected. Each delivery is a publish of the
/// seed firmware's payload through the board's device link (<see cref="ParticleBlynk.ParticleCloud.ParticleCloud.DeviceGateway"/>,
/// what <c>Particle.publish</c> calls), which the Particle mock ingests and its webhook sends as an HTTPS GET
/// batch/update (over HTTP on 127.0.0.1 through the harness host map) to the Blynk mock. The next publish waits until the
/// harness work has settled (<see cref="WorkTracker.WhenSettledAsync"/>, what the virtual clock waits on before each step)
/// and the Blynk mock has stored that delivery's V14 value (a distinct millis each time; a missing one throws). Virtual
/// time does not move: the firmware's own 1-per-second publish limit is not what is measured.</item>
/// <item><see cref="BareKestrel"/>: sequential GETs to a minimal Kestrel app on 127.0.0.1 answering 200 OK, with the
/// same HttpClient setup as the webhook delivery (<see cref="HostMap.CreateClient"/>).</item>
/// <item><see cref="WireMockStub"/>: the same GETs to a WireMockServer on 127.0.0.1 with one mapping answering 200
/// (its defaults, as a plain stub is usually started).</item>
/// </list>
/// Each case starts only its own side (a WireMock stub keeps every request it served, which would weigh on the other
/// cases' heap), and is warmed until the JIT is quiet (<see cref="JitWarmUp"/>): tiered compilation keeps
/// re-compiling the delivery path for some 20,000 deliveries, long after BenchmarkDotNet's own warm-up has ended. P3 is
/// about the steady state.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
[Config(typeof(PatientBuild))]
public class DeliveryThroughputBenchmark
{
    /// <summary>Deliveries (or requests) per invocation.</summary>
    public const int N = 500;

    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(30);

    private LoopHost.LoopHost? _loop;
    private LabSpec _spec = null!;
    private IParticleCloudLink _link = null!;
    private uint _millis;

    private WebApplication? _kestrel;
    private Uri _kestrelUrl = null!;
    private WireMockServer? _wireMock;
    private Uri _wireMockUrl = null!;
    private HttpClient? _client;

    [GlobalSetup(Target = nameof(EndToEnd))]
    public async Task SetupEndToEndAsync()
    {
        _spec = LabSpec.Standard();
        _loop = await LoopHost.LoopHost.StartAsync(LabConfiguration.ForScenario(_spec), new LoopHostOptions { VirtualTime = true });
        var board = _loop.Board(_spec.DeviceId);
        await board.Device.PowerOnAsync();
        await _loop.Clock!.AdvanceUntilAsync(() => board.IsReady, TimeSpan.FromMinutes(1));
        if (!board.IsReady)
        {
            throw new InvalidOperationException("The board did not connect.");
        }

        await _loop.Clock.AdvanceAsync(TimeSpan.FromSeconds(2)); // its boot publish delivered
        _link = _loop.Particle.DeviceGateway;
        await JitWarmUp.UntilQuietAsync(EndToEnd);
    }

    [GlobalSetup(Target = nameof(BareKestrel))]
    public async Task SetupKestrelAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _kestrel = builder.Build();
        _kestrel.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        await _kestrel.StartAsync();
        var address = _kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _kestrelUrl = new Uri(new Uri(address), "/external/api/batch/update?token=x&V14=1");
        _client ??= new HostMap().CreateClient(null);
        await JitWarmUp.UntilQuietAsync(BareKestrel);
    }

    [GlobalSetup(Target = nameof(WireMockStub))]
    public async Task SetupWireMockAsync()
    {
        _wireMock = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        _wireMock.Given(Request.Create().WithPath("/external/api/batch/update").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        _wireMockUrl = new Uri($"http://127.0.0.1:{_wireMock.Ports[0].ToString(CultureInfo.InvariantCulture)}/external/api/batch/update?token=x&V14=1");
        _client ??= new HostMap().CreateClient(null);
        await JitWarmUp.UntilQuietAsync(WireMockStub);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client?.Dispose();
        _client = null;
        _wireMock?.Stop();
        _wireMock?.Dispose();
        _wireMock = null;
        if (_kestrel is not null)
        {
            await _kestrel.DisposeAsync();
            _kestrel = null;
        }

        if (_loop is not null)
        {
            await _loop.DisposeAsync();
            _loop = null;
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public async Task EndToEnd()
    {
        var loop = _loop ?? throw new InvalidOperationException("The lab is not started.");
        for (var i = 0; i < N; i++)
        {
            var millis = ++_millis;
            var data = string.Create(CultureInfo.InvariantCulture, $"{{\"t\":\"{_spec.BlynkToken}\",\"v14\":{millis},\"v15\":1.650000,\"v16\":0,\"v17\":0}}");
            if (!_link.Publish(new DeviceEvent(_spec.DeviceId, "blynk_https_get", data, PublishFlags.Private)))
            {
                throw new InvalidOperationException($"Publish {millis} refused.");
            }

            await loop.Services.Work.WhenSettledAsync(Watchdog);
            var stored = loop.Blynk.Value(_spec.BlynkToken, "V14");
            if (stored != millis.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"Delivery {millis} missing: the Blynk mock holds V14={stored ?? "nothing"}.");
            }
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public Task BareKestrel() => GetAllAsync(_kestrelUrl);

    [Benchmark(OperationsPerInvoke = N)]
    public Task WireMockStub() => GetAllAsync(_wireMockUrl);

    private async Task GetAllAsync(Uri url)
    {
        var client = _client ?? throw new InvalidOperationException("The client is not created.");
        for (var i = 0; i < N; i++)
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Request {i} answered {(int)response.StatusCode}.");
            }
        }
    }
}

/// <summary>BenchmarkDotNet's own build of the job gives up after 2 minutes; on a loaded 2-core machine it took longer.</summary>
public sealed class PatientBuild : BenchmarkDotNet.Configs.ManualConfig
{
    public PatientBuild() => BuildTimeout = TimeSpan.FromMinutes(10);
}
