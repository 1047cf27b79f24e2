using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>What the Blynk Cloud stores and shows (L3).</summary>
[Binding]
public sealed class DatastreamSteps(LabDriver lab)
{
    [Given("the device's millis\\() is {long}")]
    public async Task GivenMillis(long value)
    {
        await lab.StartAsync();
        await lab.DeviceControl("Setting millis()").SetMillisAsync(checked((uint)value));
    }

    [Then("the last publish carries {word} {string}")]
    public void ThenLastPublishCarries(string field, string raw) =>
        lab.LastPayloadField(field).Should().Be(raw, lab.JournalText());

    [Then("the last publish carries v14 above {long}")]
    public void ThenV14Above(long limit) =>
        long.Parse(lab.LastPayloadField("v14"), CultureInfo.InvariantCulture).Should().BeGreaterThan(limit, lab.JournalText());

    [Then("Blynk refused the update with {string}")]
    public void ThenBlynkRefused(string message) =>
        lab.InternalHops(HopKind.DatastreamWrite, "Blynk's answer to an update").Where(h => h.Outcome == HopOutcome.Rejected)
            .Should().Contain(h => h.Reason != null && h.Reason.Contains(message, StringComparison.Ordinal), lab.JournalText());

    [Then("Blynk V14 still holds the value of the publish before")]
    public async Task ThenV14StillPrevious() =>
        (await lab.BlynkAsync("V14")).Value.Should().Be(lab.PayloadField(^2, "v14"), lab.JournalText());

    [Then("Blynk's Last Update is the time of the last publish")]
    public async Task ThenLastUpdateIsLastPublish()
    {
        lab.Require(Capability.CloudInternals, "Blynk's Last Update");
        (await lab.Target.Blynk.LastUpdateAsync()).Should().Be(lab.Publishes[^1].PublishedAt, lab.JournalText());
    }

    [Then("Blynk's Last Update is more than {int} minutes old")]
    public async Task ThenLastUpdateOld(int minutes)
    {
        lab.Require(Capability.CloudInternals, "Blynk's Last Update");
        (lab.Target.Time.Now - (await lab.Target.Blynk.LastUpdateAsync())!.Value).Should().BeGreaterThan(TimeSpan.FromMinutes(minutes), lab.JournalText());
    }

    [Then("the device shows Offline on Blynk")]
    public async Task ThenOffline() =>
        (await lab.Target.Blynk.IsOnlineAsync()).Should().BeFalse("a Particle device never connects to Blynk itself (doc Testing step 4)");
}
