using Reqnroll;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// Attaches files to the current scenario in Reqnroll's HTML and message reports. Reqnroll 3.3.4 reads the file during
/// <c>AddAttachment</c> and embeds it as a base64 <c>attachment</c> message (file name kept, media type from the extension:
/// .svg → image/svg+xml, .png → image/png, .txt → text/plain, unknown → application/octet-stream); it never links to the path,
/// so the HTML report is self-contained and the file may be deleted afterwards (checked by deleting it right after the call).
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

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="fileName"/> and attaches it. Without <paramref name="directory"/> the file
    /// goes to a temporary folder and is deleted once attached (the report already holds it); with one, the file is kept there.
    /// </summary>
    public static string AttachContent(this IReqnrollOutputHelper output, string fileName, byte[] content, string? directory = null)
    {
        // A folder per attachment keeps the file name (the report shows it) without clashes between parallel scenarios.
        var folder = Path.Combine(directory ?? Path.Combine(Path.GetTempPath(), "particleblynk-attachments"), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileName(fileName));
        File.WriteAllBytes(path, content);
        try
        {
            output.AddAttachment(path);
        }
        finally
        {
            if (directory is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return path;
    }

    /// <summary>Attaches UTF-8 text (a serial transcript, a journal SVG) under <paramref name="fileName"/>; the extension picks the media type.</summary>
    public static string AttachText(this IReqnrollOutputHelper output, string fileName, string text, string? directory = null) =>
        output.AttachContent(fileName, System.Text.Encoding.UTF8.GetBytes(text), directory);
}
