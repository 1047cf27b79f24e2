using ParticleBlynk.Loop;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud;

/// <summary>The behaviour behind the HTTP front: registry, bus, webhook engine, and how an event enters the cloud.</summary>
internal sealed class ParticleCloudModel(ParticleCloudOptions options, HarnessServices services)
{
    public ParticleCloudOptions Options { get; } = options;

    public HarnessServices Services { get; } = services;

    public DeviceRegistry Registry { get; } = new(options);

    public ParticleEventBus Bus { get; } = new(options.Limits.EventHistory, options.Limits.EventHistoryText);

    public WebhookEngine Webhooks => _webhooks ??= new WebhookEngine(Options, Services, Bus, Registry);

    private WebhookEngine? _webhooks;

    /// <summary>
    /// An event arrives: a journal hop (the journal tells the LED echo from a plain publish), the bus, then one harness
    /// flow per matching webhook, started synchronously so the clock waits for them.
    /// </summary>
    public ParticleEvent Ingest(string name, string data, string coreId, int ttl, string owner, string source, string? deviceId)
    {
        var evt = new ParticleEvent(name, data, Services.Time.GetUtcNow(), coreId, ttl, Bus.NextEventId(), owner);
        Services.Journal.Record(new Hop
        {
            Kind = HopKind.Publish, Source = source, Target = "Particle Cloud", DeviceId = deviceId, EventName = name, Payload = data,
            Reason = $"event {evt.Id}",
        });
        Bus.Publish(evt);
        Webhooks.Dispatch(evt);
        return evt;
    }
}
