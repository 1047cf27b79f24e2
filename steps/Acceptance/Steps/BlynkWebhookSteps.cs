using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Timeline;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The Blynk webhook that calls the Particle function (L4).</summary>
[Binding]
public sealed class BlynkWebhookSteps(LabDriver lab, ScenarioContext scenario)
{
    private const string LastRequest = "last-received-request";

    [Given("the Blynk webhook quota is {int} per minute")]
    public void GivenQuota(int perMinute) =>
        lab.Configure(o => o with { BlynkWebhookQuota = new WebhookQuotaPolicy(perMinute, TimeSpan.FromMinutes(1)) });

    [Given("the Blynk webhook sends the Particle token {string}")]
    public void GivenWebhookToken(string token) => lab.Configure(o => o with { BlynkWebhookAccessToken = token });

    [Then("^the Particle Cloud received (GET|POST) (\\S+) with body (.+)$")]
    public void ThenParticleReceived(string method, string path, string body)
    {
        var request = lab.ParticleReceived(method, path).Should().ContainSingle(lab.JournalText()).Subject;
        LabDriver.Canonical(request.Body).Should().Be(LabDriver.Canonical(body), lab.JournalText());
        scenario[LastRequest] = request;
    }

    [Then("that request carried the header {string}")]
    public void ThenHeader(string header)
    {
        var (name, value) = (header[..header.IndexOf(':', StringComparison.Ordinal)], header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        var request = (ReceivedRequest)scenario[LastRequest];
        request.Headers.Should().ContainKey(name);
        // Exact value; only media-type parameters (e.g. "; charset=utf-8") are left out of the comparison.
        request.Headers[name].Split(';')[0].Trim().Should().Be(value, $"the request carried {name}: {request.Headers[name]}");
    }

    [When("the V16 switch is toggled {int} times in the Blynk app, a minute apart")]
    public Task WhenToggled(int times) => lab.ToggleFromAppAsync("V16", times, TimeSpan.FromMinutes(1));

    [Then("the Blynk webhook failed {int} times")]
    public void ThenWebhookFailed(int times) =>
        lab.BlynkWebhookCalls(HopOutcome.Failed).Should().HaveCount(times, lab.JournalText());

    [Then("Blynk sent the failure notification email after {int} failures")]
    public void ThenFailureEmail(int failures) =>
        lab.Hops(Leg.L4, HopOutcome.Failed).Where(h => h.Action == "failure notification email")
            .Should().ContainSingle(lab.JournalText()).Which.Detail.Should().StartWith($"{failures} failures");

    [Then("the Blynk webhook was dropped by the quota")]
    public void ThenDroppedByQuota() =>
        lab.Hops(Leg.L4, HopOutcome.DroppedByQuota).Should().ContainSingle(lab.JournalText());

    [Then("^the Blynk webhook got (\\d+) (.+)$")]
    public void ThenWebhookGot(int status, string body)
    {
        var hop = lab.Hops(Leg.L4).Should().ContainSingle(lab.JournalText()).Subject;
        hop.Detail.Should().StartWith(status.ToString(CultureInfo.InvariantCulture), lab.JournalText());
        LabDriver.Canonical(hop.Detail![hop.Detail.IndexOf('{', StringComparison.Ordinal)..]).Should().Be(LabDriver.Canonical(body), lab.JournalText());
    }
}
