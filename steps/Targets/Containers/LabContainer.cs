using System.Globalization;
using System.Net.Http.Headers;
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

    /// <summary>
    /// The lab's lease (--exit-when-idle): with no control request for this long it stops, and auto-remove deletes the
    /// container — what is left of a crashed or killed run goes away by itself. The target renews it (<see cref="Renewal"/>).
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How often the harness renews the lease while the run lives, scenario or not.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(20);

    private readonly IContainer _container;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private LabContainer(IContainer container, Uri controlUrl, string controlToken, TimeSpan? renewal)
    {
        _container = container;
        ControlUrl = controlUrl;
        ControlToken = controlToken;
        _renewing = renewal is { } every ? RenewLeaseAsync(every, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>The image the run uses (E2E_LAB_IMAGE, default particle-blynk-lab:dev, built by scripts/lab-image.sh).</summary>
    public static string Image => ImageFrom(Environment.GetEnvironmentVariable);

    /// <summary><see cref="Image"/> from an environment lookup (tests pass their own: the process environment is shared).</summary>
    internal static string ImageFrom(Func<string, string?> environment) =>
        environment(ImageVariable) is { Length: > 0 } image ? image : DefaultImage;

    public Uri ControlUrl { get; }

    public string ControlToken { get; }

    public string Id => _container.Id;

    /// <summary>Starts the image (virtual time, the lab's stdin ignored) and waits for READY.</summary>
    public static Task<LabContainer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(Image, Lease, Renewal, cancellationToken);

    /// <summary>
    /// Starts <paramref name="image"/> with its own lease; a null <paramref name="renewal"/> never renews it, as a crashed
    /// run would not (tests prove that such a container goes away by itself).
    /// </summary>
    internal static async Task<LabContainer> StartAsync(string image, TimeSpan lease, TimeSpan? renewal, CancellationToken cancellationToken)
    {
        var container = new ContainerBuilder(image)
            .WithImagePullPolicy(PullPolicy.Never) // no registry here: the image is built locally or the run fails saying so
            .WithCreateParameterModifier(p => p.HostConfig!.NetworkMode = "host") // not WithNetwork("host"): infra-notes pitfall 3
            .WithLabel(Label, LabelValue)
            .WithCommand("--virtual-time", "--ignore-stdin", "--exit-when-idle", lease.ToString("c", CultureInfo.InvariantCulture))
            .WithAutoRemove(true)
            // READY comes ~1 s after start: look every 100 ms, not at the default second.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("READY \\{", w => w.WithInterval(TimeSpan.FromMilliseconds(100)).WithTimeout(TimeSpan.FromMinutes(1))))
            .Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var (stdout, _) = await container.GetLogsAsync(timestampsEnabled: false, ct: cancellationToken).ConfigureAwait(false);
            var ready = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("READY {", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("The lab container logged no READY line on stdout.");
            using var json = JsonDocument.Parse(ready["READY ".Length..]);
            var control = json.RootElement.GetProperty("control");
            return new LabContainer(container, new Uri(control.GetProperty("url").GetString()!), control.GetProperty("token").GetString()!, renewal);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
        await _container.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Any authorised request renews the lease: the list of sessions is the cheapest.</summary>
    private async Task RenewLeaseAsync(TimeSpan every, CancellationToken stop)
    {
        var sessions = new Uri(ControlUrl.AbsoluteUri.TrimEnd('/') + "/sessions");
        try
        {
            while (true)
            {
                await Task.Delay(every, stop).ConfigureAwait(false);
                using var request = new HttpRequestMessage(HttpMethod.Get, sessions);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ControlToken);
                try
                {
                    using var response = await _http.SendAsync(request, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !stop.IsCancellationRequested))
                {
                    // The scenario that needs the lab will say what is wrong with it; the renewal only keeps it alive.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
