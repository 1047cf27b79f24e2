using System.Text.Json;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>
/// A Particle webhook as its integration JSON defines it (P-WH "Webhook properties"; contracts.md §3.1). Parsed from the
/// JSON exactly as pasted into the console's custom template; templated parts stay as JSON for the renderer.
/// </summary>
public sealed record WebhookDefinition(
    string Name,
    string Event,
    string Url,
    string RequestType,
    JsonElement? Query,
    JsonElement? Json,
    JsonElement? Form,
    string? Body,
    JsonElement? Headers,
    JsonElement? Auth,
    bool NoDefaults,
    bool RejectUnauthorized,
    string? DeviceId,
    bool Disabled,
    string ResponseTopic,
    string ErrorResponseTopic,
    JsonElement? ResponseTemplate,
    string RawJson)
{
    /// <summary>Parses the integration JSON (also the legacy keys eventName and deviceid).</summary>
    public static WebhookDefinition Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A webhook definition is a JSON object.", nameof(json));
        }

        string? Text(params string[] names)
        {
            foreach (var name in names)
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }

        JsonElement? Element(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value.Clone() : null;

        bool Flag(string name, bool fallback) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

        var eventName = Text("event", "eventName") ?? throw new ArgumentException("A webhook needs \"event\" (P-WH: at least one character).", nameof(json));
        if (eventName.Length == 0)
        {
            throw new ArgumentException("A webhook's event prefix must have at least one character (P-WH).", nameof(json));
        }

        var url = Text("url") ?? throw new ArgumentException("A webhook needs \"url\".", nameof(json));
        var requestType = (Text("requestType") ?? "POST").ToUpperInvariant();
        if (requestType is not ("GET" or "POST" or "PUT" or "DELETE"))
        {
            throw new ArgumentException($"requestType '{requestType}' is not GET, POST, PUT or DELETE (P-WH).", nameof(json));
        }

        var bodies = new[] { "json", "form", "body" }.Count(k => root.TryGetProperty(k, out var v) && v.ValueKind != JsonValueKind.Null);
        if (bodies > 1)
        {
            throw new ArgumentException("The properties form, json and body are mutually exclusive (P-WH).", nameof(json));
        }

        return new WebhookDefinition(
            Text("name") ?? $"{eventName} → {url}",
            eventName,
            url,
            requestType,
            Element("query"),
            Element("json"),
            Element("form"),
            Text("body"),
            Element("headers"),
            Element("auth"),
            Flag("noDefaults", false),
            Flag("rejectUnauthorized", true),
            Text("deviceID", "deviceId", "deviceid"),
            Flag("disabled", false),
            Text("responseTopic") ?? "hook-response/{{PARTICLE_EVENT_NAME}}",
            Text("errorResponseTopic") ?? "hook-error/{{PARTICLE_EVENT_NAME}}",
            Element("responseTemplate"),
            json);
    }

    /// <summary>Case-sensitive prefix match on the event name (P-WH "Event name").</summary>
    public bool Matches(string eventName) => eventName.StartsWith(Event, StringComparison.Ordinal);
}
