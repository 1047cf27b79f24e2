using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The harness's serial link to the board (features/hardware/serial_link.feature).</summary>
[Binding]
public sealed class SerialLinkSteps(LabDriver lab)
{
    [When("the board's USB serial port goes away for {int} seconds")]
    public Task WhenTheSerialPortGoesAway(int seconds) => lab.UnplugSerialAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>"About": the harness notices a port go and come back a little after it does (a read timeout, a backoff step).</summary>
    [Then("the journal shows the serial link lost and back after a gap of about {int} seconds")]
    public void ThenTheSerialLinkCameBack(int seconds)
    {
        var link = lab.Journal.Hops.Where(h => h.Kind == HopKind.DeviceLink).ToList();
        link.Should().Contain(h => h.Outcome == HopOutcome.Failed, $"the journal should show the port going away. {lab.JournalText()}");
        link.Last().Outcome.Should().Be(HopOutcome.Delivered, $"the port should be back. {lab.JournalText()}");
        link.Last().Duration.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(seconds - 0.5), lab.JournalText())
            .And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(seconds + 3), lab.JournalText());
    }

    [Then("the serial log shows a publish made after the gap")]
    public void ThenTheSerialLogShowsAPublishAfterTheGap()
    {
        var back = lab.Journal.Hops.Last(h => h.Kind == HopKind.DeviceLink).At;
        lab.Target.Device.SerialLines.Should().Contain(
            l => l.At >= back && l.Text.StartsWith(LabDriver.SendingLinePrefix, StringComparison.Ordinal),
            $"a line after {back.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}. {lab.SerialText()}");
    }
}
