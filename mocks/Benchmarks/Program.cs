using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ParticleBlynk.Benchmarks;

// bash scripts/bench.sh runs every benchmark here and ends with one line per goal (Goals.Lines); raw reports go to the
// artifacts folder it passes (--artifacts results/bench-…). Any other arguments are BenchmarkDotNet's own.
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.JoinSummary);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Goals).Assembly)
    .Run(args.Length == 0 ? ["--filter", "*"] : args, config)
    .ToList();
foreach (var line in Goals.Lines(summaries, Goals.LoadAverage()))
{
    Console.WriteLine(line);
}

return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
