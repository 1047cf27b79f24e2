using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

public sealed class FeatureCoverageTests
{
    [Fact(DisplayName = "Every feature file has exactly one runner")]
    public void Every_feature_file_has_exactly_one_runner()
    {
        // Given the .feature files copied to the output folder and the runner classes in Features.cs
        // When / Then
        FeatureCoverage.Verify(typeof(FeatureCoverageTests).Assembly, "features");
    }
}
