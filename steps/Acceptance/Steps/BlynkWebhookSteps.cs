using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The Blynk webhook that calls the Particle function (L4).</summary>
[Binding]
public sealed class BlynkWebhookSteps(LabDriver lab, ScenarioContext scenario)
{
    private const string LastRequest = "last-received-request";

    [Given("the Blynk webhook quota is {int} per minute")]
    public void GivenQuota(int perMinute) =>
        lab.Configure(o => o with { BlynkWebhookQuotaRequests = perMinute, BlynkWebhookQuotaWindow = TimeSpan.FromMinutes(1) }, Capability.CloudInternals, "Setting Blynk's webhook quota");

    [Given("^an HTTP-API write that changes V16 (fires|does not fire) the V16 webhook$")]
    public void GivenHttpApiWriteChoice(string choice) =>
        lab.Configure(o => o with { BlynkHttpApiWriteFiresWebhook = choice == "fires" }, Capability.CloudInternals, "Choosing whether an HTTP-API write fires the V16 webhook");

    [Given("Blynk's webhook request goes out {int} ms after the datastream changes")]
    public void GivenWebhookDispatchDelay(int milliseconds) =>
        lab.Configure(o => o with { BlynkWebhookDispatchDelay = TimeSpan.FromMilliseconds(milliseconds) }, Capability.CloudInternals, "Delaying Blynk's webhook requests");

    [Given("the Blynk webhook sends a Particle token that is not the account's")]
    public void GivenWebhookToken() =>
        lab.Configure(o => o with { BlynkWebhookAccessToken = LabSpec.NewParticleToken() }, Capability.CloudInternals, "Changing the Blynk webhook's token");

    [Then("^the Particle Cloud received (GET|POST) (\\S+) with body (.+)$")]
    public void ThenParticleReceived(string method, string path, string body)
    {
        var request = lab.ParticleReceived(method, lab.Expand(path)).Should().ContainSingle(lab.JournalText()).Subject;
        LabDriver.Canonical(request.RequestBody ?? "").Should().Be(LabDriver.Canonical(body), lab.JournalText());
        scenario[LastRequest] = request;
    }

    [Then("that request carried the header {string}")]
    public void ThenHeader(string header)
    {
        var (name, value) = LabDriver.HeaderLine(lab.Expand(header));
        var sent = ((HttpExchange)scenario[LastRequest]).Header(name);
        sent.Should().NotBeNull($"the request should carry {name}");
        // Exact value; only media-type parameters (e.g. "; charset=utf-8") are left out of the comparison.
        sent!.Split(';')[0].Trim().Should().Be(value, $"the request carried {name}: {sent}");
    }

    /// <summary>The request body of one execution of the Blynk webhook (1 is the first; executions the quota dropped were never sent).</summary>
    [Then(@"^the Blynk webhook's (\d+)(?:st|nd|rd|th) request to Particle had the body (.+)$")]
    public void ThenNthRequestBody(int nth, string body)
    {
        var sent = lab.BlynkWebhookCalls(o => o != HopOutcome.DroppedByQuota);
        sent.Should().HaveCountGreaterThanOrEqualTo(nth, lab.JournalText());
        LabDriver.Canonical(sent[nth - 1].Http!.RequestBody ?? "").Should().Be(LabDriver.Canonical(lab.Expand(body)), lab.JournalText());
    }

    [When("the V16 switch is toggled {int} times in the Blynk app, a minute apart")]
    public Task WhenToggled(int times) => lab.ToggleFromAppAsync("V16", times, TimeSpan.FromMinutes(1));

    [Then("the Blynk webhook failed {int} times")]
    public void ThenWebhookFailed(int times) =>
        lab.BlynkWebhookCalls(o => o is not (HopOutcome.Delivered or HopOutcome.Pending or HopOutcome.DroppedByQuota)).Should().HaveCount(times, lab.JournalText());

    [Then("Blynk sent the failure notification email after {int} failures")]
    public void ThenFailureEmail(int failures) =>
        lab.InternalHops(HopKind.Notification, "Blynk's failure notification").Should().ContainSingle(lab.JournalText())
            .Which.Reason.Should().StartWith($"{failures.ToString(CultureInfo.InvariantCulture)} failures");

    [Then("the Blynk webhook called blynk_led back {int} time(s), at most {int} ms after the call")]
    public void ThenCalledBack(int times, int withinMs)
    {
        lab.LastCallAt.Should().NotBeNull("a step called blynk_led through the Particle API");
        var callsBack = lab.BlynkWebhookCalls(o => o == HopOutcome.Delivered).Where(h => h.At >= lab.LastCallAt).ToList();
        callsBack.Should().HaveCount(times, lab.JournalText());
        callsBack.Where(h => h.At - lab.LastCallAt > TimeSpan.FromMilliseconds(withinMs)).Should().BeEmpty($"every call back should come within {withinMs} ms. {lab.JournalText()}");
    }

    [Then("the Blynk webhook was dropped by the quota")]
    public void ThenDroppedByQuota() =>
        lab.BlynkWebhookCalls(o => o == HopOutcome.DroppedByQuota).Should().ContainSingle(lab.JournalText());

    [Then("^the Blynk webhook got (\\d+) (.+)$")]
    public void ThenWebhookGot(int status, string body)
    {
        var hop = lab.BlynkWebhookCalls(_ => true).Should().ContainSingle(lab.JournalText()).Subject;
        hop.Http!.Status.Should().Be(status, lab.JournalText());
        LabDriver.Canonical(hop.Http.ResponseBody ?? "").Should().Be(LabDriver.Canonical(body), lab.JournalText());
    }
}
