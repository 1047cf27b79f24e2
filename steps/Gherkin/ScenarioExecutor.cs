using System.Reflection;
using Reqnroll;
using Xunit;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// Runs one <see cref="ScenarioCase"/> through Reqnroll's test-runner API with the same calls, in the same order,
/// as the code the Reqnroll xUnit generator would emit (see shared/reqnroll-runtime.md §2).
/// </summary>
public static class ScenarioExecutor
{
    /// <summary>Runs one case; a known-defect case passes its <paramref name="evidence"/>, registered in the scenario container.</summary>
    public static async Task RunAsync(Assembly testAssembly, FeatureDocument feature, ScenarioCase scenario, ITestOutputHelper? output = null, KnownDefectEvidence? evidence = null)
    {
        var featureInfo = feature.Info ?? throw new InvalidOperationException($"Feature '{feature.RelativePath}' did not load: {feature.Error?.Message}");

        // Pitfall 3: the assembly is passed explicitly, a stack walk from this library would find the wrong one.
        var runner = TestRunnerManager.GetTestRunnerForAssembly(testAssembly, featureHint: featureInfo);
        Exception? scenarioError = null;
        try
        {
            await InitializeAsync(runner, featureInfo);
            await RunScenarioAsync(runner, scenario, output, evidence);
        }
        catch (Exception e)
        {
            scenarioError = e;
        }

        Exception? cleanupError = null;
        try
        {
            await runner.OnScenarioEndAsync();
        }
        catch (Exception e)
        {
            cleanupError = e;
        }
        finally
        {
            TestRunnerManager.ReleaseTestRunner(runner);
        }

        // The generated code reports a teardown error as an xUnit cleanup failure next to the test failure; report both here too.
        switch (scenarioError, cleanupError)
        {
            case (null, null):
                return;
            case ({ } only, null):
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(only).Throw();
                return;
            case (null, { } only):
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(only).Throw();
                return;
            default:
                throw new ScenarioAndCleanupFailedException(scenarioError!, cleanupError!);
        }
    }

    private static async Task InitializeAsync(ITestRunner runner, FeatureInfo featureInfo)
    {
        try
        {
            // A runner that last ran another feature closes it first (AfterFeature), as TestInitializeAsync does.
            if (runner.FeatureContext != null && !runner.FeatureContext.FeatureInfo.Equals(featureInfo))
            {
                await runner.OnFeatureEndAsync();
            }
        }
        finally
        {
            if (runner.FeatureContext?.BeforeFeatureHookFailed == true)
            {
                throw new ReqnrollException("Scenario skipped because of previous before feature hook error");
            }

            if (runner.FeatureContext == null)
            {
                await runner.OnFeatureStartAsync(featureInfo);
            }
        }
    }

    private static async Task RunScenarioAsync(ITestRunner runner, ScenarioCase scenario, ITestOutputHelper? output, KnownDefectEvidence? evidence)
    {
        var scenarioInfo = new ScenarioInfo(scenario.Title, scenario.Description, scenario.ScenarioTags, scenario.Arguments, scenario.InheritedTags, scenario.Id);
        runner.OnScenarioInitialize(scenarioInfo, scenario.Rule);
        if (output != null)
        {
            runner.ScenarioContext.ScenarioContainer.RegisterInstanceAs(output);
        }

        if (evidence != null)
        {
            runner.ScenarioContext.ScenarioContainer.RegisterInstanceAs(evidence);
        }

        if (TagHelper.ContainsIgnoreTag(scenarioInfo.CombinedTags) || TagHelper.ContainsIgnoreTag(scenario.InheritedTags))
        {
            await runner.SkipScenarioAsync();
        }
        else
        {
            await runner.OnScenarioStartAsync();
            foreach (var step in scenario.Steps)
            {
                await RunStepAsync(runner, step);
            }
        }

        await runner.CollectScenarioErrorsAsync();
    }

    private static Task RunStepAsync(ITestRunner runner, ScenarioStep step) => step.Keyword switch
    {
        StepKeyword.Given => runner.GivenAsync(step.Text, step.DocString, step.Table, step.KeywordText),
        StepKeyword.When => runner.WhenAsync(step.Text, step.DocString, step.Table, step.KeywordText),
        StepKeyword.Then => runner.ThenAsync(step.Text, step.DocString, step.Table, step.KeywordText),
        StepKeyword.But => runner.ButAsync(step.Text, step.DocString, step.Table, step.KeywordText),
        _ => runner.AndAsync(step.Text, step.DocString, step.Table, step.KeywordText),
    };
}

/// <summary>A scenario failed and its teardown (AfterScenario hooks) failed too; the message carries both.</summary>
public sealed class ScenarioAndCleanupFailedException(Exception scenarioError, Exception cleanupError)
    : AggregateException(
        "The scenario failed and its AfterScenario cleanup failed too."
        + $"{Environment.NewLine}Scenario: {scenarioError.GetType().FullName}: {scenarioError.Message}"
        + $"{Environment.NewLine}Cleanup: {cleanupError.GetType().FullName}: {cleanupError.Message}",
        scenarioError,
        cleanupError)
{
    public Exception ScenarioError { get; } = scenarioError;

    public Exception CleanupError { get; } = cleanupError;
}
