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
    public string RawQuery => PlainQuery(Url) ?? (Parsed?.Query is { Length: > 0 } query ? query[1..] : ""); // one '?' off: "??a" sent "?a"

    /// <summary>The query as (name, raw value) pairs in the order sent; values stay URL-encoded.</summary>
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, string>> Query => QueryPairs.Parse(RawQuery);

    /// <summary>
    /// The query of a URL that <see cref="Uri"/> would take as it is, read without parsing (the journal reads the query of
    /// every webhook request and Blynk write; a parse costs ~1.5 µs and ~0.6 KB): scheme http or https, a host
    /// name and port, and a path and query of characters Uri keeps (no space, no non-ASCII, no escaped unreserved
    /// character, which Uri unescapes). Null for any other URL: <see cref="Uri"/> reads it.
    /// </summary>
    internal static string? PlainQuery(string url)
    {
        var at = url.StartsWith("https://", StringComparison.Ordinal) ? 8 : url.StartsWith("http://", StringComparison.Ordinal) ? 7 : -1;
        if (at < 0)
        {
            return null;
        }

        var host = at;
        while (at < url.Length && url[at] is not ('/' or '?' or ':'))
        {
            at++;
        }

        if (!PlainUrl.IsHostName(url.AsSpan(host, at - host)))
        {
            return null;
        }

        if (at < url.Length && url[at] == ':')
        {
            var port = 0;
            var digits = 0;
            for (at++; at < url.Length && char.IsAsciiDigit(url[at]); at++, digits++)
            {
                port = digits < 6 ? (port * 10) + (url[at] - '0') : port;
            }

            if (digits is 0 or > 5 || port > 65535)
            {
                return null;
            }
        }

        if (at < url.Length && url[at] is not ('/' or '?'))
        {
            return null;
        }

        var query = -1;
        for (var i = at; i < url.Length; i++)
        {
            var c = url[i];
            if (c == '?' && query < 0)
            {
                query = i + 1;
            }
            else if (c == '%')
            {
                // An escape Uri keeps: two upper-case hex digits of a byte that is not an unreserved character.
                if (i + 2 >= url.Length || !IsUpperHex(url[i + 1]) || !IsUpperHex(url[i + 2]))
                {
                    return null;
                }

                var b = (char)((Hex(url[i + 1]) << 4) | Hex(url[i + 2]));
                if (char.IsAsciiLetterOrDigit(b) || b is '-' or '.' or '_' or '~' || b >= 0x80)
                {
                    return null;
                }

                i += 2;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@' or '/' or '?'))
            {
                return null; // '#', a space, a non-ASCII or another character Uri may rewrite
            }
        }

        return query < 0 ? "" : url[query..];

        static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';
        static int Hex(char c) => c <= '9' ? c - '0' : c - 'A' + 10;
    }

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

/// <summary>Shapes of URL parts that <see cref="Uri"/> takes as they are: checked without parsing.</summary>
public static class PlainUrl
{
    /// <summary>
    /// A DNS host name Uri accepts as is: dot-separated labels of ASCII letters, digits and '-' (not first or last, never
    /// two together), each 1 to 63 characters, 253 in all. Stricter than Uri: what it refuses, Uri decides.
    /// </summary>
    public static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253)
        {
            return false;
        }

        var label = 0;
        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            if (c == '.')
            {
                if (label == 0 || host[i - 1] == '-')
                {
                    return false;
                }

                label = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || (c == '-' && label > 0 && host[i - 1] != '-'))
            {
                if (++label > 63)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return label > 0 && host[^1] != '-';
    }
}
