using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>Time budgets and cadences on the harness clock.</summary>
[Binding]
public sealed class TimingSteps(LabDriver lab, ScenarioContext scenario)
{
    private const string Watched = "watched-sensor";

    [Given("a USB serial host is attached")]
    public void GivenSerialHost() => lab.Configure(o => o with { SerialHostAttached = true });

    [Given("no USB serial host is attached")]
    public void GivenNoSerialHost() => lab.Configure(o => o with { SerialHostAttached = false }, Capability.DeviceControl, "Booting without a serial host");

    [Then("the first publish was {int} seconds after power-on")]
    public void ThenFirstPublishAfter(int seconds)
    {
        lab.Require(Capability.VirtualTime, "An exact boot time");
        (lab.Publishes[0].PublishedAt - lab.PoweredOnAt!.Value).Should().Be(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }

    [When("the sensor is watched for {int} minutes")]
    public async Task WhenSensorWatched(int minutes)
    {
        await lab.StartAsync();
        var control = lab.DeviceControl("Watching the simulated sensor");
        scenario[Watched] = await lab.WatchAsync(control.V15Async, TimeSpan.FromMinutes(minutes));
    }

    [Then("it changed {int} times, {int} seconds apart")]
    public void ThenChanged(int times, int seconds)
    {
        lab.Require(Capability.VirtualTime, "Exact change times");
        var seen = (IReadOnlyList<(DateTimeOffset At, double Value)>)scenario[Watched];
        var changes = seen.Skip(1).ToList();
        changes.Should().HaveCount(times);
        changes.Zip(changes.Skip(1), (a, b) => b.At - a.At).Should().AllBeEquivalentTo(TimeSpan.FromSeconds(seconds));
    }

    [Then("the echo hops took at most: Blynk webhook {int} ms, function call {int} ms, republish {int} ms")]
    public void ThenEchoBudget(int webhookMs, int callMs, int republishMs)
    {
        lab.Require(Capability.VirtualTime, "Latency budgets on the harness clock");
        var echo = lab.EchoLatencies();
        echo.Should().NotBeNull($"the echo should be one delivered hop on each of L4, L5 and L6. {lab.JournalText()}");
        echo!.Value.Webhook.Should().BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(webhookMs), "L4: " + lab.JournalText());
        echo.Value.Call.Should().BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(callMs), "L5: " + lab.JournalText());
        echo.Value.Republish.Should().BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(republishMs), "L6: " + lab.JournalText());
    }
}
