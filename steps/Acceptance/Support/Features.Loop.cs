using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

[FeatureFile("features/function_call/blynk_led.feature")]
public sealed class BlynkLedFunctionFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/blynk_webhook/blynk_webhook.feature")]
public sealed class BlynkWebhookFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/blynk_datastreams/datastreams.feature")]
public sealed class DatastreamsFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/led_echo/echo_by_platform.feature")]
public sealed class EchoByPlatformFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/timing/timing.feature")]
public sealed class TimingFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/doc/testing_steps.feature")]
public sealed class DocTestingStepsFeature(FeatureFixture fixture) : FeatureTests(fixture);
