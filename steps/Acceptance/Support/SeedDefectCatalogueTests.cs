using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>The seed defect catalogue, the feature files' @defect tags and docs/platforms.md name the same defects.</summary>
public sealed class SeedDefectCatalogueTests
{
    [Fact(DisplayName = "Every @defect tag of the features is in the seed defect catalogue, and each defect has its row in docs/platforms.md")]
    public void Catalogue_tags_and_docs_agree()
    {
        // Given the @defect:<id> tags of every feature file and the rows of docs/platforms.md
        var tags = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "features"), "*.feature", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines)
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.StartsWith("@" + KnownDefects.DefectTagPrefix, StringComparison.Ordinal))
            .Select(t => t[(1 + KnownDefects.DefectTagPrefix.Length)..])
            .ToHashSet(StringComparer.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "platforms.md"))
            .Where(l => l.StartsWith("| `seed-", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1].Trim('`'))
            .ToList();

        // Then
        tags.Should().BeEquivalentTo(SeedDefects.All.Select(d => d.Id), "each defect of the features is in SeedDefects.All and back");
        rows.Should().Equal(SeedDefects.All.Select(d => d.Id), "docs/platforms.md has one row per defect, in the catalogue's order");
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

        throw new DirectoryNotFoundException("E2E.sln not found above " + AppContext.BaseDirectory);
    }
}
