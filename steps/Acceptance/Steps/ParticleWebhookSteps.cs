using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The Particle webhook's request to Blynk and its failures (L2).</summary>
[Binding]
public sealed class ParticleWebhookSteps(LabDriver lab)
{
    private const string HookError = "hook-error/blynk_https_get/0";

    [Given("the Particle webhook's URL points at {word}")]
    public void GivenTheWebhookPointsAt(string host) => lab.PointWebhookAt(host);

    [Given("Blynk drops every connection")]
    public async Task GivenBlynkIsUnreachable()
    {
        await lab.StartAsync();
        await lab.Faults("Making Blynk unreachable").InjectAsync(new Fault(FaultKind.BlynkUnreachable));
    }

    [Given("Blynk takes {int} seconds to answer")]
    public async Task GivenBlynkIsSlow(int seconds)
    {
        await lab.StartAsync();
        await lab.Faults("Slowing Blynk down").InjectAsync(new Fault(FaultKind.BlynkSlow, TimeSpan.FromSeconds(seconds)));
    }

    [Then("the Particle webhook sent {int} {word} {word} to {word}")]
    public void ThenTheWebhookSent(int count, string method, string path, string host) =>
        lab.WebhookRequests.Where(h => h.Http is { } r && r.Method == method && r.Path == path && r.Host == host).Should().HaveCount(count, lab.JournalText());

    [Then("the webhook call was delivered")]
    public void ThenTheWebhookCallWasDelivered() =>
        lab.LastWebhookResponse().Outcome.Should().Be(HopOutcome.Delivered, lab.JournalText());

    [Then("the webhook's query carries {word} = {string}")]
    public void ThenTheQueryCarries(string parameter, string value) =>
        lab.LastWebhookRequest().Http!.Query.Where(p => p.Key == parameter).Select(p => p.Value)
            .Should().Equal([lab.Expand(value)], $"the query should carry {parameter} once. {lab.JournalText()}");

    /// <summary>A header of the webhook's last request to Blynk, as Blynk received it (media-type parameters left out).</summary>
    [Then("the Particle webhook's request to Blynk carried the header {string}")]
    public void ThenTheWebhookRequestCarriedTheHeader(string header)
    {
        var (name, value) = LabDriver.HeaderLine(lab.Expand(header));
        var sent = lab.LastWebhookRequest().Http!.Header(name);
        sent.Should().NotBeNull($"the webhook's request should carry {name}. {lab.JournalText()}");
        sent!.Split(';')[0].Trim().Should().Be(value, $"the webhook's request carried {name}: {sent}");
    }

    /// <summary>Another event, as any client of the account can publish it, carrying what the device published last.</summary>
    [When("the event {string} is published through the Particle API with the last publish's data")]
    public Task WhenTheEventIsPublished(string name) => lab.PublishEventAsync(name, lab.LastPublishData());

    /// <summary>The webhook's requests for one event name (its event filter is a case-sensitive prefix).</summary>
    [Then("the Particle webhook fired {int} time(s) for {string}")]
    public void ThenTheWebhookFiredFor(int count, string name) =>
        lab.WebhookRequests.Where(h => h.EventName == name).Should().HaveCount(count, lab.JournalText());

    [Then("the webhook's query has exactly the parameters {string}")]
    public void ThenTheQueryHasExactly(string parameters) =>
        lab.LastWebhookRequest().Http!.Query.Select(p => p.Key)
            .Should().BeEquivalentTo(parameters.Split(',', StringSplitOptions.TrimEntries), lab.JournalText());

