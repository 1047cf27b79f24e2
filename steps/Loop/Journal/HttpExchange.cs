using System.Text.Json.Serialization;

namespace ParticleBlynk.Loop;

/// <summary>An HTTP request as it was sent (URL as written, before any host mapping) and what came back.</summary>
/// <param name="Method">GET, POST…</param>
/// <param name="Url">The absolute URL with its query, e.g. https://ny3.blynk.cloud/external/api/batch/update?token=…</param>
public sealed record HttpExchange(string Method, string Url)
{
    /// <summary>Request headers worth asserting on (Authorization, Content-Type, User-Agent), as sent.</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    public string? RequestBody { get; init; }

    /// <summary>The status code, null when there was no answer.</summary>
    public int? Status { get; init; }

    /// <summary>The Location header of a redirect.</summary>
    public string? Location { get; init; }

    public string? ResponseBody { get; init; }

    [JsonIgnore]
    private Uri? Parsed => Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri : null;

    [JsonIgnore]
    public string Host => Parsed?.Host ?? "";

    [JsonIgnore]
    public string Path => Parsed?.AbsolutePath ?? Url;

    /// <summary>The query without '?', exactly as sent (still URL-encoded).</summary>
    [JsonIgnore]
    public string RawQuery => Parsed?.Query.TrimStart('?') ?? "";

    /// <summary>The query as (name, raw value) pairs in the order sent; values stay URL-encoded.</summary>
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, string>> Query => QueryPairs.Parse(RawQuery);

    /// <summary>A request header by name (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        RequestHeaders.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>Splits a query string into (name, raw value) pairs without decoding: "a=1&b" → (a,1), (b,"").</summary>
public static class QueryPairs
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rest = query.AsSpan().TrimStart('?');
        if (rest.IsEmpty)
        {
            return [];
        }

        // One pass, no LINQ: the journal parses the query of every webhook request and Blynk write (several per delivery).
        var pairs = new List<KeyValuePair<string, string>>(4);
        foreach (var range in rest.Split('&'))
        {
            var part = rest[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            pairs.Add(eq < 0 ? KeyValuePair.Create(part.ToString(), "") : KeyValuePair.Create(part[..eq].ToString(), part[(eq + 1)..].ToString()));
        }

        return pairs;
    }
}
