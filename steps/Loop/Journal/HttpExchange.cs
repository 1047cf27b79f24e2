using System.Text.Json.Serialization;

namespace ParticleBlynk.Loop;

/// <summary>An HTTP request as it was sent (URL as written, before any host mapping) and what came back.</summary>
/// <param name="Method">GET, POST…</param>
/// <param name="Url">The absolute URL with its query, e.g. https://ny3.blynk.cloud/external/api/batch/update?token=…</param>
public sealed record HttpExchange(string Method, string Url)
{
    // The URL parsed once, on first use (the journal reads Host, Path and the query of every request several times). A new
    // Url (`with { Url = … }`) gets a new cache; the cache never takes part in equality.
    private readonly ParsedUrl _parsed = new(Url);

    /// <summary>The absolute URL with its query, e.g. https://ny3.blynk.cloud/external/api/batch/update?token=…</summary>
    public string Url
    {
        get;
        init
        {
            field = value;
            _parsed = new ParsedUrl(value);
        }
    } = Url;

    /// <summary>Request headers worth asserting on (Authorization, Content-Type, User-Agent), as sent.</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = new Dictionary<string, string>();

    public string? RequestBody { get; init; }

    /// <summary>The status code, null when there was no answer.</summary>
    public int? Status { get; init; }

    /// <summary>The Location header of a redirect.</summary>
    public string? Location { get; init; }

    public string? ResponseBody { get; init; }

    [JsonIgnore]
    public string Host => _parsed.Host;

    [JsonIgnore]
    public string Path => _parsed.Path;

    /// <summary>The query without '?', exactly as sent (still URL-encoded).</summary>
    [JsonIgnore]
    public string RawQuery => _parsed.RawQuery;

    /// <summary>The query as (name, raw value) pairs in the order sent; values stay URL-encoded.</summary>
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, string>> Query => _parsed.Query;

    /// <summary>A request header by name (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        RequestHeaders.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A URL's parts, parsed on first use and kept (thread-safe: a race parses twice, to the same values). Equal to any other, so
/// a record holding one compares by its own members only.
/// </summary>
internal sealed class ParsedUrl(string url)
{
    private Parts? _parts;

    public string Host => Get().Host;

    public string Path => Get().Path;

    public string RawQuery => Get().RawQuery;

    public IReadOnlyList<KeyValuePair<string, string>> Query => Get().Query;

    public override bool Equals(object? obj) => obj is ParsedUrl;

    public override int GetHashCode() => 0;

    private Parts Get()
    {
        if (Volatile.Read(ref _parts) is { } parts)
        {
            return parts;
        }

        parts = Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? new Parts(uri.Host, uri.AbsolutePath, uri.Query.TrimStart('?'))
            : new Parts("", url, "");
        Volatile.Write(ref _parts, parts);
        return parts;
    }

    private sealed record Parts(string Host, string Path, string RawQuery)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Query { get; } = QueryPairs.Parse(RawQuery);
    }
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
