using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

// The runner of features/dashboard (see Features.cs: one runner class per feature file).

[FeatureFile("features/dashboard/dashboard.feature")]
public sealed class DashboardFeature(FeatureFixture fixture) : FeatureTests(fixture);
