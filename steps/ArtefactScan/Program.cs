using System.Globalization;
using System.Text;
using ParticleBlynk.ArtefactScan;

// Usage: ArtefactScan <results folder> <token>...   Prints each hit (file, token masked) and a last line "N hits";
// exits 1 when any token appears anywhere. "--self-check" proves the scan can fail.
if (args is ["--self-check"])
{
    // The scan must be able to fail: a token written plainly and one inside a base64 attachment are both found.
    var folder = Directory.CreateTempSubdirectory("artefact-scan-").FullName;
    const string token = "0123456789abcdef0123456789abcdef01234567";
    File.WriteAllText(Path.Combine(folder, "plain.txt"), $"Bearer {token}");
    var attachment = Convert.ToBase64String(Encoding.UTF8.GetBytes($"journal line with token={token} inside an attachment, long enough to be base64"));
    File.WriteAllText(Path.Combine(folder, "report.ndjson"), $"{{\"body\":\"{attachment}\"}}");
    var found = TokenScan.Run(folder, [token]).Sum(h => h.Count);
    Directory.Delete(folder, recursive: true);
    Console.WriteLine(found == 2 ? "self-check: the scan finds a plain and a base64-embedded token" : $"self-check FAILED: {found} of 2 hits");
    return found == 2 ? 0 : 1;
}

if (args.Length < 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ParticleBlynk.ArtefactScan <results folder> <token>...  |  --self-check");
    return 2;
}

var tokens = args.Skip(1).Where(t => t.Length >= 8).Distinct(StringComparer.Ordinal).ToList();
var hits = TokenScan.Run(args[0], tokens);
foreach (var hit in hits)
{
    Console.WriteLine($"{hit.File}: {hit.Token[..4]}…{hit.Token[^4..]} × {hit.Count.ToString(CultureInfo.InvariantCulture)}");
}

var files = Directory.GetFiles(args[0], "*", SearchOption.AllDirectories).Length;
Console.WriteLine($"{hits.Sum(h => h.Count).ToString(CultureInfo.InvariantCulture)} hits in {files.ToString(CultureInfo.InvariantCulture)} files for {tokens.Count.ToString(CultureInfo.InvariantCulture)} tokens");
return hits.Count == 0 ? 0 : 1;
