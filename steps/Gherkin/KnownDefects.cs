using Xunit;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// Strict expected failures. A case tagged <c>@known-defect</c> (usually an Examples block) states the correct
/// behaviour of something known to be broken, with the defect named by a <c>@defect:&lt;id&gt;</c> tag: it runs, it
/// must fail (reported as the known defect reproduced), and if it ever passes the test fails saying the defect
/// looks fixed — so a fix is noticed and the tag removed, never silently kept.
/// </summary>
public static class KnownDefects
{
    public const string Tag = "known-defect";
    public const string DefectTagPrefix = "defect:";

    public static bool IsExpectedFailure(IReadOnlyCollection<string> categories) => categories.Contains(Tag);

    public static async Task RunExpectingFailureAsync(Func<Task> run, IReadOnlyCollection<string> categories, ITestOutputHelper? output)
    {
        var defects = categories.Where(c => c.StartsWith(DefectTagPrefix, StringComparison.Ordinal)).Select(c => c[DefectTagPrefix.Length..]).ToList();
        if (defects.Count == 0)
        {
            throw new KnownDefectException($"A case tagged @{Tag} must name its defect with a @{DefectTagPrefix}<id> tag.");
        }

        var ids = string.Join(", ", defects);
        try
        {
            await run();
        }
        catch (Exception failure) when (IsAssertionFailure(failure))
        {
            output?.WriteLine($"KNOWN DEFECT {ids} reproduced (expected failure): {failure.Message}");
            return;
        }

        throw new KnownDefectException(
            $"Defect {ids} looks fixed: this case is tagged @{Tag} but passed. Remove @{Tag} from it (and close the defect).");
    }

    // Only a failed assertion reproduces a defect: an undefined or pending step, a broken feature file or a crash in
    // the harness (InvalidOperationException, TimeoutException…) must fail the test, not pass as "reproduced".
    private static bool IsAssertionFailure(Exception failure) =>
        failure is XunitException and not SkipException and not ScenarioNotPassedException and not FeatureFileException and not KnownDefectException;
}

/// <summary>A known-defect case that did not behave as declared.</summary>
public sealed class KnownDefectException(string message) : XunitException(message);
