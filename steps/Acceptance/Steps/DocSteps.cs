using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The doc's Testing steps and Troubleshooting bullets.</summary>
[Binding]
public sealed class DocSteps(LabDriver lab)
{
    [When("the device list is requested with the lab's access token")]
    public Task WhenDeviceListed() => lab.GetParticleApiAsync("/v1/devices");

    [When("the device list is requested with an access token that is not the account's")]
    public Task WhenDeviceListedWithAnotherToken() => lab.GetParticleApiAsync("/v1/devices", LabSpec.NewParticleToken());

    [When("the device is requested with the lab's access token")]
    public async Task WhenDeviceRequested()
    {
        await lab.StartAsync();
        await lab.GetParticleApiAsync(lab.Expand("/v1/devices/<the device id>"));
    }

    /// <summary>"functions" of GET /v1/devices/{id}, in order, comma-separated.</summary>
    [Then("the Particle API answers {int} listing the functions {string}")]
    public void ThenListedFunctions(int status, string functions)
    {
        lab.LastAnswer!.StatusCode.Should().Be(status, lab.LastAnswer.Body);
        lab.ListedFunctions().Should().Equal(functions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), lab.LastAnswer.Body);
    }

    [Then("the Particle API answers {int} listing the device as {word}")]
    public void ThenListed(int status, string state)
    {
        lab.LastAnswer!.StatusCode.Should().Be(status, lab.LastAnswer.Body);
        lab.ListedOnline().Should().Be(state == "online", lab.LastAnswer.Body);
    }

    [Then("^the Particle API answers (\\d+) (\\{.+)$")]
    public void ThenApiAnswers(int status, string body)
    {
        lab.LastAnswer!.StatusCode.Should().Be(status, lab.LastAnswer.Body);
        LabDriver.Canonical(lab.LastAnswer.Body).Should().Be(LabDriver.Canonical(body));
    }

    [Then("the Particle event stream of the device shows \"blynk_https_get\" with the payload printed on serial")]
    public void ThenDeviceLogShowsPayload()
    {
        var published = lab.Publishes.Should().NotBeEmpty(lab.JournalText()).And.Subject.First();
        lab.SerialTexts.Should().Contain(LabDriver.SendingLine(published.Data), lab.SerialText());
    }

    /// <summary>The event follows the boot publish and comes before the next publish (the same instant on virtual time).</summary>
    [Then("the Particle event stream shows {string} for the boot publish")]
    public void ThenStreamShowsForBoot(string name)
    {
        var publishes = lab.Publishes;
        var next = publishes.Count > 1 ? publishes[1].PublishedAt : DateTimeOffset.MaxValue;
        lab.Target.Particle.Events.Where(e => e.Name.StartsWith(name, StringComparison.Ordinal))
            .Should().Contain(e => e.PublishedAt >= publishes[0].PublishedAt && e.PublishedAt < next, lab.JournalText());
    }

    [Then("the Particle event stream shows {string}")]
    public void ThenStreamShows(string name) =>
        lab.Target.Particle.Events.Where(e => e.Name.StartsWith(name, StringComparison.Ordinal)).Should().NotBeEmpty(lab.JournalText());

    [Then("no {string} event was published")]
    public void ThenNoEvent(string name) =>
        lab.Target.Particle.Events.Where(e => e.Name.StartsWith(name, StringComparison.Ordinal)).Should().BeEmpty(lab.JournalText());

    [Then("the journal shows every leg L1 to L6 delivered")]
    public void ThenEveryLeg()
    {
        foreach (var leg in Enum.GetValues<Leg>().Where(l => l != Leg.None))
        {
            lab.Hops(leg, HopOutcome.Delivered).Should().NotBeEmpty($"{leg} should have delivered at least once. {lab.JournalText()}");
        }
    }
}
