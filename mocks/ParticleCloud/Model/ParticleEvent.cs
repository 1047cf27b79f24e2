using System.Globalization;
using System.Text.Json;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// An event as the Particle Cloud carries it (SSE wire format, contracts.md §2.3).
/// </summary>
/// <param name="Name">Event name.</param>
/// <param name="Data">Event data (string, possibly empty).</param>
/// <param name="PublishedAt">Harness-clock time the cloud received it.</param>
/// <param name="CoreId">Publishing device id, "particle-internal" for hook-* events, the API publish core id for API publishes.</param>
/// <param name="Ttl">Time to live in seconds.</param>
/// <param name="Id">Unique event id (PARTICLE_EVENT_ID).</param>
/// <param name="Owner">Account whose streams and webhooks see it.</param>
public sealed record ParticleEvent(string Name, string Data, DateTimeOffset PublishedAt, string CoreId, int Ttl, string Id, string Owner)
{
    public const string InternalCoreId = "particle-internal";

    /// <summary>For hook-* events: the device whose event triggered the webhook (device streams may show them by option).</summary>
    public string? TriggeredBy { get; init; }

    /// <summary>ISO 8601 UTC with milliseconds and Z, e.g. 2026-01-01T00:00:01.000Z (P-WH examples).</summary>
    public string PublishedAtText => FormatTime(PublishedAt);

    /// <summary>Whether the cloud made it itself (hook-sent/response/error): such events never trigger webhooks (P-WH).</summary>
    public bool IsWebhookEvent => CoreId == InternalCoreId;

    /// <summary>The data: line of the SSE block. ttl is a JSON number as particle-api-js types it (UNCONFIRMED: the API docs show "60").</summary>
    public string ToSseJson() => JsonSerializer.Serialize(new SseData(Data, Ttl, PublishedAtText, CoreId));

    /// <summary>One SSE block: event: line, data: line, blank line.</summary>
    public string ToSseBlock() => $"event: {Name}\ndata: {ToSseJson()}\n\n";

    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record SseData(
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] string Data,
        [property: System.Text.Json.Serialization.JsonPropertyName("ttl")] int Ttl,
        [property: System.Text.Json.Serialization.JsonPropertyName("published_at")] string PublishedAt,
        [property: System.Text.Json.Serialization.JsonPropertyName("coreid")] string CoreId);
}
