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
