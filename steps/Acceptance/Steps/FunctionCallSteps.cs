using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>Calling the firmware's cloud function through the Particle API (L5).</summary>
[Binding]
public sealed class FunctionCallSteps(LabDriver lab)
{
    [When("{word} is called with {string} through the Particle API")]
    public Task WhenCalled(string function, string argument) => lab.CallFunctionAsync(function, argument);

    /// <summary>The argument in another field of the request: "arg" as the Particle API reference names it ("args" is the Blynk webhook's).</summary>
    [When("{word} is called with {string} as {string} through the Particle API")]
    public Task WhenCalledAs(string function, string argument, string parameter) => lab.CallFunctionAsync(function, argument, parameter);

    [Then("the call answers {int} with return value {int}")]
    public void ThenCallAnswers(int status, int returned)
    {
        lab.LastCall.Should().NotBeNull();
        lab.LastCall!.StatusCode.Should().Be(status, $"the answer was {lab.LastCall.Body}. {lab.JournalText()}");
        lab.LastCall.ReturnValue.Should().Be(returned, lab.JournalText());
    }

    [Then("^the call answers (\\d+) with body (.+)$")]
    public void ThenCallAnswersBody(int status, string body)
    {
        lab.LastCall.Should().NotBeNull();
        lab.LastCall!.StatusCode.Should().Be(status, lab.JournalText());
        LabDriver.Canonical(lab.LastCall.Body).Should().Be(LabDriver.Canonical(body), lab.JournalText());
    }

    /// <summary>The line is there, or comes within 5 s (on real time the bytes are still on their way).</summary>
    [Then("the serial log shows {string}")]
    public async Task ThenSerialShows(string line)
    {
        await lab.WaitUntilAsync(() => lab.SerialTexts.Contains(line), TimeSpan.FromSeconds(5));
        lab.SerialTexts.Should().Contain(line, lab.SerialText());
    }

    [Then("the call took one loop of the device")]
    public void ThenCallTookOneLoop()
    {
        lab.Require(Capability.VirtualTime, "Timing one loop");
        lab.InternalHops(HopKind.FunctionReturn, "The function call's own timing").Where(h => h.Outcome == HopOutcome.Delivered).Should().ContainSingle(lab.JournalText())
            .Which.Duration.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(lab.Target.Lab.LoopInterval, "the call waits for the next loop boundary, at most one loop");
    }

    [Then("the republish carries v16 {int} and v17 {int}")]
    public void ThenRepublishCarries(int v16, int v17)
    {
        lab.LastPayloadField("v16").Should().Be(v16.ToString(CultureInfo.InvariantCulture), lab.JournalText());
        lab.LastPayloadField("v17").Should().Be(v17.ToString(CultureInfo.InvariantCulture), lab.JournalText());
        lab.Hops(Leg.L6, HopOutcome.Delivered).Should().NotBeEmpty("the republish after a call is the LED echo (L6). " + lab.JournalText());
    }
}
