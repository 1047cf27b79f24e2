using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ParticleBlynk.Loop;

/// <summary>
/// Makes a value safe for one line of a log, the journal text or the report: control characters escaped (a payload
/// cannot forge a line), long values cut with their full length stated — <c>prefix…(10485760 bytes)</c>, the UTF-8 size
/// of the whole value. <see cref="Cut"/> does the cutting alone, for what is stored (journal hops, request logs); a value
/// cut once keeps the length it stated when it is cut again.
/// </summary>
public static partial class CleanText
{
    public const int DefaultLimit = 512;

    /// <summary>One safe line: control characters, U+2028/9 and lone surrogates escaped; cut at <paramref name="limit"/> characters.</summary>
    public static string Line(string? text, int limit = DefaultLimit)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var (shown, total) = Split(text, limit);
        return total is { } bytes ? Escape(shown) + Marker(bytes) : Escape(shown);
    }

    /// <summary>
    /// At most <paramref name="limit"/> characters of <paramref name="text"/> (never half a surrogate pair), followed by
    /// "…(N bytes)" when something was cut; nothing is escaped. Null stays null.
    /// </summary>
    public static string? Cut(string? text, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (text is null)
        {
            return null;
        }

        var (shown, total) = Split(text, limit);
        return total is { } bytes ? shown + Marker(bytes) : text;
    }

    /// <summary>The UTF-8 size a value stated before it was cut (its marker), else its own UTF-8 size.</summary>
    public static long StatedBytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var marker = CutMarker().Match(text);
        return marker.Success ? long.Parse(marker.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>The UTF-8 size of <paramref name="text"/>, lone surrogates counted as the 3 bytes of U+FFFD they encode to.</summary>
    public static long Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    private static string Marker(long bytes) => string.Create(CultureInfo.InvariantCulture, $"…({bytes} bytes)");

    // (the part to show, the whole value's UTF-8 size when it had to be cut)
    private static (string Shown, long? TotalBytes) Split(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return (text, null);
        }

        var marker = CutMarker().Match(text);
        var body = marker.Success ? text[..marker.Index] : text;
        var total = marker.Success ? long.Parse(marker.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : Utf8Bytes(text);
        var end = Math.Min(limit, body.Length);
        if (end > 0 && end < body.Length && char.IsHighSurrogate(body[end - 1]) && char.IsLowSurrogate(body[end]))
        {
            end--; // never keep half a pair
        }

        return (body[..end], total);
    }

    private static string Escape(string shown)
    {
        StringBuilder? escaped = null;
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            var replacement = c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c) && !IsPaired(shown, i) =>
                    "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (replacement is null)
            {
                escaped?.Append(c);
                continue;
            }

            escaped ??= new StringBuilder(shown.Length + 16).Append(shown, 0, i);
            escaped.Append(replacement);
        }

        return escaped?.ToString() ?? shown;
    }

    private static bool IsPaired(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);

    [GeneratedRegex(@"…\((\d{1,18}) bytes\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex CutMarker();
}
