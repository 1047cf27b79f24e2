using System.Diagnostics;
using System.Globalization;

namespace ParticleBlynk.Benchmarks;

/// <summary>
/// Warms a benchmark until tiered compilation has settled. The harness's paths are re-compiled (tier 0, instrumented,
/// optimised) for tens of thousands of deliveries or several virtual days — long after BenchmarkDotNet's own warm-up of a
/// few invocations has ended, so its measured iterations still trended down. The goals are about the steady state.
/// </summary>
public static class JitWarmUp
{
    /// <summary>
    /// Runs <paramref name="invocation"/> until the JIT has spent under 1 % of an invocation's time compiling, three
    /// invocations in a row (at most <paramref name="cap"/>, default 2 minutes; the console says how it ended).
    /// </summary>
    public static async Task UntilQuietAsync(Func<Task> invocation, TimeSpan? cap = null)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var limit = cap ?? TimeSpan.FromMinutes(2);
        var started = Stopwatch.StartNew();
        var quiet = 0;
        var rounds = 0;
        while (quiet < 3 && started.Elapsed < limit)
        {
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var round = Stopwatch.StartNew();
            await invocation().ConfigureAwait(false);
            quiet = System.Runtime.JitInfo.GetCompilationTime() - jit < round.Elapsed / 100 ? quiet + 1 : 0;
            rounds++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// warm-up: {rounds} invocations in {started.Elapsed.TotalSeconds:F1} s, JIT {(quiet >= 3 ? "quiet" : "still compiling at the cap")}; thread-pool spin limit {Goals.SpinLimit}"));
    }
}
