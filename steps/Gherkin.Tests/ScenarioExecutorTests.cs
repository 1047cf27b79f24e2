using Reqnroll;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class ScenarioExecutorTests
{
    private static Task Run(string featurePath, string title)
    {
        var feature = FeatureCatalog.Load(featurePath);
        var scenario = feature.Scenarios.First(s => s.DisplayName.EndsWith(title, StringComparison.Ordinal));
        return ScenarioExecutor.RunAsync(typeof(ScenarioExecutorTests).Assembly, feature, scenario, TestContext.Current.TestOutputHelper);
    }

    [Fact]
    public async Task Runs_background_and_scenario_steps_to_a_pass()
    {
        // Given / When
        var run = () => Run("Fixtures/led_echo.feature", "Boot publish");

        // Then
        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task Runs_an_examples_row_with_its_values()
    {
        // Given / When
        var run = () => Run("Fixtures/led_echo.feature", "[value=1, led=on]");

        // Then
        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task Fails_an_undefined_step_with_a_ready_made_step_definition()
    {
        // Given / When
        var run = () => Run("Fixtures/undefined_step.feature", "Nobody wrote this step");

        // Then
        var failure = await run.Should().ThrowAsync<ScenarioNotPassedException>();
        failure.Which.Message.Should().Contain("No matching step definition")
            .And.Contain("[When(\"the operator presses the square root button\")]");
    }

    [Fact]
    public async Task Reports_both_the_step_error_and_the_after_scenario_error()
    {
        // Given / When
        var run = () => Run("Fixtures/cleanup.feature", "Step and cleanup both fail");

        // Then
        var failure = (await run.Should().ThrowAsync<ScenarioAndCleanupFailedException>()).Which;
        failure.ScenarioError.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("LED stayed off");
        failure.CleanupError.Message.Should().Contain("mock did not stop");
        failure.Message.Should().Contain("LED stayed off").And.Contain("mock did not stop");
    }

    [Fact]
    public async Task Reports_an_after_scenario_error_on_its_own_when_the_steps_passed()
    {
        // Given / When
        var run = () => Run("Fixtures/cleanup.feature", "Only cleanup fails");

        // Then
        (await run.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("mock did not stop");
    }

    [Theory]
    [InlineData(ScenarioExecutionStatus.Skipped, "-> not run: the scenario is skipped (the reason is above)")]
    [InlineData(ScenarioExecutionStatus.TestError, "-> skipped because of previous errors")]
    [InlineData(ScenarioExecutionStatus.BindingError, "-> skipped because of previous errors")]
    public void A_skipped_scenarios_steps_do_not_read_as_skipped_after_errors(ScenarioExecutionStatus scenario, string line) =>
        TestOutputTraceListener.ToolLine(TestOutputTraceListener.SkippedAfterErrors, scenario).Should().Be(line);
}
