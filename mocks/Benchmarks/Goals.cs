using System.Globalization;
using BenchmarkDotNet.Reports;

namespace ParticleBlynk.Benchmarks;

/// <summary>
/// The goal lines bench.sh prints last, computed from the run's own reports (every ratio from one run):
/// <c>P1 harness_day_s=… bare_day_s=… ratio=…</c>, <c>P2 devices=1000 wall_s=…</c> (and the curve),
/// <c>P3 e2e_per_s=… kestrel_per_s=… wiremock_per_s=… kestrel_ratio=… wiremock_ratio=…</c>, each ending with the load
/// average and the thread-pool spin limit it ran at (<c>load=… spin_limit=…</c>). A goal whose benchmarks
/// did not run (filtered out, or failed) says so instead of a number.
/// </summary>
public static class Goals
{
    /// <summary>P1: the harness's day at most this many times the bare emulator's.</summary>
    public const double P1MaxRatio = 1.5;

    /// <summary>P2: 1,000 devices × 1 virtual hour within this many seconds of wall time.</summary>
    public const double P2MaxSeconds = 10;

    /// <summary>P3: end-to-end deliveries per second at least this share of bare Kestrel's requests per second.</summary>
    public const double P3MinKestrelRatio = 0.5;

    /// <summary>P3: … and at least this share of a plain WireMock.Net stub's.</summary>
    public const double P3MinWireMockRatio = 1.0;

    /// <summary>.NET's own thread-pool spin limit, spun when nothing sets another (or a setting is out of range).</summary>
    public const int DefaultSpinLimit = 70;

