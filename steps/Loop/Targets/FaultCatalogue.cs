namespace ParticleBlynk.Loop;

/// <summary>The faults the harness can inject, one per failure a real setup meets (docs/faults.md lists them).</summary>
public enum FaultKind
{
    /// <summary>The Particle API answers after <see cref="Fault.Latency"/> (L4: the Blynk webhook's function call waits).</summary>
    ParticleApiSlow,

    /// <summary>The Particle API resets every connection (L4).</summary>
    ParticleApiUnreachable,

    /// <summary>The Particle API answers a server error, <see cref="Fault.Status"/> (default 503) (L4).</summary>
    ParticleApiError,

    /// <summary>The Particle API answers 429 Too Many Requests (L4: its 10,000 requests / 5 min per IP).</summary>
    ParticleApiRateLimited,

    /// <summary>The Particle event stream drops every open connection and refuses new ones (what a reader sees of L1/L2/L6).</summary>
    EventStreamDropped,

    /// <summary>The Blynk HTTPS API answers its writes after <see cref="Fault.Latency"/> (L2).</summary>
    BlynkSlow,

    /// <summary>The Blynk HTTPS API resets every connection (L2, L3).</summary>
    BlynkUnreachable,

    /// <summary>The Blynk HTTPS API answers a server error, <see cref="Fault.Status"/> (default 503) (L2, L3).</summary>
    BlynkError,

    /// <summary>The Blynk HTTPS API answers 429 Too Many Requests (L2, L3: 50 requests/s per device).</summary>
    BlynkRateLimited,

    /// <summary>The board's cloud link drops while its next publish is in flight: no ACK, Particle.publish returns false (L1).</summary>
    CloudLinkDroppedMidPublish,

    /// <summary>The board's application thread is blocked for <see cref="Fault.For"/>: a function call gets no answer in time (L5).</summary>
    FunctionCallTimeout,

    /// <summary>The V16 webhook's quota is used up now: the next switch within the window is dropped (L4).</summary>
    BlynkWebhookQuotaExceeded,

    /// <summary>The board's publish burst is used up (4 publishes within the last second): the next publish is refused (L6).</summary>
    PublishBurstUsedUp,
}

/// <summary>
/// A fault to inject. <paramref name="Latency"/> for the slow kinds; <paramref name="For"/>: how long it lasts in harness
/// time (null: until cleared; for <see cref="FaultKind.CloudLinkDroppedMidPublish"/> how long the link stays down, for
/// <see cref="FaultKind.FunctionCallTimeout"/> how long the application thread is blocked); <paramref name="Status"/>
/// for the error kinds.
/// </summary>
public sealed record Fault(FaultKind Kind, TimeSpan? Latency = null, TimeSpan? For = null, int? Status = null);

/// <summary>One entry of the catalogue: the legs it hits and what real behaviour it models, with the source.</summary>
public sealed record FaultCard(FaultKind Kind, string Legs, string Models, string Source);

/// <summary>The catalogue of faults (docs/faults.md is checked against it).</summary>
public static class FaultCatalogue
{
    public static IReadOnlyList<FaultCard> All { get; } =
    [
        new(FaultKind.ParticleApiSlow, "L4, L5", "the Particle API answers late; the Blynk webhook gives up after its timeout (UNCONFIRMED, mock default 10 s)", "contracts.md §6 (Blynk webhook timeout UNCONFIRMED)"),
        new(FaultKind.ParticleApiUnreachable, "L4", "api.particle.io does not answer: a reset connection, counted by Blynk as a failed webhook call", "contracts.md §6 failure handling"),
        new(FaultKind.ParticleApiError, "L4", "a 5xx server error from the Particle API (\"500 server error\")", "contracts.md §2.2 status codes (P-API \"Errors\")"),
        new(FaultKind.ParticleApiRateLimited, "L4", "429 too many requests: 10,000 requests / 5 min per source IP (body UNCONFIRMED)", "contracts.md §2.2 (P-API, P-TOK)"),
        new(FaultKind.EventStreamDropped, "L1, L2, L6 (as a reader sees them)", "the SSE stream closes; a reader reconnects and misses what was published meanwhile (no replay)", "contracts.md §2.3 (PAJS EventStream reconnect)"),
        new(FaultKind.BlynkSlow, "L2", "Blynk stores the write but answers late; Particle's webhook times out at 20 s (ETIMEDOUT) and publishes hook-error", "contracts.md §3 webhook limits (P-WH \"Limits\")"),
        new(FaultKind.BlynkUnreachable, "L2, L3", "the region server resets connections; the webhook fails (ECONNRESET) and publishes hook-error", "contracts.md §3 (P-WH)"),
        new(FaultKind.BlynkError, "L2, L3", "a 5xx from Blynk; Particle counts it as an error, publishes hook-error and throttles when errors outnumber successes (body UNCONFIRMED)", "contracts.md §3 adaptive throttling (P-WH, P-WHT)"),
        new(FaultKind.BlynkRateLimited, "L2, L3", "429 from Blynk (50 req/s per device; body UNCONFIRMED)", "contracts.md §5.2 limits"),
        new(FaultKind.CloudLinkDroppedMidPublish, "L1", "the cloud session drops before the publish is acknowledged: Particle.publish returns false; the event is lost", "contracts.md §1.2 (P-FW Future<bool>, DOS publisher)"),
        new(FaultKind.FunctionCallTimeout, "L5", "the device does not run the function in time (its loop is blocked); the cloud answers the timeout error (duration and body UNCONFIRMED: mock 30 s, 400 \"Timed out.\")", "contracts.md §2.2 (P-FW \"otherwise the cloud call will timeout\", B-PART2)"),
        new(FaultKind.BlynkWebhookQuotaExceeded, "L4", "a datastream change within the quota window does not execute the webhook: dropped, not queued", "contracts.md §6 (limits.md, P-BLYNK)"),
        new(FaultKind.PublishBurstUsedUp, "L6", "Device OS refuses the 5th publish within 1000 ms: not sent, not queued, Particle.publish returns false", "contracts.md §1.2 (DOS publisher.h is_rate_limited)"),
    ];

    public static FaultCard Card(FaultKind kind) => All.Single(c => c.Kind == kind);
}
