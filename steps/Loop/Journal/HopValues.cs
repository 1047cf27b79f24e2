namespace ParticleBlynk.Loop;

/// <summary>What a hop carries, read as values.</summary>
public static class HopValues
{
    /// <summary>
    /// The datastream values a Blynk write set, as (pin, decoded value): the V pins of its HTTPS API query, or "V16=1"
    /// of an app switch or of values read back. Other parameters (token) are not datastreams.
    /// </summary>
    public static IReadOnlyList<(string Pin, string Value)> Written(Hop write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var pairs = write.Http is { } http ? http.Query : QueryPairs.Parse(write.Payload);
        var written = new List<(string Pin, string Value)>(pairs.Count);
        foreach (var (name, value) in pairs)
        {
            if (name.Length > 1 && (name[0] is 'V' or 'v') && char.IsAsciiDigit(name[1]))
            {
                written.Add((name.ToUpperInvariant(), Uri.UnescapeDataString(value)));
            }
        }

        return written;
    }
}
