namespace ParticleBlynk.Gherkin.Tests;

public sealed class FeatureCoverageTests
{
    [Fact]
    public void Lists_a_feature_file_without_a_runner_class()
    {
        // Given / When
        var report = FeatureCoverage.Inspect(typeof(FeatureCoverageTests).Assembly, "Fixtures/Coverage");

        // Then
        report.FeatureFileCount.Should().Be(2);
        report.FilesWithoutRunner.Should().Equal("Fixtures/Coverage/orphan.feature");
    }

    [Fact]
    public void Lists_a_runner_class_whose_feature_file_is_gone()
    {
        // Given / When
        var report = FeatureCoverage.Inspect(typeof(FeatureCoverageTests).Assembly, "Fixtures/Coverage");

        // Then
        report.RunnersWithoutFile.Should().Contain(r => r.Contains(nameof(DeletedFeatureProbe)) && r.Contains("Fixtures/Coverage/deleted.feature"));
        report.RunnersWithoutFile.Should().NotContain(r => r.Contains(nameof(CoveredProbe)));
    }

    [Fact]
    public void Verify_fails_listing_the_orphans_both_ways()
    {
        // Given / When
        var verify = () => FeatureCoverage.Verify(typeof(FeatureCoverageTests).Assembly, "Fixtures/Coverage");

        // Then
        verify.Should().Throw<FeatureCoverageException>()
            .WithMessage("*without a runner class*orphan.feature*Runner classes without a feature file*deleted.feature*");
    }
}
