using System.Globalization;
using System.Text;
using Reqnroll;

namespace ParticleBlynk.Gherkin;

/// <summary>How one scenario case ended, as the sign-off reads it.</summary>
public enum CaseOutcome
{
    Passed,
    KnownDefectReproduced,
    Failed,
    Skipped,
}

/// <summary>One scenario case of a run: its feature, name, outcome (with the reason when not plainly passed), defects, choices and board.</summary>
public sealed record CaseRecord(
    string Feature,
    string Scenario,
    CaseOutcome Outcome,
    string? Reason,
    IReadOnlyList<string> DefectIds,
    IReadOnlyList<string> UnconfirmedChoices,
    string Board)
{
    public const string UnconfirmedTagPrefix = "unconfirmed:";

    /// <summary>The choice ids named by <c>@unconfirmed:&lt;choice-id&gt;</c> tags.</summary>
    public static IReadOnlyList<string> ChoicesOf(IEnumerable<string> tags) =>
        [.. tags.Where(t => t.StartsWith(UnconfirmedTagPrefix, StringComparison.Ordinal)).Select(t => t[UnconfirmedTagPrefix.Length..]).Distinct()];

    /// <summary>
    /// The outcome of a case from Reqnroll's status after its steps: a known-defect case whose steps all passed is a
    /// reproduced defect when its evidence holds a failed assertion, else a failure (the defect looks fixed).
    /// </summary>
    public static (CaseOutcome Outcome, string? Reason) Classify(ScenarioExecutionStatus status, Exception? error, KnownDefectEvidence? evidence) =>
        status switch
        {
            // xunit.v3 prefixes a dynamic skip's message with a marker the reader does not need.
            ScenarioExecutionStatus.Skipped => (CaseOutcome.Skipped, error?.Message.Replace("$XunitDynamicSkip$", "", StringComparison.Ordinal)),
            ScenarioExecutionStatus.OK when evidence is { Reproduced: true } => (CaseOutcome.KnownDefectReproduced, evidence.Failures[0]),
            ScenarioExecutionStatus.OK when evidence is not null => (CaseOutcome.Failed, evidence.LooksFixed().Message),
            ScenarioExecutionStatus.OK => (CaseOutcome.Passed, null),
            _ => (CaseOutcome.Failed, error?.Message ?? status.ToString()),
        };
}

/// <summary>What a run ran on: the target, the boards and firmware of its cases, the code's commit, when.</summary>
public sealed record RunEnvironment(string Target, string TargetSummary, string GitCommit, DateTimeOffset Date);

/// <summary>
/// The one-page sign-off of a run (signoff.md in the run's results folder): the headline, the environment, features ×
/// outcome, what did not pass and why, the defects reproduced, and the UNCONFIRMED contract choices the run depended on.
/// Reasons are one line, at most <see cref="MaxReason"/> characters, already redacted by the caller.
/// </summary>
public static class SignOffSummary
{
    public const int MaxReason = 160;

    public static string Headline(RunEnvironment run, IReadOnlyCollection<CaseRecord> cases)
    {
        int Count(CaseOutcome o) => cases.Count(c => c.Outcome == o);
        var failed = Count(CaseOutcome.Failed);
        var passed = Count(CaseOutcome.Passed) + Count(CaseOutcome.KnownDefectReproduced);
        return $"# Sign-off: {(failed == 0 ? "PASSED" : "FAILED")} on target `{run.Target}`{Environment.NewLine}{Environment.NewLine}"
            + $"{cases.Count} scenario cases: {passed} passed (of which {Count(CaseOutcome.KnownDefectReproduced)} known defects reproduced), "
            + $"{failed} failed, {Count(CaseOutcome.Skipped)} skipped.";
    }

