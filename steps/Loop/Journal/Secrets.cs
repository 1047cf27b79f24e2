namespace ParticleBlynk.Loop;

/// <summary>
/// The tokens of one run (Particle access tokens, Blynk device tokens, the lab's control token). Everything the
/// harness writes passes through <see cref="Redact"/>: a token shows as its first and last 4 characters only.
/// </summary>
public sealed class Secrets
{
    private readonly Lock _gate = new();
    private string[] _secrets = [];

    public Secrets(params IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            Add(secret);
        }
    }

    /// <summary>Adds a token to redact; values shorter than 8 characters are not secrets worth masking (nor safely maskable).</summary>
    public Secrets Add(string? secret)
    {
        if (secret is null || secret.Length < 8)
        {
            return this;
        }

        lock (_gate)
        {
            if (!_secrets.Contains(secret, StringComparer.Ordinal))
            {
                // Longest first: a token that contains another is masked whole.
                _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
            }
        }

        return this;
    }

    /// <summary>"38bb7b318cc6898c80317decb34525844bc9db55" → "38bb…db55".</summary>
    public static string Mask(string secret) => secret.Length < 8 ? "****" : $"{secret[..4]}…{secret[^4..]}";

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var secrets = _secrets;
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask(secret), StringComparison.Ordinal);
            }
        }

        return text.Contains(CutMark, StringComparison.Ordinal) ? RedactCutTokens(text, secrets) : text;
    }

    // CleanText's "…(N bytes)": what precedes it may be a token cut in the middle.
    private const string CutMark = "…(";

    /// <summary>A value cut in the middle of a token (CleanText's "…(N bytes)" follows) keeps only the token's first 4 characters.</summary>
    private static string RedactCutTokens(string text, string[] secrets)
    {
        for (var at = text.IndexOf(CutMark, StringComparison.Ordinal); at > 0; at = text.IndexOf(CutMark, at + CutMark.Length, StringComparison.Ordinal))
        {
            foreach (var secret in secrets)
            {
                for (var length = Math.Min(secret.Length - 1, at); length > 4; length--)
                {
                    if (text.AsSpan(at - length, length).SequenceEqual(secret.AsSpan(0, length)))
                    {
                        text = string.Concat(text.AsSpan(0, at - length + 4), text.AsSpan(at));
                        at -= length - 4;
                        break;
                    }
                }
            }
        }

        return text;
    }
}
