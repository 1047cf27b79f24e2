using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

// One runner class per features/*.feature: a class is an xUnit class, so features run in parallel and each stays isolated.
// FeatureCoverageTests fails when a file has no line here, or a line has no file.

[FeatureFile("features/loop/boot_publish.feature")]
public sealed class BootPublishFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/led_echo/led_echo.feature")]
public sealed class LedEchoFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/loop/publish_cadence.feature")]
public sealed class PublishCadenceFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/defects/seed_defects.feature")]
public sealed class SeedDefectsFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/hardware/serial_link.feature")]
public sealed class SerialLinkFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/faults/fault_catalogue.feature")]
public sealed class FaultCatalogueFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/faults/firmware_under_faults.feature")]
public sealed class FirmwareUnderFaultsFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/vocabulary/review_cases.feature")]
public sealed class ReviewCasesFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/platforms/device_os.feature")]
public sealed class DeviceOsFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/blynk_webhook/v16_feedback.feature")]
public sealed class V16FeedbackFeature(FeatureFixture fixture) : FeatureTests(fixture);
