using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>docs/faults.md, the code's catalogue and the scenarios agree: every fault has its row, step and scenario.</summary>
public sealed class FaultCatalogueTests
{
    [Fact(DisplayName = "docs/faults.md lists every fault of the catalogue, each with a scenario that exists")]
    public void Every_fault_has_its_row_and_its_scenario()
    {
        // Given the table and the scenarios of the feature files
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "faults.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => cells[6]);
        var scenarios = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "features"), "*.feature", SearchOption.AllDirectories)
            .Select(f => FeatureCatalog.Load(Path.GetRelativePath(AppContext.BaseDirectory, f), AppContext.BaseDirectory))
            .SelectMany(f => f.Scenarios)
            .Select(s => s.Title)
            .ToHashSet(StringComparer.Ordinal);

        // Then
        rows.Keys.Should().BeEquivalentTo(FaultCatalogue.All.Select(c => c.Kind.ToString()), "one row per fault of FaultCatalogue");
        Enum.GetValues<FaultKind>().Should().BeEquivalentTo(FaultCatalogue.All.Select(c => c.Kind), "the catalogue has a card per fault");
        foreach (var (fault, titles) in rows)
        {
            foreach (var title in titles.Split("; ", StringSplitOptions.TrimEntries))
            {
                scenarios.Should().Contain(title, $"{fault}'s scenario \"{title}\" is in features/");
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "E2E.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (E2E.sln) is not above " + AppContext.BaseDirectory);
    }
}
