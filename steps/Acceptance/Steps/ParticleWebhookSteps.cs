using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Timeline;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The Particle webhook's request to Blynk and its failures (L2).</summary>
[Binding]
public sealed class ParticleWebhookSteps(LabDriver lab)
{
    [Given("the Particle webhook's URL points at {word}")]
    public void GivenTheWebhookPointsAt(string host) => lab.PointWebhookAt(host);

    [Given("Blynk drops every connection")]
    public Task GivenBlynkIsUnreachable() => lab.InjectAsync(f => f.BlynkUnreachable = true);

    [Given("Blynk takes {int} seconds to answer")]
    public Task GivenBlynkIsSlow(int seconds) => lab.InjectAsync(f => f.BlynkResponseLatency = TimeSpan.FromSeconds(seconds));

    [Then("the Particle webhook sent {int} {word} {word} to {word}")]
    public void ThenTheWebhookSent(int count, string method, string path, string host) =>
        lab.WebhookCalls.Where(h => h.Action == $"{method} {path}" && h.Target == host).Should().HaveCount(count, lab.JournalText());

    [Then("the webhook call was delivered")]
    public void ThenTheWebhookCallWasDelivered() =>
        lab.LastWebhookCall().Outcome.Should().Be(HopOutcome.Delivered, lab.JournalText());

    [Then("the webhook's query carries {word} = {string}")]
    public void ThenTheQueryCarries(string parameter, string value) =>
        LabDriver.QueryOf(lab.LastWebhookCall()).Where(p => p.Key == parameter).Select(p => p.Value)
            .Should().Equal([value], $"the query should carry {parameter} once. {lab.JournalText()}");

    [Then("the webhook's query has exactly the parameters {string}")]
    public void ThenTheQueryHasExactly(string parameters) =>
        LabDriver.QueryOf(lab.LastWebhookCall()).Select(p => p.Key)
            .Should().BeEquivalentTo(parameters.Split(',', StringSplitOptions.TrimEntries), lab.JournalText());

    [Then("Particle published {int} {string} event(s)")]
    public void ThenParticlePublishedEvents(int count, string prefix) =>
        lab.Target.Particle.Events(prefix).Should().HaveCount(count, lab.JournalText());

    [Then("Particle published the hook-error {string}")]
    public void ThenParticlePublishedTheHookError(string data) =>
        lab.Target.Particle.Events("hook-error/blynk_https_get/0").Select(e => e.Data).Should().Contain(data, lab.JournalText());

    [Then("Particle published a hook-error")]
    public void ThenParticlePublishedAHookError() =>
        lab.Target.Particle.Events("hook-error/blynk_https_get/0").Should().NotBeEmpty(lab.JournalText());

    [Then("the webhook call was rejected with {int}")]
    public void ThenTheWebhookCallWasRejected(int status)
    {
        var call = lab.LastWebhookCall();
        call.Outcome.Should().Be(HopOutcome.Rejected, lab.JournalText());
        call.Detail.Should().StartWith(status.ToString(CultureInfo.InvariantCulture), lab.JournalText());
    }

    [Then("the webhook call failed after {int} seconds")]
    public void ThenTheWebhookCallFailedAfter(int seconds)
    {
        var call = lab.LastWebhookCall();
        call.Outcome.Should().Be(HopOutcome.Failed, lab.JournalText());
        call.Duration.Should().Be(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }

    [Then("Blynk redirected the webhook call to the same path and query on {word}")]
    public void ThenBlynkRedirected(string host)
    {
        var call = lab.LastWebhookCall();
        var answer = lab.BlynkAnswerTo(call);
        answer.Should().NotBeNull($"Blynk should have answered the webhook call. {lab.JournalText()}");
        answer!.Detail.Should().Be($"308 wrong region → https://{host}/external/api/batch/update?{call.Payload}", lab.JournalText());
    }

    [Then("Blynk refused the webhook call with {int} {string}")]
    public void ThenBlynkRefused(int status, string message)
    {
        var call = lab.LastWebhookCall();
        call.Outcome.Should().Be(HopOutcome.Rejected, lab.JournalText());
        call.Detail.Should().Contain($"{status.ToString(CultureInfo.InvariantCulture)} {{\"error\":{{\"message\":\"{message}\"}}}}", lab.JournalText());
    }

    [Then("Blynk stored nothing from the device")]
    public void ThenBlynkStoredNothing()
    {
        lab.Target.Blynk.LastUpdate.Should().BeNull(lab.JournalText());
        lab.Blynk("V14").UpdatedAt.Should().BeNull(lab.JournalText());
    }

    [Then("Blynk accepted every webhook call")]
    public void ThenBlynkAcceptedEveryCall() =>
        lab.WebhookCalls.Should().NotBeEmpty(lab.JournalText()).And.OnlyContain(h => h.Outcome == HopOutcome.Delivered, lab.JournalText());

    [Then("{int} webhook call(s) was/were rejected by Blynk")]
    public void ThenWebhookCallsWereRejected(int count) =>
        lab.WebhookCalls.Count(h => h.Outcome == HopOutcome.Rejected).Should().Be(count, lab.JournalText());

    [Then("{int} webhook call(s) was/were skipped with the hook-error {string}")]
    public void ThenWebhookCallsWereSkipped(int count, string data)
    {
        lab.WebhookCalls.Count(h => h.Outcome == HopOutcome.Throttled).Should().Be(count, lab.JournalText());
        lab.Target.Particle.Events("hook-error/blynk_https_get/0").Count(e => e.Data == data).Should().Be(count, lab.JournalText());
    }

    [Then("the last webhook call reached Blynk")]
    public void ThenTheLastWebhookCallReachedBlynk()
    {
        var call = lab.LastWebhookCall();
        call.Outcome.Should().NotBe(HopOutcome.Throttled, lab.JournalText());
        lab.BlynkAnswerTo(call).Should().NotBeNull($"Blynk should have answered the last webhook call. {lab.JournalText()}");
    }
}
