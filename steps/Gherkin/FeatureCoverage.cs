using System.Reflection;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin;

/// <summary>Guarantees that no .feature file silently does not run: every file has exactly one runner class, every runner a file.</summary>
public static class FeatureCoverage
{
    /// <summary>Compares the .feature files under <paramref name="featuresRoot"/> (relative to the output folder unless rooted) with the runner classes.</summary>
    public static FeatureCoverageReport Inspect(Assembly testAssembly, string featuresRoot)
    {
        var baseDirectory = AppContext.BaseDirectory;
        var root = Path.GetFullPath(Path.Combine(baseDirectory, featuresRoot));
        var files = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.feature", SearchOption.AllDirectories).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal)
            : [];

        var runners = testAssembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(FeatureTests).IsAssignableFrom(t) || t.IsDefined(typeof(FeatureFileAttribute), inherit: false)))
            .Select(t => (Runner: t, File: t.GetCustomAttribute<FeatureFileAttribute>() is { } a ? Path.GetFullPath(Path.Combine(baseDirectory, a.Path)) : null))
            .ToList();

        string Relative(string file) => Path.GetRelativePath(baseDirectory, file).Replace('\\', '/');

        return new FeatureCoverageReport(
            FilesWithoutRunner: files.Except(runners.Select(r => r.File).OfType<string>()).Select(Relative).Order(StringComparer.Ordinal).ToList(),
            RunnersWithoutFile: runners.Where(r => r.File is null || !files.Contains(r.File))
                .Select(r => $"{r.Runner.FullName} -> {(r.File is null ? "no [FeatureFile]" : Relative(r.File))}")
                .Order(StringComparer.Ordinal).ToList(),
            FilesWithSeveralRunners: runners.Where(r => r.File is not null).GroupBy(r => r.File!).Where(g => g.Count() > 1)
                .Select(g => $"{Relative(g.Key)} <- {string.Join(", ", g.Select(r => r.Runner.FullName))}")
                .Order(StringComparer.Ordinal).ToList(),
            FeatureFileCount: files.Count);
    }

    /// <summary>Throws, listing every orphan, unless each .feature file under the root has exactly one runner and each runner a file there.</summary>
    public static void Verify(Assembly testAssembly, string featuresRoot)
    {
        var report = Inspect(testAssembly, featuresRoot);
        if (!report.IsComplete)
        {
            throw new FeatureCoverageException(report.Describe());
        }
    }
}

public sealed record FeatureCoverageReport(
    IReadOnlyList<string> FilesWithoutRunner,
    IReadOnlyList<string> RunnersWithoutFile,
    IReadOnlyList<string> FilesWithSeveralRunners,
    int FeatureFileCount)
{
    public bool IsComplete => FilesWithoutRunner.Count == 0 && RunnersWithoutFile.Count == 0 && FilesWithSeveralRunners.Count == 0;

    public string Describe()
    {
        var lines = new List<string> { $"Feature coverage is incomplete ({FeatureFileCount} .feature files found)." };
        Section("Feature files without a runner class (add `[FeatureFile(\"…\")] public sealed class XFeature(FeatureFixture f) : FeatureTests(f);`):", FilesWithoutRunner);
        Section("Runner classes without a feature file:", RunnersWithoutFile);
        Section("Feature files with more than one runner class:", FilesWithSeveralRunners);
        return string.Join(Environment.NewLine, lines);

        void Section(string title, IReadOnlyList<string> items)
        {
            if (items.Count > 0)
            {
                lines.Add(title);
                lines.AddRange(items.Select(i => "  " + i));
            }
        }
    }
}

public sealed class FeatureCoverageException(string message) : XunitException(message);
