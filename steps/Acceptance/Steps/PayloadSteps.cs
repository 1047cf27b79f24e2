using System.Globalization;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The published payload, the publish rate limit and publishing offline (L1).</summary>
[Binding]
public sealed class PayloadSteps(LabDriver lab)
{
    /// <summary>Another device's token: a valid 32-character Blynk token that belongs to no device of the lab (fresh each time).</summary>
    [Given("^the firmware is flashed with (the doc's placeholder token|the Blynk device's token|another device's token)$")]
    public void GivenTheFirmwareToken(string token) => lab.FlashToken(token switch
    {
        "the doc's placeholder token" => LabDriver.PlaceholderToken,
        "another device's token" => LabSpec.NewBlynkToken(),
        _ => lab.Spec.BlynkToken,
    });

    /// <summary>
    /// Three things, as the wording says: millis() jumps (the loop's 5-minute timer sees the jump, so a periodic publish
    /// can fall due, and the simulated sensor moves v15 on), v15 is set, and blynk_led("off") makes the firmware republish.
    /// </summary>
    [When(@"^millis\(\) jumps to (\d+), v15 is set to (-?\d+(?:\.\d+)?) and blynk_led is called with ""off"" to make the device republish$")]
    public Task WhenMillisJumpsAndTheDeviceRepublishes(string millis, string v15) =>
        lab.PublishAtAsync(uint.Parse(millis, CultureInfo.InvariantCulture), double.Parse(v15, CultureInfo.InvariantCulture));

    [When(@"^v15 is set to (-?\d+(?:\.\d+)?) and blynk_led is called with ""off"" to make the device republish$")]
    public Task WhenV15IsSetAndTheDeviceRepublishes(string v15) => lab.PublishAtAsync(millis: null, double.Parse(v15, CultureInfo.InvariantCulture));

    [When("the blynk_led function is called with {string} {int} time(s), {int} ms apart")]
    public Task WhenBlynkLedIsCalled(string argument, int times, int apartMs) =>
        lab.CallBlynkLedRepeatedlyAsync(argument, times, TimeSpan.FromMilliseconds(apartMs));

    [Given("the device has lost its cloud connection")]
    [When("the device loses its cloud connection")]
    public Task WhenTheDeviceLosesTheCloud() => lab.DropCloudAsync();

    [When("the cloud connection comes back after {int} seconds")]
    public Task WhenTheCloudComesBack(int seconds) => lab.RestoreCloudAsync(TimeSpan.FromSeconds(seconds));

    [Then("the last publish is exactly:")]
    public void ThenTheLastPublishIsExactly(string payload) =>
        lab.LastPublishData().Should().Be(lab.Expand(payload.Trim()), lab.JournalText());

    [Then("the last publish is {int} bytes of valid JSON")]
    public void ThenTheLastPublishIsValidJson(int bytes)
    {
        var data = lab.LastPublishData();
        Encoding.UTF8.GetByteCount(data).Should().Be(bytes, $"the payload is '{data}'. {lab.JournalText()}");
        LabDriver.IsJsonObject(data).Should().BeTrue($"'{data}' should be a JSON object. {lab.JournalText()}");
    }

    [Then("the last publish is {int} bytes and not valid JSON")]
    public void ThenTheLastPublishIsCut(int bytes)
    {
        var data = lab.LastPublishData();
        Encoding.UTF8.GetByteCount(data).Should().Be(bytes, $"the payload is '{data}'. {lab.JournalText()}");
        LabDriver.IsJsonObject(data).Should().BeFalse($"'{data}' was cut by the 90-byte buffer. {lab.JournalText()}");
    }

    [Then("the journal records the last publish as delivered, {int} bytes")]
    public void ThenTheJournalRecordsTheLastPublish(int bytes)
    {
        var hop = lab.PublishHops.LastOrDefault();
        hop.Should().NotBeNull(lab.JournalText());
        hop!.Outcome.Should().Be(HopOutcome.Delivered, lab.JournalText());
        hop.Bytes.Should().Be(bytes, lab.JournalText());
    }

    [Then("the serial log reports a payload of {int} bytes")]
    public void ThenTheSerialLogReportsThePayloadSize(int bytes)
    {
        var sent = lab.SerialTexts.LastOrDefault(l => l.StartsWith(LabDriver.SendingLinePrefix, StringComparison.Ordinal));
        sent.Should().NotBeNull($"the firmware logs every payload. {lab.SerialText()}");
        sent.Should().Be(LabDriver.SendingLine(lab.LastPublishData(), bytes), lab.SerialText());
    }

    [Then("the last publish carries a token of {int} characters")]
    public void ThenTheLastPublishCarriesAToken(int characters)
    {
        var token = lab.LastPublishToken();
        token.Should().Be(lab.Target.Lab.EffectiveFirmwareToken, lab.JournalText());
        token.Length.Should().Be(characters, lab.JournalText());
    }

    [Then("the \"t\" field takes {int} of the publish's {int} bytes")]
    public void ThenTheTokenFieldTakes(int fieldBytes, int bytes)
    {
        var data = lab.LastPublishData();
        var field = $"\"t\":\"{lab.LastPublishToken()}\",";
        data.Should().Contain(field, lab.JournalText());
        Encoding.UTF8.GetByteCount(field).Should().Be(fieldBytes, lab.JournalText());
        Encoding.UTF8.GetByteCount(data).Should().Be(bytes, lab.JournalText());
    }

    [Then("the number of publishes refused as rate-limited is {int}")]
    public void ThenPublishesWereRateLimited(int count) =>
        lab.PublishHops.Count(h => h.Outcome == HopOutcome.RateLimited).Should().Be(count, lab.JournalText());

    [Then("the number of serial lines {string} is {int}")]
    public void ThenTheSerialLogShows(string line, int count) =>
        lab.SerialTexts.Count(l => l == line).Should().Be(count, lab.SerialText());

    [Then("nothing was published or logged as sent while the cloud connection was down")]
    public void ThenNothingWasPublishedOffline()
    {
        lab.PublishHopsWhileOffline().Should().BeEmpty(lab.JournalText());
        lab.SerialTextsWhileOffline().Where(l => l.StartsWith("Sending to Blynk", StringComparison.Ordinal)).Should().BeEmpty(lab.JournalText());
    }

    [Then("the last publish went out within {int} second(s) of the reconnect")]
    public void ThenTheLastPublishFollowedTheReconnect(int seconds)
    {
        var restoredAt = lab.CloudRestoredAt ?? throw new InvalidOperationException("The cloud connection never came back.");
        var last = lab.Publishes.LastOrDefault();
        last.Should().NotBeNull(lab.JournalText());
        (last!.PublishedAt - restoredAt).Should().BeGreaterThanOrEqualTo(TimeSpan.Zero, lab.JournalText())
            .And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }
}
