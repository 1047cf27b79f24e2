using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;

namespace ParticleBlynk.Targets.Containers;

/// <summary>
/// The lab image running as a container (one per test run), started by Testcontainers on the host network — the only
/// way in when dockerd runs without a bridge (infra-notes.md) — and ready once it printed its READY line, whose control
/// URL and token this reads from the container's log. Labelled, so a crashed run's leftovers can be removed by label.
/// </summary>
public sealed class LabContainer : IAsyncDisposable
{
    public const string ImageVariable = "E2E_LAB_IMAGE";
    public const string DefaultImage = "particle-blynk-lab:dev";
    public const string Label = "e2e.harness";
    public const string LabelValue = "particle-blynk";

    private readonly IContainer _container;

    private LabContainer(IContainer container, Uri controlUrl, string controlToken)
    {
        _container = container;
        ControlUrl = controlUrl;
        ControlToken = controlToken;
    }

    /// <summary>The image the run uses (E2E_LAB_IMAGE, default particle-blynk-lab:dev, built by scripts/lab-image.sh).</summary>
    public static string Image => Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } image ? image : DefaultImage;

    public Uri ControlUrl { get; }

    public string ControlToken { get; }

    public string Id => _container.Id;

    /// <summary>Starts the image (virtual time, the lab's stdin ignored) and waits for READY.</summary>
    public static async Task<LabContainer> StartAsync(CancellationToken cancellationToken = default)
    {
        var container = new ContainerBuilder(Image)
            .WithImagePullPolicy(PullPolicy.Never) // no registry here: the image is built locally or the run fails saying so
            .WithCreateParameterModifier(p => p.HostConfig!.NetworkMode = "host") // not WithNetwork("host"): infra-notes pitfall 3
            .WithLabel(Label, LabelValue)
            .WithCommand("--virtual-time", "--ignore-stdin")
            .WithAutoRemove(true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("READY \\{"))
            .Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var (stdout, _) = await container.GetLogsAsync(timestampsEnabled: false, ct: cancellationToken).ConfigureAwait(false);
            var ready = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("READY {", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("The lab container logged no READY line on stdout.");
            using var json = JsonDocument.Parse(ready["READY ".Length..]);
            var control = json.RootElement.GetProperty("control");
            return new LabContainer(container, new Uri(control.GetProperty("url").GetString()!), control.GetProperty("token").GetString()!);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
