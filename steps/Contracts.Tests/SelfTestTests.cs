using ParticleBlynk.Contracts.Labs;

namespace ParticleBlynk.Contracts.Tests;

/// <summary>
/// A subset of the mutation self-test (scripts/contracts.sh --self-test runs all 21): one flip per kind of probe — a
/// Particle webhook rendering, a Blynk datastream rule, the V16 loop, its timing — and the broken facts of both mocks.
/// </summary>
public sealed class SelfTestTests
{
    public static TheoryData<string> Flips { get; } =
    [
        "particle.numberRendering = \"Verbatim\"",
        "blynk.behaviour.integerOverflow = \"Clamp\"",
        "blynk.behaviour.httpApiWriteFiresWebhook = false",
        "blynk.behaviour.webhookDispatchDelay = \"00:00:02\"",
        "particle.mutations = [InvalidTokenWithoutErrorCode]",
        "blynk.mutations = [RedirectWithoutLocation]",
    ];

    [Theory]
    [MemberData(nameof(Flips))]
    public async Task A_flipped_lab_is_reported_as_drift_by_the_probe_that_concerns_it(string name)
    {
        // Given the probe lab with one flip
        var flip = LabFlips.ByName(name);

        // When
        var results = await SelfTest.RunAsync(new InProcessLabStarter(), LabTokens.Fresh(), [flip], cancellationToken: TestContext.Current.CancellationToken);

        // Then
        var result = results.Should().ContainSingle().Subject;
        result.Failure.Should().BeNull();
        result.Detected.Should().BeTrue("a flip no probe reports fails the self-test");
        result.CaughtByItsProbe.Should().BeTrue($"{string.Join(", ", flip.Concerns)} should report it; drift came from {string.Join(", ", result.Drifts.Select(d => d.Probe.Id))}");
    }
}
