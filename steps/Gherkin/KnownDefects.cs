using Reqnroll;
using Xunit;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// Strict expected failures. A case tagged <c>@known-defect</c> (usually an Examples block) states the correct
/// behaviour of something known to be broken, with the defect named by a <c>@defect:&lt;id&gt;</c> tag: it runs, it
/// must fail an assertion (reported as the known defect reproduced), and if it ever passes the test fails saying the
/// defect looks fixed — so a fix is noticed and the tag removed, never silently kept.
/// <para>
/// In Reqnroll's HTML and message reports a reproduced defect is not a failure: the step whose assertion failed is
/// recorded as passed with a note "KNOWN DEFECT &lt;id&gt; reproduced: &lt;the assertion&gt;" (see
/// <see cref="RedactingBindingInvoker"/>), so the report's headline agrees with TRX; a case that stops reproducing
/// fails in both (<see cref="KnownDefectHooks"/>).
/// </para>
/// </summary>
public static class KnownDefects
{
    public const string Tag = "known-defect";
    public const string DefectTagPrefix = "defect:";

    public static bool IsExpectedFailure(IReadOnlyCollection<string> categories) => categories.Contains(Tag);

    /// <summary>The defect ids named by <c>@defect:&lt;id&gt;</c> tags.</summary>
    public static IReadOnlyList<string> DefectIds(IEnumerable<string> tags) =>
        [.. tags.Where(c => c.StartsWith(DefectTagPrefix, StringComparison.Ordinal)).Select(c => c[DefectTagPrefix.Length..]).Distinct()];

    public static Task RunExpectingFailureAsync(Func<Task> run, IReadOnlyCollection<string> categories, ITestOutputHelper? output) =>
        RunExpectingFailureAsync(_ => run(), categories, output);

    /// <summary>
    /// Runs a known-defect case. <paramref name="run"/> gets the case's <see cref="KnownDefectEvidence"/> (the scenario
    /// registers it so that a failed step assertion is recorded there instead of failing the step).
    /// </summary>
    public static async Task RunExpectingFailureAsync(Func<KnownDefectEvidence, Task> run, IReadOnlyCollection<string> categories, ITestOutputHelper? output)
    {
        var defects = DefectIds(categories);
        if (defects.Count == 0)
        {
            throw new KnownDefectException($"A case tagged @{Tag} must name its defect with a @{DefectTagPrefix}<id> tag.");
        }

        var evidence = new KnownDefectEvidence(defects);
        try
        {
            await run(evidence);
        }
        catch (Exception failure) when (IsAssertionFailure(failure))
        {
            output?.WriteLine($"KNOWN DEFECT {evidence.Ids} reproduced (expected failure): {failure.Message}");
            return;
        }

        if (evidence.Reproduced)
        {
            output?.WriteLine($"KNOWN DEFECT {evidence.Ids} reproduced (expected failure): {string.Join(Environment.NewLine, evidence.Failures)}");
            return;
        }

        throw evidence.LooksFixed();
    }

    // Only a failed assertion reproduces a defect: an undefined or pending step, a broken feature file or a crash in
    // the harness (InvalidOperationException, TimeoutException…) must fail the test, not pass as "reproduced".
    public static bool IsAssertionFailure(Exception failure) =>
        failure is XunitException and not SkipException and not ScenarioNotPassedException and not FeatureFileException and not KnownDefectException;
}

/// <summary>
/// What one known-defect case reproduced: the defect ids and each failed step assertion (messages already redacted).
/// One instance per case, registered in its scenario container.
/// </summary>
public sealed class KnownDefectEvidence(IReadOnlyList<string> defectIds)
{
    private readonly Lock gate = new();
    private readonly List<string> failures = [];

    public IReadOnlyList<string> DefectIds { get; } = defectIds;

    public string Ids => string.Join(", ", DefectIds);

    public bool Reproduced
    {
        get
        {
            lock (gate)
            {
                return failures.Count > 0;
            }
        }
    }

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (gate)
            {
                return [.. failures];
            }
        }
    }

    /// <summary>Records a failed assertion of <paramref name="step"/>; returns the note the report shows under the step.</summary>
    public string Record(string step, string message)
    {
        lock (gate)
        {
            failures.Add($"{step}: {message}");
        }

        return $"KNOWN DEFECT {Ids} reproduced (expected failure) at \"{step}\": {message}";
    }

    public KnownDefectException LooksFixed() =>
        new($"Defect {Ids} looks fixed: this case is tagged @{KnownDefects.Tag} but passed. Remove @{KnownDefects.Tag} from it (and close the defect).");
}

/// <summary>
/// The last AfterScenario hook of a known-defect case: one whose steps all passed without reproducing its defect fails
/// here, so the HTML and message reports show it failed ("looks fixed"), as TRX does. The test project lists this
/// assembly under <c>bindingAssemblies</c> in reqnroll.json.
/// </summary>
[Binding]
public sealed class KnownDefectHooks(ScenarioContext scenario)
{
    [AfterScenario(Order = int.MaxValue)]
    public void FailWhenTheDefectLooksFixed()
    {
        if (scenario.ScenarioContainer.IsRegistered<KnownDefectEvidence>()
            && scenario.ScenarioExecutionStatus == ScenarioExecutionStatus.OK
            && scenario.ScenarioContainer.Resolve<KnownDefectEvidence>() is { Reproduced: false } evidence)
        {
            throw evidence.LooksFixed();
        }
    }
}

/// <summary>A known-defect case that did not behave as declared.</summary>
public sealed class KnownDefectException(string message) : XunitException(message);
