using ParticleBlynk.Gherkin;
using Reqnroll;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class SignOffSummaryTests
{
    private static readonly RunEnvironment Run = new("emulator", "the firmware emulator and both mocks", "0123456789ab", new DateTimeOffset(2026, 12, 1, 2, 50, 0, TimeSpan.Zero));

    private static CaseRecord Case(string feature, string scenario, CaseOutcome outcome, string? reason = null, string[]? defects = null, string[]? choices = null) =>
        new(feature, scenario, outcome, reason, defects ?? [], choices ?? [], "Boron, seed sketch, Device OS default");

    [Fact]
    public void The_headline_counts_a_reproduced_known_defect_as_passed_and_the_run_as_passed()
    {
        // Given
        CaseRecord[] cases =
        [
            Case("LED echo", "The LED follows", CaseOutcome.Passed),
            Case("Seed firmware defects", "Wrap gap [firmware=seed]", CaseOutcome.KnownDefectReproduced, "the gap: Expected 600 to be at most 301.", ["seed-wrap-gap"]),
            Case("Serial link", "The port goes away", CaseOutcome.Skipped, "Target 'emulator' lacks serial-port"),
        ];

        // When
        var summary = SignOffSummary.Render(Run, cases);

        // Then
        summary.Should().StartWith("# Sign-off: PASSED on target `emulator`\n\n3 scenario cases: 2 passed (of which 1 known defects reproduced), 0 failed, 1 skipped.");
        summary.Should().Contain("| seed-wrap-gap | Wrap gap [firmware=seed] | Boron, seed sketch, Device OS default | the gap: Expected 600 to be at most 301. |");
        summary.Should().Contain("- 1 × Target 'emulator' lacks serial-port");
        summary.Should().Contain("| git commit | `0123456789ab` |").And.Contain("| date (UTC) | 2026-12-01 02:50:00 |");
    }

    [Fact]
    public void A_failure_fails_the_run_and_is_listed_with_the_first_line_of_its_reason()
    {
        // Given
        CaseRecord[] cases = [Case("LED echo", "The LED follows", CaseOutcome.Failed, "Expected True | but found False.\n   at Steps.ThenLed()")];

        // When
        var summary = SignOffSummary.Render(Run, cases);

        // Then
        summary.Should().StartWith("# Sign-off: FAILED on target `emulator`");
        summary.Should().Contain("- LED echo: The LED follows — Expected True \\| but found False.\n").And.NotContain("Steps.ThenLed");
        summary.Should().Contain("| LED echo | 0 | 0 | 1 | 0 |");
    }

    [Fact]
    public void The_unconfirmed_choices_are_listed_with_the_outcome_of_each_case_that_depends_on_them()
    {
        // Given
        string[] tags = ["L4", "unconfirmed:blynk.webhook.fires-on-http-write"];
        CaseRecord[] cases =
        [
            Case("V16 feedback", "Quota [choice=fires]", CaseOutcome.Passed, choices: [.. CaseRecord.ChoicesOf(tags)]),
            Case("V16 feedback", "Quota [choice=does not fire]", CaseOutcome.Passed, choices: [.. CaseRecord.ChoicesOf(tags)]),
        ];

        // When
        var summary = SignOffSummary.Render(Run, cases);

        // Then
        summary.Should().Contain("- `blynk.webhook.fires-on-http-write` (docs/contract-choices.md): 2 cases, each run under every alternative\n  - Quota [choice=fires]: passed\n  - Quota [choice=does not fire]: passed");
    }

    [Fact]
    public void A_known_defect_case_is_reproduced_only_with_evidence_and_fails_as_looks_fixed_without()
    {
        // Given
        var reproduced = new KnownDefectEvidence(["seed-v15-out-of-range"]);
        reproduced.Record("every v15 is within 0 and 3.3 V", "Expected 3.4 to be at most 3.3.");

        // When / Then
        CaseRecord.Classify(ScenarioExecutionStatus.OK, null, reproduced).Should().Be((CaseOutcome.KnownDefectReproduced, "every v15 is within 0 and 3.3 V: Expected 3.4 to be at most 3.3."));
        CaseRecord.Classify(ScenarioExecutionStatus.OK, null, new KnownDefectEvidence(["seed-v15-out-of-range"])).Outcome.Should().Be(CaseOutcome.Failed);
        CaseRecord.Classify(ScenarioExecutionStatus.OK, null, null).Should().Be((CaseOutcome.Passed, (string?)null));
        CaseRecord.Classify(ScenarioExecutionStatus.Skipped, SkipException.ForSkip("lacks serial-port"), null).Should().Be((CaseOutcome.Skipped, "lacks serial-port"));
        CaseRecord.Classify(ScenarioExecutionStatus.Skipped, new XunitException("$XunitDynamicSkip$lacks serial-port"), null).Reason.Should().Be("lacks serial-port");
        CaseRecord.Classify(ScenarioExecutionStatus.TestError, new XunitException("boom"), reproduced).Should().Be((CaseOutcome.Failed, "boom"));
    }
}
