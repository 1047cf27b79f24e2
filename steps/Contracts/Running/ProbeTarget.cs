using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Contracts.Catalogue;

namespace ParticleBlynk.Contracts.Running;

/// <summary>
/// The service under test. Probes always address the real host names (<c>api.particle.io</c>, <c>ny3.blynk.cloud</c>,
/// <c>blynk.cloud</c>); <see cref="Routes"/> sends them to a lab on 127.0.0.1 with the original Host header kept — that
/// is how the lab's Blynk mock tells the regions apart. A target without routes is a real service.
/// </summary>
public sealed record ProbeTarget
{
    /// <summary>"lab", "lab (flip: …)", "real services".</summary>
    public required string Name { get; init; }

    /// <summary>The Particle Cloud API as the probes address it (scheme and host; no path).</summary>
    public Uri ParticleApi { get; init; } = new("https://api.particle.io");

    /// <summary>The Blynk region server of the device (e.g. ny3.blynk.cloud).</summary>
    public string BlynkRegion { get; init; } = BlynkRegions.Ny3;

    /// <summary>Host name → where requests for it really go (a lab's loopback URL). Empty for real services.</summary>
    public IReadOnlyDictionary<string, Uri> Routes { get; init; } = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);

    public string? ParticleToken { get; init; }

    public string? ParticleDeviceId { get; init; }

    public string? ParticleOfflineDeviceId { get; init; }

    public string? BlynkToken { get; init; }

    /// <summary>The one-time setups the team has made (<see cref="Need.Integration"/>, the probe webhooks).</summary>
    public IReadOnlySet<Need> Setups { get; init; } = new HashSet<Need>();

    /// <summary>Wall-clock time a lab needs for what a real cloud may take seconds for (a webhook chain): waits are cut to this.</summary>
    public TimeSpan LabPatience { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>True when nothing is routed to a lab: requests leave this machine for the real clouds.</summary>
    public bool IsRealService => Routes.Count == 0 && !ParticleApi.IsLoopback;

    /// <summary>The Blynk region servers that are not the device's, in a fixed order (the first is the "wrong region").</summary>
    public IReadOnlyList<string> OtherRegions => [.. BlynkRegions.RegionHosts.Where(h => !h.Equals(BlynkRegion, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Whether the target has what <paramref name="need"/> asks for.</summary>
    public bool Has(Need need) => need switch
    {
        Need.ParticleToken => ParticleToken is not null,
        Need.ParticleDevice => ParticleDeviceId is not null,
        Need.ParticleOfflineDevice => ParticleOfflineDeviceId is not null,
        Need.BlynkToken => BlynkToken is not null,
        _ => Setups.Contains(need),
    };

    /// <summary>How long to wait for something a real cloud may take <paramref name="real"/> for.</summary>
    public TimeSpan Patience(TimeSpan real) => IsRealService || real < LabPatience ? real : LabPatience;

    /// <summary>Every token of the target (for masking).</summary>
    public IEnumerable<string?> Secrets() => [ParticleToken, BlynkToken];
}

/// <summary>Where probes must never go: real services from CI or from tests (there is no internet here, and no test account).</summary>
public static class RealServiceGuard
{
    /// <summary>Variables that mark a CI run.</summary>
    public static IReadOnlyList<string> CiVariables { get; } = ["E2E_CI", "CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD"];

    /// <summary>Null when probing <paramref name="target"/> is allowed; otherwise why not.</summary>
    public static string? Refusal(ProbeTarget target, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(environment);
        if (!target.IsRealService)
        {
            return null;
        }

        var ci = CiVariables.FirstOrDefault(v => !string.IsNullOrEmpty(environment(v)));
        return ci is null
            ? null
            : $"refusing to probe real services from CI ({ci} is set): CI probes the lab; run the real-cloud probes from a workstation or a nightly job without {ci}.";
    }
}
