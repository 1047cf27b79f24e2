using System.Text.Json;
using ParticleBlynk.Emulator;
using ParticleBlynk.Timeline;
using BlynkMock = ParticleBlynk.BlynkCloud.BlynkCloud;
using ParticleMock = ParticleBlynk.ParticleCloud.ParticleCloud;

namespace ParticleBlynk.Lab;

/// <summary>Where the lab listens: the ports for the two mocks (0 = the mock's own random free port).</summary>
public sealed record LabPorts(int Particle = 0, int Blynk = 0);

/// <summary>
/// The running lab: both mocks on 127.0.0.1 and the emulated boards on wall-clock time, wired as the emulator target
/// wires them on virtual time (steps/Acceptance/Drivers/EmulatorTarget.cs). Host names stay as the definitions write
/// them: the Blynk region hosts resolve to the Blynk mock, api.particle.io to the Particle mock.
/// </summary>
public sealed class StandaloneLab : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private StandaloneLab(LabConfiguration configuration, HarnessServices services)
    {
        Configuration = configuration;
        Services = services;
    }

    public LabConfiguration Configuration { get; }

    public HarnessServices Services { get; }

    public ParticleMock Particle { get; private set; } = null!;

    public BlynkMock Blynk { get; private set; } = null!;

    public IReadOnlyList<EmulatedDevice> Devices { get; private set; } = [];

    public RealTimeDeviceScheduler Scheduler { get; private set; } = null!;

    /// <summary>The Particle API as clients reach it (the relay when a fixed port was asked for).</summary>
    public Uri ParticleUrl { get; private set; } = null!;

    /// <summary>The Blynk mock as clients reach it, with a trailing slash.</summary>
    public Uri BlynkUrl { get; private set; } = null!;

    public static async Task<StandaloneLab> StartAsync(LabConfiguration configuration, LabPorts ports, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(ports);
        var services = HarnessServices.RealTime();
        services.Journal.HopRecorded += hop => log(hop.ToString());
        var lab = new StandaloneLab(configuration, services);
        try
        {
            await lab.StartPartsAsync(ports).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The one line the lab prints on stdout when it is up: READY {particleUrl, blynkUrl, dashboardUrl, deviceId, particleToken, blynkToken}.</summary>
    public string ReadyLine()
    {
        var device = Configuration.Devices.FirstOrDefault();
        var blynkToken = device?.Token ?? Configuration.Blynk.Devices.FirstOrDefault()?.Token;
        string? dashboard = null;
        if (blynkToken is not null && Configuration.Blynk.Devices.Any(d => d.Token == blynkToken))
        {
            dashboard = new Uri(BlynkUrl, Blynk.DashboardUrl(blynkToken).PathAndQuery.TrimStart('/')).ToString();
        }

        var ready = new
        {
            particleUrl = ParticleUrl.ToString().TrimEnd('/'),
            blynkUrl = BlynkUrl.ToString().TrimEnd('/'),
            dashboardUrl = dashboard,
            deviceId = device?.Id,
            particleToken = Configuration.ParticleToken,
            blynkToken,
        };
        return "READY " + JsonSerializer.Serialize(ready);
    }

    public async ValueTask DisposeAsync()
    {
        // Boards first (they publish into the mocks), then the relays, then the mocks.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
    }

    private async Task StartPartsAsync(LabPorts ports)
    {
        Particle = ParticleMock.Start(Configuration.Particle, Services);
        _owned.Add(Particle);
        Blynk = await BlynkMock.StartAsync(Configuration.Blynk, Services).ConfigureAwait(false);
        _owned.Add(Blynk);
        Blynk.MapHosts();
        Services.Hosts.Map("api.particle.io", Particle.Url);

        ParticleUrl = Particle.Url;
        BlynkUrl = Blynk.Url;
        if (ports.Particle != 0)
        {
            var relay = LoopbackRelay.Start(ports.Particle, Particle.Url.Port);
            _owned.Add(relay);
            ParticleUrl = new UriBuilder(Particle.Url) { Port = relay.Port }.Uri;
        }

        if (ports.Blynk != 0)
        {
            var relay = LoopbackRelay.Start(ports.Blynk, Blynk.Url.Port);
            _owned.Add(relay);
            BlynkUrl = new UriBuilder(Blynk.Url) { Port = relay.Port }.Uri;
        }

        var devices = Configuration.Devices.Select(d => new EmulatedDevice(
            new EmulatorOptions { DeviceId = d.Id, Platform = d.Platform, Sketch = d.Sketch, BlynkToken = d.Token },
            Particle.DeviceGateway,
            Services.Time)).ToList();
        Devices = devices;
        foreach (var device in devices)
        {
            _owned.Add(device);
        }

        Scheduler = RealTimeDeviceScheduler.Start(Services.Time, devices);
        _owned.Add(Scheduler);
    }
}
