using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Artifacts go beside the binaries, not into the repository root.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(ParticleBlynk.Emulator.Benchmarks.VirtualDayBenchmark).Assembly)
    .Run(args.Length == 0 ? ["--filter", "*"] : args, config);
