using System.Globalization;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;

// Per target: the scenario cases (each Examples row is one) that run, and those that skip, grouped by the reason the
// hooks give — the capabilities the case declares (@needs:…) and the target lacks. Reads the feature files and the
// target plug-ins the acceptance project was built with.
// Usage: TargetMatrix <acceptance output folder> [--readme <README.md>]   (--readme: also writes the table and the reasons
// between the README's "<!-- targets.sh -->" and "<!-- /targets.sh -->" lines; what this machine lacks stays out of it)
const string Begin = "<!-- targets.sh -->";
const string End = "<!-- /targets.sh -->";
var readme = args.Length == 3 && args[1] == "--readme" ? args[2] : null;
if ((args.Length != 1 && readme is null) || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ParticleBlynk.TargetMatrix <the acceptance project's output folder (holds loop-targets.json and features/)> [--readme <README.md>]");
    return 2;
}

var output = Path.GetFullPath(args[0]);
var features = Directory.GetFiles(Path.Combine(output, "features"), "*.feature", SearchOption.AllDirectories)
    .Select(f => FeatureCatalog.Load(Path.GetRelativePath(output, f), output))
    .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
    .ToList();
var broken = features.Where(f => f.Error is not null).ToList();
if (broken.Count > 0)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, broken.Select(f => $"{f.RelativePath}: {f.Error!.Message}")));
    return 1;
}

var cases = features.SelectMany(f => f.Scenarios).Where(s => s.SkipReason is null).ToList();
await using var catalog = TargetCatalog.Load(output);
string N(int n) => n.ToString(CultureInfo.InvariantCulture);
var lines = new List<string>
{
    $"| target | runs | skips | skipped because the target lacks ({N(cases.Count)} scenario cases) |",
    "|---|---|---|---|",
};
foreach (var target in catalog.Targets)
{
    var skips = cases
        .Select(c => Capabilities.Declared(c.Categories).Where(need => !target.Has(need)).Select(Capabilities.Name).Order(StringComparer.Ordinal).ToList())
        .Where(missing => missing.Count > 0)
        .GroupBy(missing => string.Join(" + ", missing))
        .OrderByDescending(g => g.Count())
        .ToList();
    var skipped = skips.Sum(g => g.Count());
    var reasons = skips.Count == 0 ? "—" : string.Join("; ", skips.Select(g => $"{g.Key}: {N(g.Count())}"));
    lines.Add($"| `{target.Name}` | {N(cases.Count - skipped)} | {N(skipped)} | {reasons} |");
}

lines.Add("");
foreach (var target in catalog.Targets)
{
    lines.Add($"- `{target.Name}`: {target.Summary}.");
    lines.AddRange(target.Lacks.Select(l => $"  - lacks {Capabilities.Name(l.Key)}: {l.Value}"));
}

foreach (var line in lines)
{
    Console.WriteLine(line);
}

foreach (var target in catalog.Targets)
{
    if (target.Unavailable() is { } unavailable)
    {
        Console.WriteLine($"On this machine every `{target.Name}` scenario skips: {unavailable}");
    }
}

if (readme is not null)
{
    var text = File.ReadAllLines(readme).ToList();
    var begin = text.IndexOf(Begin);
    var end = text.IndexOf(End);
    if (begin < 0 || end < begin)
    {
        Console.Error.WriteLine($"{readme} has no \"{Begin}\" … \"{End}\" lines to write the table between.");
        return 1;
    }

    text.RemoveRange(begin + 1, end - begin - 1);
    text.InsertRange(begin + 1, lines.Take(lines.Count).Prepend("").Append(""));
    File.WriteAllText(readme, string.Join("\n", text) + "\n");
    Console.WriteLine($"Wrote the table into {readme}.");
}

return 0;
