using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>The HTTP request a webhook makes for one event, rendered (P-WH "Request Format", "Default data", examples).</summary>
/// <param name="Method">GET, POST, PUT or DELETE.</param>
/// <param name="Url">URL with the rendered, URL-encoded query appended.</param>
/// <param name="Body">Body text, null for none.</param>
/// <param name="ContentType">Content type set by Particle (json → application/json, form → x-www-form-urlencoded), null for a custom body.</param>
/// <param name="Headers">Custom headers (rendered), Authorization for basic auth, User-Agent.</param>
public sealed record WebhookRequest(string Method, string Url, string? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public const string UserAgent = "ParticleBot/1.1 (https://docs.particle.io/webhooks)";

    /// <summary>Renders <paramref name="hook"/> for an event whose variables are <paramref name="view"/>.</summary>
    public static WebhookRequest Create(WebhookDefinition hook, IReadOnlyDictionary<string, object?> view, WebhookTemplateRenderer renderer)
    {
        string R(string template) => renderer.Render(template, view);

        // Default fields (P-WH "Default data"): rendered with triple braces, i.e. unescaped.
        var defaults = hook.NoDefaults
            ? []
            : new List<KeyValuePair<string, string>>
            {
                new("event", R("{{{PARTICLE_EVENT_NAME}}}")),
                new("data", R("{{{PARTICLE_EVENT_VALUE}}}")),
                new("published_at", R("{{{PARTICLE_PUBLISHED_AT}}}")),
                new("coreid", R("{{{PARTICLE_DEVICE_ID}}}")),
            };

        var query = new List<KeyValuePair<string, string>>(RenderPairs(hook.Query, R));
        string? body = null;
        string? contentType = null;
        var hasBody = hook.RequestType is "POST" or "PUT";

        if (hook.Json is { } json && hasBody)
        {
            contentType = "application/json";
            if (json.ValueKind == JsonValueKind.String)
            {
                // A string template: render, then merge the defaults when the result is a JSON object.
                body = R(json.GetString()!);
                if (defaults.Count > 0 && TryParseObject(body) is { } parsed)
                {
                    foreach (var (key, value) in defaults)
                    {
                        parsed[key] = value;
                    }

                    body = parsed.ToJsonString();
                }
            }
            else
            {
                var rendered = RenderJson(json, R);
                if (rendered is JsonObject obj)
                {
                    foreach (var (key, value) in defaults)
                    {
                        obj[key] = value;
                    }
                }

                body = rendered?.ToJsonString() ?? "null";
            }
        }
        else if (hook.Body is { } custom && hasBody)
        {
            body = R(custom);
        }
        else if (hook.Form is not null || hasBody)
        {
            var form = RenderPairs(hook.Form, R).Concat(defaults).ToList();
            if (hasBody)
            {
                contentType = "application/x-www-form-urlencoded";
                body = Encode(form);
            }
            else
            {
                query.AddRange(form); // GET/DELETE: "the form elements are added to the query string" (P-WH)
            }
        }

        if (!hasBody && !(hook.Form is not null))
        {
            query.AddRange(defaults); // GET: defaults in the query unless noDefaults (P-WH "Query parameters")
        }

        var url = R(hook.Url);
        if (query.Count > 0)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Encode(query);
        }

        var headers = new List<KeyValuePair<string, string>>(RenderPairs(hook.Headers, R));
        if (hook.Auth is { ValueKind: JsonValueKind.Object } auth)
        {
            var user = auth.TryGetProperty("username", out var u) ? R(u.GetString() ?? "") : "";
            var password = auth.TryGetProperty("password", out var p) ? R(p.GetString() ?? "") : "";
            headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password))));
        }

        headers.Add(new("User-Agent", UserAgent));
        if (contentType == "application/json" && !headers.Any(h => h.Key.Equals("Accept", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Accept", "application/json")); // P-WH "Sending simple data" request shows it
        }

        return new WebhookRequest(hook.RequestType, url, body, contentType, headers);
    }

    /// <summary>The request as an HttpRequestMessage (custom headers override the defaults, Content-Type included).</summary>
    public HttpRequestMessage ToHttpRequestMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(Url));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
            if (ContentType is not null)
            {
                message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            }
        }

        foreach (var (key, value) in Headers)
        {
            if (message.Content is not null && key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.Remove(key);
                message.Content.Headers.TryAddWithoutValidation(key, value);
            }
            else
            {
                message.Headers.Remove(key);
                message.Headers.TryAddWithoutValidation(key, value);
            }
        }

        return message;
    }

    /// <summary>application/x-www-form-urlencoded with RFC 3986 percent-encoding (P-WH: ',' → %2C, ':' → %3A, '!' → %21, ' ' → %20).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var text = new StringBuilder(128);
        foreach (var (key, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }

    private static IEnumerable<KeyValuePair<string, string>> RenderPairs(JsonElement? element, Func<string, string> render)
    {
        if (element is not { ValueKind: JsonValueKind.Object } obj)
        {
            yield break;
        }

        foreach (var property in obj.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? render(property.Value.GetString()!) : property.Value.GetRawText();
            yield return new(render(property.Name), value);
        }
    }

    private static JsonNode? RenderJson(JsonElement element, Func<string, string> render) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsonObject(element.EnumerateObject().Select(p => KeyValuePair.Create(render(p.Name), RenderJson(p.Value, render)))),
        JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(e => RenderJson(e, render)).ToArray()),
        JsonValueKind.String => JsonValue.Create(render(element.GetString()!)),
        _ => JsonNode.Parse(element.GetRawText()),
    };

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
