using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Timeline;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>What the Blynk Cloud stores and shows (L3).</summary>
[Binding]
public sealed class DatastreamSteps(LabDriver lab)
{
    [Given("the device's millis\\() is {long}")]
    public void GivenMillis(long value) => lab.VirtualDevice.SetMillis(checked((uint)value));

    [Then("the last publish carries {word} {string}")]
    public void ThenLastPublishCarries(string field, string raw) =>
        lab.LastPayloadField(field).Should().Be(raw, lab.JournalText());

    [Then("the last publish carries v14 above {long}")]
    public void ThenV14Above(long limit) =>
        long.Parse(lab.LastPayloadField("v14"), CultureInfo.InvariantCulture).Should().BeGreaterThan(limit, lab.JournalText());

    [Then("Blynk refused the update with {string}")]
    public void ThenBlynkRefused(string message) =>
        lab.Hops(Leg.L3, HopOutcome.Rejected).Should().Contain(h => h.Detail != null && h.Detail.Contains(message, StringComparison.Ordinal), lab.JournalText());

    [Then("Blynk V14 still holds the value of the publish before")]
    public void ThenV14StillPrevious()
    {
        lab.Blynk("V14").Value.Should().Be(lab.PayloadField(^2, "v14"), lab.JournalText());
    }

    [Then("Blynk's Last Update is the time of the last publish")]
    public void ThenLastUpdateIsLastPublish() =>
        lab.Target.Blynk.LastUpdate.Should().Be(lab.Publishes[^1].PublishedAt, lab.JournalText());

    [Then("Blynk's Last Update is more than {int} minutes old")]
    public void ThenLastUpdateOld(int minutes) =>
        (lab.Target.Time.Now - lab.Target.Blynk.LastUpdate!.Value).Should().BeGreaterThan(TimeSpan.FromMinutes(minutes), lab.JournalText());

    [Then("the device shows Offline on Blynk")]
    public void ThenOffline() => lab.Target.Blynk.IsOnline.Should().BeFalse("a Particle device never connects to Blynk itself (doc Testing step 4)");
}
