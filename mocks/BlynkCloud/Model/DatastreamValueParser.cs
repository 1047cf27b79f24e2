using System.Globalization;
using System.Text;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// Parses a written value by the datastream's type and clamps it to min/max (min-value.md, max-value.md: min/max
/// apply only when the type matches; "same rule applies for HTTPS API and any user input").
/// </summary>
public static class DatastreamValueParser
{
    /// <summary>The stored text of <paramref name="raw"/>, or null when it does not match the type.</summary>
    public static string? Parse(DatastreamOptions datastream, string raw, BlynkBehaviour behaviour)
    {
        switch (datastream.Type)
        {
            case DatastreamType.Integer:
                return ParseInteger(datastream, raw, behaviour);
            case DatastreamType.Double:
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                {
                    return null;
                }

                return Format(Clamp(d, datastream));
            default:
                return FitString(raw, behaviour);
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string? ParseInteger(DatastreamOptions datastream, string raw, BlynkBehaviour behaviour)
    {
        double value;
        if (IsIntegerLiteral(raw))
        {
            // Out of Integer range (e.g. millis() after 24.8 days): UNCONFIRMED, see BlynkBehaviour.IntegerOverflow.
            value = double.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (value is > int.MaxValue or < int.MinValue)
            {
                if (behaviour.IntegerOverflow == IntegerOverflow.Reject)
                {
                    return null;
                }

                value = Math.Clamp(value, int.MinValue, int.MaxValue);
            }
        }
        else if (behaviour.AcceptIntegralDoubleForInteger
                 && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                 && double.IsFinite(d) && Math.Floor(d) == d && d is >= int.MinValue and <= int.MaxValue)
        {
            value = d;
        }
        else
        {
            return null;
        }

        var clamped = (long)Clamp(value, datastream);
        return clamped.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsIntegerLiteral(string raw)
    {
        var start = raw.Length > 0 && (raw[0] == '-' || raw[0] == '+') ? 1 : 0;
        if (raw.Length == start)
        {
            return false;
        }

        for (var i = start; i < raw.Length; i++)
        {
            if (!char.IsAsciiDigit(raw[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static double Clamp(double value, DatastreamOptions datastream)
    {
        if (datastream.Min is { } min && value < min)
        {
            value = datastream.Type == DatastreamType.Integer ? Math.Ceiling(min) : min;
        }

        if (datastream.Max is { } max && value > max)
        {
            value = datastream.Type == DatastreamType.Integer ? Math.Floor(max) : max;
        }

        return value;
    }

    private static string? FitString(string raw, BlynkBehaviour behaviour)
    {
        if (Encoding.UTF8.GetByteCount(raw) <= behaviour.MaxStringBytes)
        {
            return raw;
        }

        if (behaviour.StringOverLimit == StringOverLimit.Reject)
        {
            return null;
        }

        // Cut at a character boundary so the stored string stays valid UTF-8.
        var bytes = 0;
        var end = 0;
        foreach (var rune in raw.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > behaviour.MaxStringBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return raw[..end];
    }
}
