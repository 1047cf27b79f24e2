using System.Security.Cryptography;
using System.Text;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// The web dashboard page (plain HTML/CSS/JS, no build step), embedded in the assembly. It is static: no device data is
/// put into it (the page reads the device id from its path and the token from its fragment, and asks the API for the
/// rest), so its inline script and style have fixed hashes and the Content-Security-Policy allows exactly them.
/// </summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load();

    /// <summary>
    /// Only this page's own script and style run; it connects only to its own origin, submits no form, and no other page
    /// may frame it (it holds the token once opened).
    /// </summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; script-src '{Hash("script")}'; style-src '{Hash("style")}'; connect-src 'self'; img-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static string Load()
    {
        var assembly = typeof(DashboardPage).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("dashboard.html", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The CSP source of the page's one inline <c>&lt;script&gt;</c> or <c>&lt;style&gt;</c>: 'sha256-…' of its text.</summary>
    private static string Hash(string element)
    {
        var open = "<" + element + ">";
        var start = Html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var end = Html.IndexOf("</" + element + ">", start, StringComparison.Ordinal);
        if (start < open.Length || end < 0 || Html.IndexOf(open, end, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"dashboard.html must hold exactly one inline <{element}>.");
        }

        return "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Html[start..end])));
    }
}
