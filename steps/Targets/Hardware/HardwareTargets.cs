using ParticleBlynk.Loop;
using ParticleBlynk.SerialBridge;
using ParticleBlynk.Targets.Hardware;

[assembly: LoopTargetPlugin(typeof(HardwareTargets))]

namespace ParticleBlynk.Targets.Hardware;

/// <summary>
/// The hardware plug-in: one board on the bench for the whole run (scenarios run one at a time), followed over its USB
/// serial by one <see cref="SerialLink"/> that survives resets and unplugs.
/// </summary>
public sealed class HardwareTargets : ILoopTargetPlugin
{
    private const string PublicOnly = "target 'hardware' sees only public interfaces (USB serial, the Particle API and event stream, the Blynk HTTPS API)";

    private readonly Lock _gate = new();
    private readonly Lock _logGate = new();
    private readonly HardwareSettings? _settings;
    private readonly string? _missing;
    private SerialLink? _link;
    private WebhookQuotaGuard? _quota;

    public HardwareTargets()
        : this(HardwareSettings.Read())
    {
    }

    internal HardwareTargets((HardwareSettings? Settings, string? Missing) configured)
    {
        (_settings, _missing) = configured;
        Target = new TargetDescriptor
        {
            Name = "hardware",
            Summary = "a real board over USB serial or ser2net, the real Particle Cloud and Blynk Cloud, on real time",
            Lacks = new Dictionary<Capability, string>
            {
                [Capability.VirtualTime] = "target 'hardware' runs on real time: exact instants cannot be asserted",
                [Capability.FaultInjection] = "target 'hardware' cannot inject faults into the real clouds",
                [Capability.DeviceControl] = "target 'hardware' cannot steer a real board's millis(), sensor, cloud link or flashed token",
                [Capability.LedReadback] = "target 'hardware' cannot see the board's D7 LED (its state shows in V17)",
                [Capability.CloudInternals] = PublicOnly,
                [Capability.Browser] = "target 'hardware' has no dashboard to open: the Blynk console is the real one",
                [Capability.Fleet] = "target 'hardware' drives the one board on the bench: a fleet of hundreds runs on the emulator target",
                [Capability.SerialPort] = $"no way to take the board's USB port away: set {HardwareSettings.Prefix}UNPLUG_COMMAND (e.g. uhubctl), which gets $E2E_UNPLUG_SECONDS",
            }.Where(lack => lack.Key != Capability.SerialPort || _settings?.UnplugCommand is null).ToDictionary(),
            Unavailable = () => _missing,
            StartAsync = (spec, cancellationToken) => HardwareTarget.StartAsync(spec, Target!, _settings!, Link(), Quota, cancellationToken),
        };
        Targets = [Target];
    }

    public IReadOnlyList<TargetDescriptor> Targets { get; }

    private TargetDescriptor Target { get; }

    // The bench's Blynk webhook quota outlives a scenario: one guard for the run.
    private WebhookQuotaGuard Quota
    {
        get
        {
            lock (_gate)
            {
                return _quota ??= new WebhookQuotaGuard(_settings!.DeviceId, _settings.BlynkWebhookQuota.Requests, _settings.BlynkWebhookQuota.Window, TimeProvider.System);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_link is not null)
        {
            await _link.DisposeAsync();
        }
    }

    // The link logs from its own task, one line at a time; a log that cannot be written must not stop the link.
    private void AppendLinkLog(string file, string line)
    {
        lock (_logGate)
        {
            try
            {
                File.AppendAllText(file, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}{Environment.NewLine}"));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    // One link for the run: the board keeps its port across scenarios.
    private SerialLink Link()
    {
        lock (_gate)
        {
            return _link ??= SerialLink.Open(new SerialLinkOptions
            {
                Endpoint = SerialEndpoint.Parse(_settings!.Port),
                Log = _settings.LinkLog is { } file ? line => AppendLinkLog(file, line) : null,
            });
        }
    }
}
