using System.Globalization;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;

// Per target: the scenario cases (each Examples row is one) that run, and those that skip, grouped by the reason the
// hooks give — the capabilities the case declares (@needs:…) and the target lacks. Reads the feature files and the
// target plug-ins the acceptance project was built with. Usage: TargetMatrix <acceptance output folder>
if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ParticleBlynk.TargetMatrix <the acceptance project's output folder (holds loop-targets.json and features/)>");
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
Console.WriteLine($"| target | runs | skips | skipped because the target lacks ({N(cases.Count)} scenario cases) |");
Console.WriteLine("|---|---|---|---|");
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
    Console.WriteLine($"| `{target.Name}` | {N(cases.Count - skipped)} | {N(skipped)} | {reasons} |");
}

Console.WriteLine();
foreach (var target in catalog.Targets)
{
    Console.WriteLine($"- `{target.Name}`: {target.Summary}." + string.Concat(target.Lacks.Select(l => $"{Environment.NewLine}  - lacks {Capabilities.Name(l.Key)}: {l.Value}")));
    if (target.Unavailable() is { } unavailable)
    {
        Console.WriteLine($"  - on this machine every scenario skips: {unavailable}");
    }
}

return 0;
