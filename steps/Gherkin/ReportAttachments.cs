using Reqnroll;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// Attaches files to the current scenario in Reqnroll's HTML and message reports. Reqnroll 3.3.4 reads the file when the
/// scenario's messages are built and embeds it as base64 with a media type taken from the extension (.svg → image/svg+xml,
/// .png → image/png, .txt → text/plain, unknown → application/octet-stream); it never links to the path. So the file must
/// exist, keep its name and stay in place until the scenario has finished.
/// </summary>
public static class ReportAttachments
{
    /// <summary>Attaches an existing file; fails loudly rather than leave a hole in the report.</summary>
    public static void AttachFile(this IReqnrollOutputHelper output, string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Cannot attach '{fullPath}' to the report: the file does not exist.", fullPath);
        }

        output.AddAttachment(fullPath);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="fileName"/> in a fresh folder under <paramref name="directory"/> and attaches it.</summary>
    public static string AttachContent(this IReqnrollOutputHelper output, string fileName, byte[] content, string? directory = null)
    {
        // A folder per attachment keeps the file name (the report shows it) without clashes between parallel scenarios.
        var folder = Path.Combine(directory ?? Path.Combine(AppContext.BaseDirectory, "attachments"), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileName(fileName));
        File.WriteAllBytes(path, content);
        output.AddAttachment(path);
        return path;
    }

    /// <summary>Attaches UTF-8 text (a serial transcript, a journal SVG) under <paramref name="fileName"/>; the extension picks the media type.</summary>
    public static string AttachText(this IReqnrollOutputHelper output, string fileName, string text, string? directory = null) =>
        output.AttachContent(fileName, System.Text.Encoding.UTF8.GetBytes(text), directory);
}
