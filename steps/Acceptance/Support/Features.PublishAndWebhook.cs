using ParticleBlynk.Gherkin;

namespace ParticleBlynk.Acceptance.Support;

// Runners of the L1 (features/publish) and L2 (features/particle_webhook) features: one class per file (see Features.cs).

[FeatureFile("features/publish/payload.feature")]
public sealed class PayloadFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/publish/rate_limit.feature")]
public sealed class PublishRateLimitFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/publish/offline.feature")]
public sealed class PublishOfflineFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/particle_webhook/rendered_query.feature")]
public sealed class WebhookRenderedQueryFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/particle_webhook/delivery_failures.feature")]
public sealed class WebhookDeliveryFailuresFeature(FeatureFixture fixture) : FeatureTests(fixture);

[FeatureFile("features/particle_webhook/throttling.feature")]
public sealed class WebhookThrottlingFeature(FeatureFixture fixture) : FeatureTests(fixture);
