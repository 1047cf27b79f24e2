namespace ParticleBlynk.BlynkCloud;

/// <summary>A request to the device HTTPS API, reduced to what Blynk looks at.</summary>
/// <param name="Host">Host header without port (the region server the request reached).</param>
/// <param name="Path">Request path, e.g. /external/api/batch/update (case-sensitive).</param>
/// <param name="RawQuery">Query string as sent, without '?'.</param>
public sealed record DeviceApiRequest(string Host, string Path, string RawQuery)
{
    /// <summary>Query parameters in order, decoded (+ as space, %XX); a parameter without '=' has an empty value and HasValue false.</summary>
    public IReadOnlyList<QueryParameter> Parameters { get; } = ParseQuery(RawQuery);

    public string? Get(string name) => Parameters.FirstOrDefault(p => p.Name == name)?.Value;

    public string PathAndQuery => RawQuery.Length == 0 ? Path : Path + "?" + RawQuery;

    /// <summary>Own parser: WireMock's Query dictionary splits values on commas (Location "lon,lat"), we need them verbatim.</summary>
    public static IReadOnlyList<QueryParameter> ParseQuery(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var rest = raw.AsSpan().TrimStart('?');
        var list = new List<QueryParameter>(8);
        foreach (var range in rest.Split('&')) // no string per part: the device API parses every write's query
        {
            var part = rest[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            list.Add(new QueryParameter(Decode(eq < 0 ? part : part[..eq]), eq < 0 ? "" : Decode(part[(eq + 1)..]), eq >= 0));
        }

        return list;
    }

    public string Url(string scheme) => string.Concat([scheme, "://", Host, Path, RawQuery.Length == 0 ? "" : "?", RawQuery]);

    private static string Decode(ReadOnlySpan<char> s) =>
        s.Contains('+') ? Uri.UnescapeDataString(s.ToString().Replace('+', ' ')) : Uri.UnescapeDataString(s);
}

public sealed record QueryParameter(string Name, string Value, bool HasValue);

/// <summary>What the mock answers: status, body (null = none), content type, Location for 308.</summary>
public sealed record DeviceApiResponse(int Status, string? Body = null, string? ContentType = null, string? Location = null)
{
    public static DeviceApiResponse Ok { get; } = new(200);

    public static DeviceApiResponse Text(string body) => new(200, body, "text/plain; charset=utf-8");

    public static DeviceApiResponse Json(string body) => new(200, body, "application/json");

    /// <summary>The documented error shape: 400 {"error":{"message":"…"}}.</summary>
    public static DeviceApiResponse Error(string message) =>
        new(400, "{\"error\":{\"message\":" + System.Text.Json.JsonSerializer.Serialize(message, Relaxed) + "}}", "application/json");

    /// <summary>Keeps ' as is: System.Text.Json escapes it to \u0027 by default, Blynk's bodies show "doesn't".</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DeviceApiResponse Redirect(string location) => new(308, null, null, location);
}

/// <summary>The documented error messages, verbatim per page (contracts.md §5.1).</summary>
public static class BlynkErrors
{
    public const string InvalidToken = "Invalid token.";
    public const string WrongPinFormat = "Wrong pin format.";

    /// <summary>batch/update and update/property pages: no trailing period.</summary>
    public const string TypeMismatchBatch = "Value doesn't match the Datastream data type";

    /// <summary>update page: with a trailing period.</summary>
    public const string TypeMismatchUpdate = "Value doesn't match the Datastream data type.";

    public const string NoDatastream = "No datastream setup for that pin.";
    public const string WrongDataStreamId = "Wrong dataStreamId format.";
    public const string EventCodeMissing = "Event code is not provided.";
    public const string EventCodeUnknown = "Can't find Event with this code in Product template";

    public static string DatastreamMissing(string templateName) => "Requested dataStream doesn't exist in the product " + templateName;
}
