using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>Set-ups and checks the seed firmware's defects need (features/defects/seed_defects.feature).</summary>
[Binding]
public sealed class DefectSteps(LabDriver lab)
{
    [Given("the cloud connects {int} seconds after power-on")]
    public void GivenTheCloudConnectsLate(int seconds) =>
        lab.Configure(o => o with { CloudConnectDelay = TimeSpan.FromSeconds(seconds) }, Capability.DeviceControl, "Delaying the cloud connection");

    [Given("millis\\() is {int} minutes short of its wrap at power-on")]
    public void GivenMillisNearTheWrap(int minutes) =>
        lab.Configure(o => o with { MillisAtBoot = unchecked((uint)(0x1_0000_0000L - (minutes * 60_000L))) }, Capability.DeviceControl, "Starting millis() near its wrap");

    /// <summary>The simulated sensor reads NaN (e.g. a broken ADC conversion).</summary>
    [When("v15 is set to NaN")]
    public async Task WhenV15IsSetToNaN() => await lab.DeviceControl("Setting v15").SetV15Async(double.NaN);

    [When("v15 is set to {double}")]
    public async Task WhenV15IsSetTo(double value) => await lab.DeviceControl("Setting v15").SetV15Async(value);

    [Then("every publish is valid JSON")]
    public void ThenEveryPublishIsValidJson() =>
        lab.Publishes.Select(p => p.Data).Should().OnlyContain(d => LabDriver.IsJsonObject(d), $"every payload should be a JSON object. {lab.JournalText()}");

    [Then("every published v15 is within {double} and {double} V")]
    public void ThenEveryV15IsWithin(double min, double max)
    {
        var values = lab.PublishedV15();
        values.Should().NotBeEmpty(lab.JournalText());
        values.Should().OnlyContain(v => v >= min && v <= max, $"v15 should stay within {min.ToString(CultureInfo.InvariantCulture)}–{max.ToString(CultureInfo.InvariantCulture)} V. Publishes:{Environment.NewLine}{lab.PublishesText()}{Environment.NewLine}{lab.JournalText()}");
    }

    [Then("the first publish after the millis\\() wrap comes at most {double} seconds after the one before")]
    public void ThenTheGapAcrossTheWrapIsAtMost(double seconds)
    {
        var gap = lab.GapAcrossTheWrapSeconds();
        gap.Should().NotBeNull($"a publish should follow the wrap. Publishes:{Environment.NewLine}{lab.PublishesText()}");
        gap!.Value.Should().BeLessThanOrEqualTo(seconds, $"the gap across the wrap was {gap.Value.ToString("0.###", CultureInfo.InvariantCulture)} s. Publishes:{Environment.NewLine}{lab.PublishesText()}{Environment.NewLine}{lab.JournalText()}");
    }
}
