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
    private LabContainer? _lab;
    private string? _failed;

    public ContainerTargets()
    {
        TargetDescriptor? target = null;
        target = new TargetDescriptor
        {
            Name = "containers",
            Summary = $"the lab image ({LabContainer.Image}) in a container via Testcontainers: both mocks and the board inside, reached over HTTP; virtual time driven through the control API",
            Unavailable = () => DockerAvailability.Reason() ?? _failed,
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

            return _lab ??= await LabContainer.StartAsync(cancellationToken);
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
    public static string? Reason()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return null; // a remote engine: Testcontainers tells if it is not there
        }

        var socket = host is { Length: > 0 } ? host["unix://".Length..] : "/var/run/docker.sock";
        return File.Exists(socket)
            ? null
            : $"no Docker engine here ({socket} is missing): bash scripts/containers.sh installs and starts one, builds the image and runs this target";
    }
}
