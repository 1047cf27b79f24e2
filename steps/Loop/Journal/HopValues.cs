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
        return [.. (write.Http is { } http ? http.Query : QueryPairs.Parse(write.Payload))
            .Where(p => p.Key.Length > 1 && (p.Key[0] is 'V' or 'v') && char.IsAsciiDigit(p.Key[1]))
            .Select(p => (p.Key.ToUpperInvariant(), Uri.UnescapeDataString(p.Value)))];
    }
}