    [Then("Particle published {int} {string} event(s)")]
    public void ThenParticlePublishedEvents(int count, string prefix) =>
        lab.Target.Particle.Events.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).Should().HaveCount(count, lab.JournalText());

    [Then("Particle published the hook-error {string}")]
    public void ThenParticlePublishedTheHookError(string data) =>
        lab.Target.Particle.Events.Where(e => e.Name == HookError).Select(e => e.Data).Should().Contain(data, lab.JournalText());

    [Then("Particle published a hook-error")]
    public void ThenParticlePublishedAHookError() =>
        lab.Target.Particle.Events.Where(e => e.Name == HookError).Should().NotBeEmpty(lab.JournalText());

    [Then("the webhook call was rejected with {int}")]
    public void ThenTheWebhookCallWasRejected(int status)
    {
        var response = lab.LastWebhookResponse();
        response.Outcome.Should().Be(HopOutcome.Rejected, lab.JournalText());
        lab.Require(Capability.CloudInternals, "The status of the webhook's answer");
        response.Http?.Status.Should().Be(status, lab.JournalText());
    }

    [Then("the webhook call failed after {int} seconds")]
    public void ThenTheWebhookCallFailedAfter(int seconds)
    {
        lab.Require(Capability.VirtualTime, "An exact failure time");
        var response = lab.LastWebhookResponse();
        response.Outcome.Should().BeOneOf([HopOutcome.Failed, HopOutcome.TimedOut], lab.JournalText());
        lab.Require(Capability.CloudInternals, "How long the webhook waited");
        response.Duration.Should().Be(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }

    [Then("Blynk redirected the webhook call to the same path and query on {word}")]
    public void ThenBlynkRedirected(string host)
    {
        var request = lab.LastWebhookRequest();
        var answer = lab.BlynkAnswerTo(request);
        answer.Should().NotBeNull($"Blynk should have answered the webhook call. {lab.JournalText()}");
        answer!.Http!.Status.Should().Be(308, lab.JournalText());
        answer.Http.Location.Should().Be($"https://{host}{request.Http!.Path}?{request.Http.RawQuery}", lab.JournalText());
    }

    [Then("Blynk refused the webhook call with {int} {string}")]
    public void ThenBlynkRefused(int status, string message)
    {
        var response = lab.LastWebhookResponse();
        response.Outcome.Should().Be(HopOutcome.Rejected, lab.JournalText());
        lab.Require(Capability.CloudInternals, "Blynk's answer to the webhook");
        response.Http!.Status.Should().Be(status, lab.JournalText());
        LabDriver.Canonical(response.Http.ResponseBody!).Should().Be(LabDriver.Canonical($"{{\"error\":{{\"message\":\"{message}\"}}}}"), lab.JournalText());
    }

    [Then("Blynk stored nothing from the device")]
    public async Task ThenBlynkStoredNothing()
    {
        lab.Require(Capability.CloudInternals, "Blynk's Last Update and the datastream's update time");
        (await lab.Target.Blynk.LastUpdateAsync()).Should().BeNull(lab.JournalText());
        (await lab.BlynkAsync("V14")).UpdatedAt.Should().BeNull(lab.JournalText());
    }

    [Then("Blynk accepted every webhook call")]
    public void ThenBlynkAcceptedEveryCall() =>
        lab.WebhookResponses.Should().NotBeEmpty(lab.JournalText()).And.OnlyContain(h => h.Outcome == HopOutcome.Delivered, lab.JournalText());

    [Then("{int} webhook call(s) was/were rejected by Blynk")]
    public void ThenWebhookCallsWereRejected(int count) =>
        lab.WebhookResponses.Count(h => h.Outcome == HopOutcome.Rejected).Should().Be(count, lab.JournalText());

    [Then("{int} webhook call(s) was/were skipped with the hook-error {string}")]
    public void ThenWebhookCallsWereSkipped(int count, string data)
    {
        lab.WebhookResponses.Count(h => h.Outcome == HopOutcome.Throttled).Should().Be(count, lab.JournalText());
        lab.Target.Particle.Events.Count(e => e.Name == HookError && e.Data == data).Should().Be(count, lab.JournalText());
    }

    [Then("the last webhook call reached Blynk")]
    public void ThenTheLastWebhookCallReachedBlynk()
    {
        lab.LastWebhookResponse().Outcome.Should().NotBe(HopOutcome.Throttled, lab.JournalText());
        lab.BlynkAnswerTo(lab.LastWebhookRequest()).Should().NotBeNull($"Blynk should have answered the last webhook call. {lab.JournalText()}");
    }
}
