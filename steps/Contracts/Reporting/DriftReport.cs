using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Labs;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Reporting;

/// <summary>What a drift report is about.</summary>
public sealed record RunInfo(string Target, string Particle, string Blynk, string Mock, DateTimeOffset StartedAt, TimeSpan Duration, int Requests, bool RealService);

/// <summary>
/// The drift report: one row per probe (fact, source, mock's answer, service's answer, verdict) as markdown and JSON, the
/// skips with what to set up, the lab settings that would align the mock, and the UNCONFIRMED index. Everything in it
/// has passed through the run's redaction: no token appears in full.
/// </summary>
public static class DriftReport
{
    private static JsonSerializerOptions Indented => LabSetting.Readable;

    /// <summary>Writes drift.md, drift.json and requests.log to <paramref name="directory"/>.</summary>
    public static void Write(string directory, RunInfo run, IReadOnlyList<ProbeResult> results, IReadOnlyList<SentRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(requests);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "drift.md"), Markdown(run, results));
        File.WriteAllText(Path.Combine(directory, "drift.json"), Json(run, results).ToJsonString(Indented));
        File.WriteAllLines(Path.Combine(directory, "requests.log"), requests.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.At.TotalSeconds,8:0.000}s {r.Probe,-45} {r.Method} {r.Url}{(r.Body.Length > 0 ? "  body: " + r.Body : "")}  -> {(r.Status?.ToString(CultureInfo.InvariantCulture) ?? "no answer")} {r.Outcome}")));
    }

    public static string Markdown(RunInfo run, IReadOnlyList<ProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(results);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Contract drift: {run.Target}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Particle: `{run.Particle}` · Blynk: `{run.Blynk}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Compared with the mock: {run.Mock}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {run.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {run.Duration.TotalSeconds:0.0} s, {run.Requests} requests");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {Counts(results)}");
        md.AppendLine();
        md.AppendLine("Verdicts: **match** — the service answered as the mock does; **drift** — it did not (fix the mock, its lab option, or");
        md.AppendLine("contracts.md); **choice confirmed** — a real service showed the alternative the mock picked for an UNCONFIRMED");
        md.AppendLine("behaviour; **skipped** — something the probe needs is missing (it says what); **error** — the probe could not finish.");
        md.AppendLine();
        md.AppendLine("| fact | source | mock's answer | service's answer | verdict |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            var verdict = r.Verdict == Verdict.Drift ? "**drift**" : ProbeRunner.Label(r.Verdict);
            var kind = r.Probe.Kind == ProbeKind.Choice ? " *(choice)*" : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| `{r.Probe.Id}`{kind}: {Cell(r.Probe.Fact)} | {r.Probe.Source} | {Cell(r.MockAnswer)} | {Cell(r.ServiceAnswer ?? "—")} | {verdict} |");
        }

        Section(md, "Drift and errors", results.Where(r => r.Failed), r => $"- `{r.Probe.Id}` ({ProbeRunner.Label(r.Verdict)}): {r.Evidence}" + (r.Probe.Note is { } n ? $" — note: {n}" : ""));
        Section(md, "Skipped", results.Where(r => r.Verdict == Verdict.Skipped), r => $"- `{r.Probe.Id}`: {r.Evidence}");

        var settings = results.Where(r => r.Probe.Kind == ProbeKind.Choice && r.ServiceAnswer is not null).ToList();
        if (settings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Lab settings for the answers seen (`--write-lab-config <file>` writes them)");
            md.AppendLine();
            foreach (var r in settings)
            {
                var what = r.LabSettings is { Count: > 0 } s ? string.Join("; ", s.Select(x => "`" + x + "`")) : "no lab option models this answer: the mock's code decides it";
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{r.Probe.Id}` ({Cell(r.ServiceAnswer!)}): {what}");
            }
        }

        md.AppendLine();
        md.AppendLine("## Every UNCONFIRMED line of contracts.md");
        md.AppendLine();
        md.AppendLine("| id | source | what | probed by | verdicts |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var fact in UnconfirmedFacts.Unconfirmed)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {fact.Id} | {fact.Source} | {Cell(fact.Summary)} | {Probed(fact)} | {Verdicts(fact, results)} |");
        }

        md.AppendLine();
        md.AppendLine("## Every choice the mocks make (docs/contract-choices.md)");
        md.AppendLine();
        md.AppendLine("| id | choice | probed by | verdicts |");
        md.AppendLine("|---|---|---|---|");
        foreach (var fact in UnconfirmedFacts.MockChoices)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {fact.Id} | {Cell(fact.Summary)} | {Probed(fact)} | {Verdicts(fact, results)} |");
        }

        return md.ToString();
    }

    public static JsonObject Json(RunInfo run, IReadOnlyList<ProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(results);
        return new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["target"] = run.Target, ["particle"] = run.Particle, ["blynk"] = run.Blynk, ["mock"] = run.Mock, ["realService"] = run.RealService,
                ["startedAt"] = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                ["durationSeconds"] = Math.Round(run.Duration.TotalSeconds, 1), ["requests"] = run.Requests,
            },
            ["summary"] = Summary(results),
            ["probes"] = new JsonArray([.. results.Select(ProbeJson)]),
            ["unconfirmed"] = new JsonArray([.. UnconfirmedFacts.Unconfirmed.Select(f => FactJson(f, results))]),
            ["mockChoices"] = new JsonArray([.. UnconfirmedFacts.MockChoices.Select(f => FactJson(f, results))]),
        };
    }

    /// <summary>Writes self-test.md and self-test.json: the baseline run and every flip.</summary>
    public static void WriteSelfTest(string directory, IReadOnlyList<ProbeResult> baseline, IReadOnlyList<FlipResult> flips, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(flips);
        Directory.CreateDirectory(directory);
        var detected = flips.Count(f => f.Detected);
        var md = new StringBuilder();
        md.AppendLine("# Contract probes: mutation self-test");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Baseline (the probe lab, documented defaults): {Counts(baseline)} — drift.md beside this file");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Flips detected: **{detected} / {flips.Count}** ({flips.Count(f => !f.Flip.IsMutation)} UNCONFIRMED choices flipped through lab options, {flips.Count(f => f.Flip.IsMutation)} facts broken through the test-only `mutations` option)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {duration.TotalSeconds:0.0} s in all");
        md.AppendLine();
        md.AppendLine("| flip | change | detected | probes reporting drift | caught by its own probe | time |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in flips)
        {
            var drifts = f.Failure ?? (f.Drifts.Count == 0 ? "none" : string.Join(", ", f.Drifts.Select(d => "`" + d.Probe.Id + "`")));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| `{Cell(f.Flip.Name)}` | {Cell(f.Flip.Change)} | {(f.Detected ? "yes" : "**NO**")} | {drifts} | {(f.CaughtByItsProbe ? "yes" : "no")} | {f.Duration.TotalSeconds:0.0} s |");
        }

        var errors = flips.SelectMany(f => f.Results.Where(r => r.Verdict == Verdict.Error).Select(r => (f, r))).ToList();
        if (errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Probe errors during flips");
            md.AppendLine();
            foreach (var (f, r) in errors)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{f.Flip.Name}` / `{r.Probe.Id}`: {r.Evidence}");
            }
        }

        File.WriteAllText(Path.Combine(directory, "self-test.md"), md.ToString());
        var json = new JsonObject
        {
            ["detected"] = detected,
            ["flips"] = flips.Count,
            ["durationSeconds"] = Math.Round(duration.TotalSeconds, 1),
            ["baseline"] = Summary(baseline),
            ["results"] = new JsonArray([.. flips.Select(f => (JsonNode)new JsonObject
            {
                ["flip"] = f.Flip.Name,
                ["change"] = f.Flip.Change,
                ["mutation"] = f.Flip.IsMutation,
                ["detected"] = f.Detected,
                ["caughtByItsProbe"] = f.CaughtByItsProbe,
                ["failure"] = f.Failure,
                ["durationSeconds"] = Math.Round(f.Duration.TotalSeconds, 1),
                ["drift"] = new JsonArray([.. f.Drifts.Select(d => (JsonNode)new JsonObject { ["probe"] = d.Probe.Id, ["mock"] = d.MockAnswer, ["service"] = d.ServiceAnswer })]),
            })]),
        };
        File.WriteAllText(Path.Combine(directory, "self-test.json"), json.ToJsonString(Indented));
    }

    public static string Counts(IReadOnlyList<ProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} probes: {results.Count(r => r.Verdict == Verdict.Match)} match, {results.Count(r => r.Verdict == Verdict.Drift)} drift, {results.Count(r => r.Verdict == Verdict.ChoiceConfirmed)} choice confirmed, {results.Count(r => r.Verdict == Verdict.Skipped)} skipped, {results.Count(r => r.Verdict == Verdict.Error)} error");
    }

    private static JsonObject Summary(IReadOnlyList<ProbeResult> results) => new()
    {
        ["probes"] = results.Count,
        ["match"] = results.Count(r => r.Verdict == Verdict.Match),
        ["drift"] = results.Count(r => r.Verdict == Verdict.Drift),
        ["choiceConfirmed"] = results.Count(r => r.Verdict == Verdict.ChoiceConfirmed),
        ["skipped"] = results.Count(r => r.Verdict == Verdict.Skipped),
        ["error"] = results.Count(r => r.Verdict == Verdict.Error),
    };

    private static JsonNode ProbeJson(ProbeResult r) => new JsonObject
    {
        ["id"] = r.Probe.Id,
        ["fact"] = r.Probe.Fact,
        ["service"] = r.Probe.Service.ToString(),
        ["kind"] = r.Probe.Kind.ToString(),
        ["source"] = r.Probe.Source.ToString(),
        ["alsoCites"] = new JsonArray([.. r.Probe.AlsoCites.Select(c => (JsonNode)JsonValue.Create(c.ToString())!)]),
        ["alternatives"] = new JsonArray([.. r.Probe.Alternatives.Select(a => (JsonNode)JsonValue.Create(a)!)]),
        ["mock"] = r.MockAnswer,
        ["serviceAnswer"] = r.ServiceAnswer,
        ["verdict"] = ProbeRunner.Label(r.Verdict),
        ["evidence"] = r.Evidence,
        ["requests"] = r.Requests,
        ["maxRequests"] = r.Probe.MaxRequests,
        ["pauseMs"] = (int)r.Probe.Pause.TotalMilliseconds,
        ["changes"] = r.Probe.Changes,
        ["durationSeconds"] = Math.Round(r.Duration.TotalSeconds, 2),
        ["note"] = r.Probe.Note,
        ["labSettings"] = r.LabSettings is { } s ? new JsonObject(s.Select(x => KeyValuePair.Create(x.Path, x.Value?.DeepClone()))) : null,
    };

    private static JsonNode FactJson(CoveredFact fact, IReadOnlyList<ProbeResult> results) => new JsonObject
    {
        ["id"] = fact.Id,
        ["source"] = fact.Source.ToString(),
        ["what"] = fact.Summary,
        ["probes"] = new JsonArray([.. fact.Probes.Select(p => (JsonNode)JsonValue.Create(p)!)]),
        ["notProbed"] = fact.NotProbed,
        ["verdicts"] = new JsonObject(results.Where(r => fact.Probes.Contains(r.Probe.Id)).Select(r => KeyValuePair.Create(r.Probe.Id, (JsonNode?)JsonValue.Create(ProbeRunner.Label(r.Verdict))))),
    };

    private static string Probed(CoveredFact fact) =>
        fact.Probes.Count == 0 ? "not probed: " + Cell(fact.NotProbed ?? "") : string.Join(", ", fact.Probes.Select(p => "`" + p + "`")) + (fact.NotProbed is { } n ? " (" + Cell(n) + ")" : "");

    private static string Verdicts(CoveredFact fact, IReadOnlyList<ProbeResult> results) =>
        string.Join(", ", results.Where(r => fact.Probes.Contains(r.Probe.Id)).Select(r => ProbeRunner.Label(r.Verdict)).Distinct());

    private static void Section(StringBuilder md, string title, IEnumerable<ProbeResult> results, Func<ProbeResult, string> line)
    {
        var list = results.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## " + title);
        md.AppendLine();
        foreach (var r in list)
        {
            md.AppendLine(line(r));
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
