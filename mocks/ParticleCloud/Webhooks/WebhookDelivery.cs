using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>One attempt (or skip) of one webhook for one event: what was sent and what became of it.</summary>
/// <param name="Webhook">Webhook name.</param>
/// <param name="EventName">Triggering event name.</param>
/// <param name="EventId">Triggering event id.</param>
/// <param name="Attempt">1 for the first attempt; 2, 3 for retries of skipped events.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Url">Rendered URL with query, as written (before host mapping).</param>
/// <param name="RequestBody">Body sent, empty for none.</param>
/// <param name="StatusCode">Response status, null when there was no response.</param>
/// <param name="ResponseBody">Response body, or the error text.</param>
/// <param name="Outcome">Delivered (2xx), Rejected (non-2xx), Failed (timeout, unmapped host, TLS), Throttled (skipped).</param>
/// <param name="StartedAt">Harness-clock start.</param>
/// <param name="Duration">Harness-clock duration.</param>
public sealed record WebhookDelivery(
    string Webhook,
    string EventName,
    string EventId,
    int Attempt,
    string Method,
    string Url,
    string RequestBody,
    int? StatusCode,
    string ResponseBody,
    HopOutcome Outcome,
    DateTimeOffset StartedAt,
    TimeSpan Duration);
