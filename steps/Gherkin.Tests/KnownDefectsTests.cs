using ParticleBlynk.Gherkin;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class KnownDefectsTests
{
    private static readonly string[] Tags = ["defects", "defect:seed-photon2-led", KnownDefects.Tag];

    [Fact]
    public async Task A_failed_assertion_reproduces_the_known_defect_and_the_case_passes()
    {
        // Given a case stating the correct behaviour, which the seed firmware fails
        static Task Run() => throw new XunitException("Expected the D7 LED to be on, but found off.");

        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(Run, Tags, output: null);

        // Then
        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task A_known_defect_case_that_passes_fails_saying_the_defect_looks_fixed()
    {
        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(() => Task.CompletedTask, Tags, output: null);

        // Then
        await run.Should().ThrowAsync<KnownDefectException>().WithMessage("Defect seed-photon2-led looks fixed*Remove @known-defect*");
    }

    [Fact]
    public async Task An_undefined_step_does_not_count_as_reproducing_the_defect()
    {
        // Given
        static Task Run() => throw new ScenarioNotPassedException("No matching step definition found for one or more steps.");

        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(Run, Tags, output: null);

        // Then
        await run.Should().ThrowAsync<ScenarioNotPassedException>();
    }

    [Fact]
    public async Task A_harness_crash_does_not_count_as_reproducing_the_defect()
    {
        // Given
        static Task Run() => throw new InvalidOperationException("The lab is already running");

        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(Run, Tags, output: null);

        // Then
        await run.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_known_defect_case_must_name_its_defect()
    {
        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(() => Task.CompletedTask, [KnownDefects.Tag], output: null);

        // Then
        await run.Should().ThrowAsync<KnownDefectException>().WithMessage("*@defect:<id>*");
    }
}

public sealed class KnownDefectsSkipTests
{
    [Fact]
    public async Task A_skipped_known_defect_case_stays_skipped_and_does_not_pass_as_reproduced()
    {
        // Given a target that cannot run the case (SkipException derives from XunitException)
        static Task Run() => throw SkipException.ForSkip("Target 'hardware': no board attached.");

        // When
        var run = () => KnownDefects.RunExpectingFailureAsync(Run, ["defect:seed-photon2-led", KnownDefects.Tag], output: null);

        // Then
        await run.Should().ThrowAsync<SkipException>();
    }
}

public sealed class KnownDefectStatusTests
{
    private static async Task<KnownDefectEvidence> RunAsync(string title)
    {
        var feature = FeatureCatalog.Load("Fixtures/known_defect.feature");
        var scenario = feature.Scenarios.First(s => s.DisplayName.Contains(title, StringComparison.Ordinal));
        KnownDefectEvidence? seen = null;
        await KnownDefects.RunExpectingFailureAsync(
            evidence =>
            {
                seen = evidence;
                return ScenarioExecutor.RunAsync(typeof(KnownDefectStatusTests).Assembly, feature, scenario, TestContext.Current.TestOutputHelper, evidence);
            },
            scenario.Categories,
            TestContext.Current.TestOutputHelper);
        return seen!;
    }

    [Fact]
    public async Task A_reproduced_defect_is_recorded_as_evidence_and_its_step_does_not_fail_the_scenario()
    {
        // Given a known-defect case whose assertion fails on the seed firmware
        // When it runs through the scenario executor (a failed step would make CollectScenarioErrorsAsync throw)
        var evidence = await RunAsync("on the seed firmware");

        // Then the defect is reproduced, named, and the failed assertion kept with its step
        evidence.Reproduced.Should().BeTrue();
        evidence.DefectIds.Should().Equal("fixture-defect");
        evidence.Failures.Should().ContainSingle().Which.Should().Be("the assertion \"fails\" holds: Expected the D7 LED to be on, but found off.");
    }

    [Fact]
    public async Task A_known_defect_that_no_longer_reproduces_fails_saying_it_looks_fixed()
    {
        // Given / When
        var run = () => RunAsync("on the repaired firmware");

        // Then
        await run.Should().ThrowAsync<KnownDefectException>().WithMessage("Defect fixture-defect looks fixed*");
    }

    [Fact]
    public void The_note_under_the_step_names_the_defect_and_the_assertion()
    {
        // Given
        var evidence = new KnownDefectEvidence(["seed-wrap-gap"]);

        // When
        var note = evidence.Record("the gap is at most 301 seconds", "Expected 600 to be at most 301.");

        // Then
        note.Should().Be("KNOWN DEFECT seed-wrap-gap reproduced (expected failure) at \"the gap is at most 301 seconds\": Expected 600 to be at most 301.");
    }
}
