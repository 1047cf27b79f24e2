using System.Globalization;
using System.Text;

namespace ParticleBlynk.Loop;

/// <summary>
/// Makes a value safe for one line of a log, the journal text or the report: control characters escaped (a payload
/// cannot forge a line), long values cut with their full length stated.
/// </summary>
public static class CleanText
{
    public const int DefaultLimit = 512;

    public static string Line(string? text, int limit = DefaultLimit)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var cut = text.Length > limit;
        var shown = cut ? text[..limit] : text;
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

        var result = escaped?.ToString() ?? shown;
        return cut ? string.Create(CultureInfo.InvariantCulture, $"{result}… ({text.Length} characters, cut)") : result;
    }

    private static bool IsPaired(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
