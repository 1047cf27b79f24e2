namespace ParticleBlynk.Gherkin.Tests;

// Runner-like classes for FeatureScenariosAttribute and FeatureCoverage; not FeatureTests, so xUnit does not run them as tests.

[FeatureFile("Fixtures/led_echo.feature")]
internal sealed class LedEchoProbe
{
    public static Task Scenario(string id) => Task.FromResult(id);
}

[FeatureFile("Fixtures/broken.feature")]
internal sealed class BrokenProbe
{
    public static Task Scenario(string id) => Task.FromResult(id);
}

[FeatureFile("Fixtures/no_such.feature")]
internal sealed class MissingFileProbe
{
    public static Task Scenario(string id) => Task.FromResult(id);
}

[FeatureFile("Fixtures/Coverage/covered.feature")]
internal sealed class CoveredProbe;

[FeatureFile("Fixtures/Coverage/deleted.feature")]
internal sealed class DeletedFeatureProbe;
