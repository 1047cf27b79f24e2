using System.Text;
using System.Text.RegularExpressions;

namespace ParticleBlynk.ArtefactScan;

/// <summary>One file that holds a token, and how often.</summary>
public sealed record TokenHit(string File, string Token, int Count);

/// <summary>
/// Finds tokens in every file of a folder: in the text as written, and in every long base64 run decoded (the reports
/// embed attachments — the journal, the serial transcript — as base64, where a plain grep cannot see a token).
/// </summary>
public static partial class TokenScan
{
    public static IReadOnlyList<TokenHit> Run(string folder, IReadOnlyList<string> tokens)
    {
        var hits = new List<TokenHit>();
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.UTF8.GetString(File.ReadAllBytes(file));
            var decoded = Decoded(text);
            foreach (var token in tokens)
            {
                var count = CountOf(text, token) + CountOf(decoded, token);
                if (count > 0)
                {
                    hits.Add(new TokenHit(Path.GetRelativePath(folder, file), token, count));
                }
            }
        }

        return hits;
    }

    private static string Decoded(string text)
    {
        var decoded = new StringBuilder();
        foreach (Match run in Base64Run().Matches(text))
        {
            var value = run.Value;
            try
            {
                decoded.AppendLine(Encoding.UTF8.GetString(Convert.FromBase64String(value.Length % 4 == 0 ? value : value[..(value.Length / 4 * 4)])));
            }
            catch (FormatException)
            {
                // Not base64 after all.
            }
        }

        return decoded.ToString();
    }

    private static int CountOf(string text, string token)
    {
        var count = 0;
        for (var at = text.IndexOf(token, StringComparison.Ordinal); at >= 0; at = text.IndexOf(token, at + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex("[A-Za-z0-9+/]{64,}={0,2}")]
    private static partial Regex Base64Run();
}
