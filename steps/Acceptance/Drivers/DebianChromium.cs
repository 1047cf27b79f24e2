using Microsoft.Playwright;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// Debian's Chromium as Playwright's browser (infra-notes.md §2): always an explicit executable, never Playwright's own
/// download (without ExecutablePath the launch fails asking for "playwright install"). scripts/lib.sh installs it.
/// </summary>
public static class DebianChromium
{
    /// <summary>Points at another Chromium executable (a path that does not exist makes the browser scenarios skip).</summary>
    public const string OverrideVariable = "E2E_CHROMIUM";

    // The apt package's wrapper first (what the infra spike and the BlynkCloud dashboard test use), then the binary it starts.
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"];

    /// <summary>The Chromium executable, or null when it is not installed.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } chosen
            ? File.Exists(chosen) ? chosen : null
            : Candidates.FirstOrDefault(File.Exists);

    /// <summary>Why a browser scenario cannot run here, for its skip reason.</summary>
    public static string MissingReason =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } chosen
            ? $"Chromium is not at {chosen} ({OverrideVariable})."
            : $"Chromium is not installed ({string.Join(" or ", Candidates)}): apt-get install -y --no-install-recommends chromium (scripts/lib.sh does).";

    /// <summary>Headless, no sandbox (we run as root in a VM), and none of the background traffic a desktop browser makes.</summary>
    public static BrowserTypeLaunchOptions LaunchOptions(string executable) => new()
    {
        ExecutablePath = executable,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };
}
