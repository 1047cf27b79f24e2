using ParticleBlynk.Loop;
using ParticleBlynk.Targets.Containers;

[assembly: LoopTargetPlugin(typeof(ContainerTargets))]

namespace ParticleBlynk.Targets.Containers;

/// <summary>
/// The containers plug-in: one lab container for the run (started at the first scenario, stopped with the run), one
/// session in it per scenario. Every capability is there: the lab is a mock (its internals are its control API), the
/// boards are emulated, time is virtual, and the dashboard is on the host network for Chromium.
/// </summary>
public sealed class ContainerTargets : ILoopTargetPlugin
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _image;
    private LabContainer? _lab;
    private string? _failed;

    public ContainerTargets()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>The plug-in as <paramref name="environment"/> configures it (DOCKER_HOST, E2E_LAB_IMAGE); tests pass their own.</summary>
    internal ContainerTargets(Func<string, string?> environment)
    {
        _image = LabContainer.ImageFrom(environment);
        TargetDescriptor? target = null;
        target = new TargetDescriptor
        {
            Name = "containers",
            Summary = $"the lab image ({_image}) in a container via Testcontainers: both mocks and the board inside, reached over HTTP; virtual time driven through the control API",
            Lacks = new Dictionary<Capability, string>
            {
                [Capability.SerialPort] = "the boards in the lab container print to an in-process serial: there is no port to pull (scripts/hardware-selftest.sh runs these scenarios on a board behind a tty)",
                [Capability.Fleet] = "target 'containers' starts the lab image with one board per scenario and its control API steers that board: fleets run on the emulator target",
            },
            Unavailable = () => DockerAvailability.Reason(environment) ?? _failed,
            StartAsync = async (spec, cancellationToken) => await RemoteLabTarget.StartAsync(target!, spec, await LabAsync(cancellationToken), cancellationToken),
        };
        Targets = [target];
    }

    public IReadOnlyList<TargetDescriptor> Targets { get; }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task<LabContainer> LabAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_failed is not null)
            {
                throw new TargetCannotRunException(_failed);
            }

            return _lab ??= await LabContainer.StartAsync(_image, LabContainer.Lease, LabContainer.Renewal, cancellationToken);
        }
        catch (Exception ex) when (ex is not TargetCannotRunException and not OperationCanceledException)
        {
            // The image or the engine is broken: every later scenario fails fast with the same reason, not 96 times slowly.
            _failed = $"the lab container did not start: {ex.Message}";
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Whether a Docker engine answers here (a developer machine without Docker skips the target, saying so).</summary>
internal static class DockerAvailability
{
    public static string? Reason() => Reason(Environment.GetEnvironmentVariable);

    /// <summary>The same from an environment lookup (tests pass their own: the process environment is shared).</summary>
    public static string? Reason(Func<string, string?> environment)
    {
        var host = environment("DOCKER_HOST");
        if (host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return null; // a remote engine: Testcontainers tells if it is not there
        }

        var socket = host is { Length: > 0 } ? host["unix://".Length..] : "/var/run/docker.sock";
        return File.Exists(socket)
            ? null
            : $"no Docker engine here ({socket} is missing): E2E_TARGET=containers bash scripts/acceptance.sh installs and starts one, builds the image and runs this target";
    }
}