    public static string Render(RunEnvironment run, IReadOnlyCollection<CaseRecord> cases)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line(Headline(run, cases).Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
        Line("A reproduced known defect counts as passed, as in TRX and in reqnroll_report.html (its step carries the note \"KNOWN DEFECT <id> reproduced\"); one that stops reproducing is a failure.");
        Line();
        Line("## Run");
        Line();
        Line("| | |");
        Line("|---|---|");
        Line($"| target | `{run.Target}`: {Cell(run.TargetSummary)} |");
        Line($"| boards (platform, firmware sketch, Device OS) | {Cell(string.Join("; ", cases.Select(c => c.Board).Distinct().Order(StringComparer.Ordinal)))} |");
        Line($"| git commit | `{run.GitCommit}` |");
        Line($"| date (UTC) | {run.Date.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} |");
        Line();
        Line($"## Features × outcome on `{run.Target}`");
        Line();
        Line("| feature | passed | known defect reproduced | failed | skipped |");
        Line("|---|---|---|---|---|");
        foreach (var feature in cases.GroupBy(c => c.Feature).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int Count(CaseOutcome o) => feature.Count(c => c.Outcome == o);
            Line($"| {Cell(feature.Key)} | {Count(CaseOutcome.Passed)} | {Count(CaseOutcome.KnownDefectReproduced)} | {Count(CaseOutcome.Failed)} | {Count(CaseOutcome.Skipped)} |");
        }

        Line();
        Line("## Failed");
        Line();
        var failed = cases.Where(c => c.Outcome == CaseOutcome.Failed).ToList();
        if (failed.Count == 0)
        {
            Line("None.");
        }

        foreach (var c in failed)
        {
            Line($"- {Cell(c.Feature)}: {Cell(c.Scenario)} — {Reason(c.Reason)}");
        }

        Line();
        Line("## Skipped, by reason");
        Line();
        var skipped = cases.Where(c => c.Outcome == CaseOutcome.Skipped).GroupBy(c => Reason(c.Reason)).OrderByDescending(g => g.Count()).ToList();
        if (skipped.Count == 0)
        {
            Line("None.");
        }

        foreach (var reason in skipped)
        {
            Line($"- {reason.Count()} × {reason.Key}");
        }

        Line();
        Line("## Defects found (known defects reproduced)");
        Line();
        var defects = cases.Where(c => c.Outcome == CaseOutcome.KnownDefectReproduced).ToList();
        if (defects.Count == 0)
        {
            Line("None.");
        }
        else
        {
            Line("| defect | scenario | board | what failed |");
            Line("|---|---|---|---|");
            foreach (var c in defects.OrderBy(c => string.Join(",", c.DefectIds), StringComparer.Ordinal))
            {
                Line($"| {string.Join(", ", c.DefectIds)} | {Cell(c.Scenario)} | {Cell(c.Board)} | {Reason(c.Reason)} |");
            }
        }

        Line();
        Line("## UNCONFIRMED contract choices this run depended on");
        Line();
        var choices = cases.SelectMany(c => c.UnconfirmedChoices.Select(choice => (choice, c))).GroupBy(x => x.choice).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (choices.Count == 0)
        {
            Line("No case is tagged `@unconfirmed:<choice-id>`.");
        }

        foreach (var choice in choices)
        {
            Line($"- `{choice.Key}` (docs/contract-choices.md): {choice.Count()} cases, each run under every alternative");
            foreach (var (_, c) in choice)
            {
                Line($"  - {Cell(c.Scenario)}: {Name(c.Outcome)}");
            }
        }

        Line();
        Line("Every other behaviour the mocks choose where the clouds' docs are silent is listed, with its default, in docs/contract-choices.md.");
        return text.ToString();
    }

    private static string Name(CaseOutcome outcome) => outcome switch
    {
        CaseOutcome.KnownDefectReproduced => "known defect reproduced",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static string Reason(string? reason)
    {
        var line = (reason ?? "no reason given").Split('\n', 2)[0].Trim();
        return Cell(line.Length <= MaxReason ? line : line[..MaxReason] + "…");
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

/// <summary>The case records of one run, filled by an AfterScenario hook; the run's fixture owns one and writes the summary at its end.</summary>
public sealed class SignOffLog
{
    private readonly Lock gate = new();
    private readonly List<CaseRecord> cases = [];

    public void Add(CaseRecord record)
    {
        lock (gate)
        {
            cases.Add(record);
        }
    }

    public IReadOnlyList<CaseRecord> Cases
    {
        get
        {
            lock (gate)
            {
                return [.. cases];
            }
        }
    }
}
