using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>Setting up the lab and letting time pass.</summary>
[Binding]
public sealed class LabSteps(LabDriver lab)
{
    [Given("the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template")]
    public void GivenTheStandardLab() => lab.Configure(_ => LabSpec.Standard());

    [Given("^the standard lab with an? (.+) running the (seed|fixed) firmware$")]
    public void GivenTheStandardLabWith(string platform, string firmware) =>
        lab.Configure(_ => LabSpec.Standard() with { Platform = Platforms.Parse(platform), Firmware = Enum.Parse<FirmwareKind>(firmware, ignoreCase: true) });

    [Given("the device has made its boot publish")]
    public Task GivenTheBootPublish() => lab.WaitForPublishesAsync(1, TimeSpan.FromSeconds(10));

    [When("the device powers on and {int} seconds pass")]
    public async Task WhenPowerOnAndWait(int seconds)
    {
        await lab.PowerOnAsync();
        await lab.PassAsync(TimeSpan.FromSeconds(seconds));
    }

    [When("{int} minute(s) pass(es)")]
    public Task WhenMinutesPass(int minutes) => lab.PassAsync(TimeSpan.FromMinutes(minutes));

    [When("{int} second(s) pass(es)")]
    public Task WhenSecondsPass(int seconds) => lab.PassAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Seconds with a fraction ("300.01"): a point just past a boundary.</summary>
    [When(@"^(\d+\.\d+) seconds pass$")]
    public Task WhenFractionalSecondsPass(string seconds) => lab.PassAsync(TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)));
}
