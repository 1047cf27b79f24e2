using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

// One runner class per features/*.feature: a class is an xUnit class, so features run in parallel and each stays isolated.
// FeatureCoverageTests fails when a file has no line here, or a line has no file.

[FeatureFile("features/_adapter_smoke.feature")]
public sealed class AdapterSmokeFeature(FeatureFixture fixture) : FeatureTests(fixture);