    /// <summary>
    /// The thread-pool spin limit this process runs with, in decimal: every goal line ends with it, as the figures depend on
    /// it (README "Speed": turning spinning off sped P3 up on a PVM guest and slowed it down on a KVM guest, so the harness
    /// keeps .NET's default of 70). Read from the environment and the runtimeconfig as <see cref="SpinLimitFrom"/> says.
    /// </summary>
    public static string SpinLimit => SpinLimitFrom(
        Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")
        ?? Environment.GetEnvironmentVariable("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit"),
        AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"));

    /// <summary>
    /// The spin limit, in decimal, of a process whose environment variable reads <paramref name="variable"/> (null: unset)
    /// and whose runtimeconfig sets <paramref name="runtimeConfig"/> (null: unset), read as the runtime's
    /// LowLevelLifoSemaphore reads them. DOTNET_ThreadPool_UnfairSemaphoreSpinLimit (or COMPlus_…) wins and is hexadecimal,
    /// with a lower-case "0x" or without ("70" is 112 spins; .NET's default of 70 is "46"); one that does not parse, or is
    /// over <see cref="int.MaxValue"/>, leaves the runtimeconfig's value in force; a limit over 1,000,000 is taken for a
    /// mistake and the default of 70 spun.
    /// </summary>
    public static string SpinLimitFrom(string? variable, object? runtimeConfig)
    {
        if (variable is not null
            && uint.TryParse(variable.StartsWith("0x", StringComparison.Ordinal) ? variable[2..] : variable, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var spins)
            && spins <= int.MaxValue)
        {
            return (spins > 1_000_000 ? DefaultSpinLimit : spins).ToString(CultureInfo.InvariantCulture);
        }

        return Convert.ToString(runtimeConfig, CultureInfo.InvariantCulture) is { Length: > 0 } configured
            ? configured
            : DefaultSpinLimit.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>P2: the largest fleet's cost per board at most this many times the cheapest fleet's from 10 boards up.</summary>
    public const double P2MaxPerBoardGrowth = 1.25;

    /// <summary>The goal lines of a run: its reports' means (<see cref="MeansOf"/>) and its conditions (load, spin limit).</summary>
    /// <param name="summaries">The run's reports.</param>
    /// <param name="load">The load average the run ended at (<see cref="LoadAverage"/>).</param>
    public static IEnumerable<string> Lines(IReadOnlyList<Summary> summaries, string load) =>
        Lines(MeansOf(summaries), $"load={load} spin_limit={SpinLimit}");

    /// <summary>The mean of every benchmark that ran and succeeded: its class, its method, its Devices parameter (P2).</summary>
    public static IReadOnlyList<BenchmarkMean> MeansOf(IReadOnlyList<Summary> summaries) =>
        [.. summaries.SelectMany(s => s.Reports)
            .Where(r => r.Success && r.ResultStatistics is not null)
            .Select(r => new BenchmarkMean(
                r.BenchmarkCase.Descriptor.Type.Name,
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.BenchmarkCase.Parameters.Items.Any(p => p.Name == "Devices")
                    ? Convert.ToInt32(r.BenchmarkCase.Parameters["Devices"], CultureInfo.InvariantCulture)
                    : null,
                r.ResultStatistics!.Mean))];

    /// <summary>
    /// The goal lines from the means of one run (nanoseconds per invocation; P3's per delivery or request), each ending with
    /// <paramref name="conditions"/>. A goal whose benchmarks are missing says so instead of a number. P2 is met when the
    /// 1,000-board hour takes at most <see cref="P2MaxSeconds"/> and its cost grows at most linearly: per board, at most
    /// <see cref="P2MaxPerBoardGrowth"/> × the cheapest fleet's from 10 boards up (a lone board is left out: its loops run
    /// back to back whenever nothing is in flight, a path no fleet takes).
    /// </summary>
    public static IEnumerable<string> Lines(IReadOnlyList<BenchmarkMean> means, string conditions)
    {
        ArgumentNullException.ThrowIfNull(means);
        double? MeanNs(string type, string method) =>
            means.FirstOrDefault(m => m.Type == type && m.Method == method)?.Ns;

        // P1: one virtual day (a whole invocation) through the harness and bare.
        var harnessDay = MeanNs("HarnessDayBenchmark", "HarnessDay");
        var bareDay = MeanNs("HarnessDayBenchmark", "BareEmulatorDay");
        yield return harnessDay is { } h && bareDay is { } b
            ? $"P1 harness_day_s={S(h)} bare_day_s={S(b)} ratio={F(h / b)} goal<={F(P1MaxRatio)} {Verdict(h / b <= P1MaxRatio)} {conditions}"
            : "P1 not measured (HarnessDayBenchmark.HarnessDay/BareEmulatorDay did not run)";

        // P2: N devices × 1 virtual hour (a whole invocation), for each N.
        var fleet = means.Where(m => m.Type == "FleetBenchmark" && m.Devices is not null)
            .Select(m => (Devices: m.Devices!.Value, m.Ns))
            .OrderBy(p => p.Devices)
            .ToList();
        if (fleet.Count == 0)
        {
            yield return "P2 not measured (FleetBenchmark did not run)";
        }
        else
        {
            var curve = string.Join(' ', fleet.Select(p => $"{p.Devices}:{S(p.Ns)}s"));
            var thousand = fleet.Where(p => p.Devices == 1000).Select(p => (double?)p.Ns).FirstOrDefault();
            if (thousand is { } t)
            {
                // Per board, the 1,000-board hour against the cheapest fleet of 10 boards or more (itself included).
                var cheapest = fleet.Where(p => p.Devices >= 10).Min(p => p.Ns / p.Devices);
                var growth = t / 1000 / cheapest;
                var met = t / 1e9 <= P2MaxSeconds && growth <= P2MaxPerBoardGrowth;
                yield return $"P2 devices=1000 wall_s={S(t)} per_board_growth={F(growth)} goal<={F(P2MaxSeconds)},<={F(P2MaxPerBoardGrowth)} {Verdict(met)} curve={curve} {conditions}";
            }
            else
            {
                yield return $"P2 devices=1000 not measured curve={curve} {conditions}";
            }
        }

        // P3: nanoseconds per delivery/request (OperationsPerInvoke) → per second.
        var e2e = MeanNs("DeliveryThroughputBenchmark", "EndToEnd");
        var kestrel = MeanNs("DeliveryThroughputBenchmark", "BareKestrel");
        var wiremock = MeanNs("DeliveryThroughputBenchmark", "WireMockStub");
        if (e2e is { } e && kestrel is { } k && wiremock is { } w)
        {
            double ePerS = 1e9 / e, kPerS = 1e9 / k, wPerS = 1e9 / w;
            var met = ePerS / kPerS >= P3MinKestrelRatio && ePerS / wPerS >= P3MinWireMockRatio;
            yield return $"P3 e2e_per_s={ePerS:F0} kestrel_per_s={kPerS:F0} wiremock_per_s={wPerS:F0} kestrel_ratio={F(ePerS / kPerS)} wiremock_ratio={F(ePerS / wPerS)} goal>={F(P3MinKestrelRatio)},>={F(P3MinWireMockRatio)} {Verdict(met)} {conditions}";
        }
        else
        {
            yield return "P3 not measured (DeliveryThroughputBenchmark.EndToEnd/BareKestrel/WireMockStub did not run)";
        }
    }

    /// <summary>The 1-minute load average now (the machine's load the figures were measured at), or "?" off Linux.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string S(double ns) => (ns / 1e9).ToString("F3", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}

/// <summary>One benchmark's mean in a run: its class and method, its Devices parameter (FleetBenchmark), nanoseconds per invocation.</summary>
public sealed record BenchmarkMean(string Type, string Method, int? Devices, double Ns);
