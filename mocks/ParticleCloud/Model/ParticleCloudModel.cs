using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud;

/// <summary>The behaviour behind the HTTP front: registry, bus, webhook engine, and how an event enters the cloud.</summary>
internal sealed class ParticleCloudModel(ParticleCloudOptions options, HarnessServices services)
{
    public ParticleCloudOptions Options { get; } = options;

    public HarnessServices Services { get; } = services;

    public DeviceRegistry Registry { get; } = new(options);

    public ParticleEventBus Bus { get; } = new();

    public WebhookEngine Webhooks => _webhooks ??= new WebhookEngine(Options, Services, Bus, Registry);

    private WebhookEngine? _webhooks;

    /// <summary>
    /// An event arrives: journal hop (L1, or L6 for the LED echo), the bus, then one harness flow per matching webhook,
    /// started synchronously so the clock waits for them.
    /// </summary>
    public ParticleEvent Ingest(string name, string data, string coreId, int ttl, string owner, Leg leg, string source)
    {
        var evt = new ParticleEvent(name, data, Services.Time.GetUtcNow(), coreId, ttl, Bus.NextEventId(), owner);
        Services.Journal.Record(leg, source, "Particle Cloud", $"publish {name}", data, HopOutcome.Delivered, $"event {evt.Id}");
        Bus.Publish(evt);
        Webhooks.Dispatch(evt);
        return evt;
    }
}
