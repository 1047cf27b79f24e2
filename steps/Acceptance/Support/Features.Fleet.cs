using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

// Runner of features/fleet (see Features.cs).

[FeatureFile("features/fleet/fleet.feature")]
public sealed class FleetFeature(FeatureFixture fixture) : FeatureTests(fixture);
