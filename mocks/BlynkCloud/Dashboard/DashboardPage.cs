using System.Reflection;

namespace ParticleBlynk.BlynkCloud;

/// <summary>The web dashboard page (plain HTML/CSS/JS, no build step), embedded in the assembly.</summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        var assembly = typeof(DashboardPage).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("dashboard.html", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
