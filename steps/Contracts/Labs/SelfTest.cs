using System.Diagnostics;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Labs;

/// <summary>One flip's outcome: which probes reported drift (at least one must).</summary>
public sealed record FlipResult(LabFlip Flip, IReadOnlyList<ProbeResult> Results, TimeSpan Duration, string? Failure = null)
{
    public IReadOnlyList<ProbeResult> Drifts => [.. Results.Where(r => r.Verdict == Verdict.Drift)];

    public bool Detected => Failure is null && Drifts.Count > 0;

    /// <summary>Whether one of the probes the flip concerns was among those that caught it.</summary>
    public bool CaughtByItsProbe => Drifts.Any(d => Flip.Concerns.Contains(d.Probe.Id));
}

/// <summary>
/// The mutation self-test: the probe lab with each flip applied, the catalogue run against it, compared with the
/// documented defaults. A flip no probe reports as drift fails the self-test. Slow probes run only for the flips that
/// concern them; several labs run at once.
/// </summary>
public static class SelfTest
{
    public static async Task<IReadOnlyList<FlipResult>> RunAsync(
        ILabStarter starter,
        LabTokens tokens,
        IReadOnlyList<LabFlip> flips,
        int parallel = 3,
        Action<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(starter);
        ArgumentNullException.ThrowIfNull(flips);
        var baseline = ProbeLab.Configuration(tokens);
        using var gate = new SemaphoreSlim(Math.Max(1, parallel));
        var runs = flips.Select(async flip =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await RunFlipAsync(starter, tokens, baseline, flip, cancellationToken).ConfigureAwait(false);
                progress?.Invoke($"{(result.Detected ? "detected  " : "UNDETECTED")} {flip.Name}: "
                    + (result.Failure ?? (result.Drifts.Count == 0 ? "no probe reported drift" : string.Join(", ", result.Drifts.Select(d => d.Probe.Id)))));
                return result;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private static async Task<FlipResult> RunFlipAsync(ILabStarter starter, LabTokens tokens, System.Text.Json.Nodes.JsonObject baseline, LabFlip flip, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await using var lab = await starter.StartAsync(flip.On(baseline), "flip " + flip.Name, cancellationToken).ConfigureAwait(false);
            var target = ProbeLab.Target("lab (flip: " + flip.Name + ")", lab.Endpoints, tokens);
            using var transport = new ProbeTransport(target, RunSecrets.For(target));
            var results = await ProbeRunner.RunAsync(
                ContractCatalogue.All,
                transport,
                new RunOptions { Select = p => !p.Slow || flip.Concerns.Contains(p.Id) },
                cancellationToken).ConfigureAwait(false);
            return new FlipResult(flip, results, watch.Elapsed);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or ArgumentException or InvalidDataException)
        {
            return new FlipResult(flip, [], watch.Elapsed, "the flipped lab did not run: " + ex.Message);
        }
    }
}
