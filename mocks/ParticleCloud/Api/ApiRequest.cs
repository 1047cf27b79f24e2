using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using ParticleBlynk.Loop;

namespace ParticleBlynk.ParticleCloud.Api;

/// <summary>
/// An API request reduced to what the Particle API reads: method, path, parameters from the query and from a JSON or
/// form body ("any endpoint can also accept a JSON object with the parameters as properties", P-API), the token, the flow.
/// </summary>
public sealed record ApiRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Body, string? BearerToken, string? FlowId)
{
    /// <summary>The request as the journal keeps it (URL with the Host it was sent to, the headers that matter, the raw body).</summary>
    public HttpExchange? Exchange { get; init; }

    /// <summary>Why the body could not be read (malformed JSON, a lone surrogate in a JSON string), null when it could.</summary>
    public string? BodyError { get; init; }

    public static ApiRequest Create(
        string method,
        string path,
        string? rawQuery,
        string? contentType,
        byte[]? body,
        string? authorization,
        string? flowId,
        string? host = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var query = Parse(rawQuery);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        string? bodyError = null;
        if (body is { Length: > 0 })
        {
            var text = Encoding.UTF8.GetString(body);
            if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || text.TrimStart().StartsWith('{'))
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    if (document.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in document.RootElement.EnumerateObject())
                        {
                            parameters[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                        }
                    }
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                {
                    // Malformed JSON (JsonException), or a string escape STJ parses but cannot make a string of: a lone
                    // surrogate such as "\ud800" (InvalidOperationException from GetString). A body the API cannot read.
                    parameters.Clear();
                    bodyError = "Malformed JSON body: " + CleanText.Line(ex.Message, 160);
                }
            }
            else
            {
                parameters = new Dictionary<string, string>(Parse(text), StringComparer.Ordinal);
            }
        }

        string? bearer = null;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            bearer = authorization["Bearer ".Length..].Trim();
        }

        var url = $"https://{host ?? "api.particle.io"}{path}{(string.IsNullOrEmpty(rawQuery) ? "" : rawQuery.StartsWith('?') ? rawQuery : "?" + rawQuery)}";
        return new ApiRequest(method.ToUpperInvariant(), path, query, parameters, bearer, flowId)
        {
            BodyError = bodyError,
            Exchange = new HttpExchange(method.ToUpperInvariant(), url)
            {
                RequestHeaders = headers ?? new Dictionary<string, string>(),
                RequestBody = body is { Length: > 0 } ? Encoding.UTF8.GetString(body) : null,
            },
        };
    }

    /// <summary>The token: Authorization: Bearer, else the deprecated access_token in the query or the body (P-API).</summary>
    public string? Token => BearerToken ?? Query.GetValueOrDefault("access_token") ?? Body.GetValueOrDefault("access_token");

    /// <summary>A parameter from the body, else from the query.</summary>
    public string? Parameter(string name) => Body.GetValueOrDefault(name) ?? Query.GetValueOrDefault(name);

    private static Dictionary<string, string> Parse(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        foreach (var (key, value) in QueryHelpers.ParseQuery(text.StartsWith('?') ? text : "?" + text))
        {
            result[key] = value.ToString();
        }

        return result;
    }
}

/// <summary>An API answer: status, body, content type.</summary>
public sealed record ApiResponse(int Status, string Body, string ContentType = "application/json; charset=utf-8")
{
    public static ApiResponse Json(int status, object body) => new(status, JsonSerializer.Serialize(body));

    public static ApiResponse Raw(int status, string json) => new(status, json);

    /// <summary>401 for a missing or invalid token (PCLI auth-errors.js; issue particle-cli#71).</summary>
    public static ApiResponse InvalidToken { get; } =
        Raw(401, """{"error":"invalid_token","error_description":"The access token provided is invalid."}""");

    /// <summary>
    /// 403 for a device of another account or one the API does not know: the real body, from particle-cli issue #228
    /// (the access_token query value is echoed; "undefined" when the token came in a header).
    /// </summary>
    public static ApiResponse PermissionDenied(string? queryToken) => Json(403, new Dictionary<string, string>
    {
        ["error"] = "Permission Denied",
        ["info"] = $"I didn't recognize that device name or ID, try opening https://api.particle.io/v1/devices?access_token={queryToken ?? "undefined"}",
    });

    public static ApiResponse Error(int status, string error) => Json(status, new Dictionary<string, object> { ["ok"] = false, ["error"] = error });
}
