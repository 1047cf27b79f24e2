namespace ParticleBlynk.Gherkin.Tests;

public sealed class FeatureTestsTests
{
    // Not discovered by xUnit (no [FeatureScenarios] rows reach it): its Scenario is called directly.
    [FeatureFile("Fixtures/no_such.feature")]
    private sealed class MissingFileRunner(FeatureFixture fixture) : FeatureTests(fixture);

    [FeatureFile("Fixtures/broken.feature")]
    private sealed class BrokenRunner(FeatureFixture fixture) : FeatureTests(fixture);

    [Fact]
    public async Task Fails_the_case_of_a_missing_file_naming_the_path()
    {
        // Given
        await using var fixture = new FeatureFixture();
        var runner = new MissingFileRunner(fixture);

        // When
        var run = () => runner.Scenario(FeatureLoadError.CaseId);

        // Then
        (await run.Should().ThrowAsync<FeatureFileException>()).WithMessage("*Fixtures/no_such.feature*does not exist*");
    }

    [Fact]
    public async Task Fails_the_case_of_a_broken_file_with_the_parsers_message()
    {
        // Given
        await using var fixture = new FeatureFixture();
        var runner = new BrokenRunner(fixture);

        // When
        var run = () => runner.Scenario(FeatureLoadError.CaseId);

        // Then
        (await run.Should().ThrowAsync<FeatureFileException>()).WithMessage("*(5:5): expected:*");
    }
}
