using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>A fleet of boards on one account and one Blynk organisation (features/fleet), asserted per board.</summary>
[Binding]
public sealed class FleetSteps(FleetDriver fleet, LabDriver lab)
{
    /// <summary>"a fleet of 200 Borons …": the platform's name with a plural s.</summary>
    [Given("^a fleet of (\\d+) (.+)s on the doc's firmware$")]
    public void GivenAFleet(int boards, string platform) => fleet.Configure(boards, Platforms.Parse(platform));

    [Given("the first {int} boards are flashed with a token Blynk does not know")]
    public void GivenMisflashedBoards(int boards) => fleet.Misflash(boards);

    [Given("the fleet's boards get power {int} ms apart")]
    public void GivenStaggeredPowerOn(int milliseconds) => fleet.StaggerPowerOn(TimeSpan.FromMilliseconds(milliseconds));

    [When("the fleet powers on and {int} minute(s) pass(es)")]
    public Task WhenTheFleetPowersOnAndMinutesPass(int minutes) => fleet.PowerOnAndPassAsync(TimeSpan.FromMinutes(minutes));

    [When("the fleet powers on and {int} second(s) pass(es)")]
    public Task WhenTheFleetPowersOnAndSecondsPass(int seconds) => fleet.PowerOnAndPassAsync(TimeSpan.FromSeconds(seconds));

    [When("V16 is switched to {int} in the app on every board")]
    public Task WhenSwitchedOnEveryBoard(int value) => fleet.SwitchFromAppAsync(fleet.Boards, "V16", value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [When("V16 is switched to {int} in the app on board {int}")]
    public Task WhenSwitchedOnBoard(int value, int board) => fleet.SwitchFromAppAsync([fleet.Board(board)], "V16", value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Then("every board has published {int} time(s)")]
    public async Task ThenEveryBoardPublished(int count) =>
        (await fleet.SummaryAsync()).Where(r => r.Publishes != count).Select(r => r.Board.Number)
            .Should().BeEmpty($"every board should have published {count} time(s). {await fleet.SummaryTextAsync()}");

    [Then("every board's publishes were delivered to its own Blynk device")]
    public async Task ThenEveryPublishDelivered() =>
        (await fleet.SummaryAsync()).Where(r => r.Delivered != r.Publishes || r.Failed + r.Skipped + r.Refused > 0).Select(r => r.Board.Number)
            .Should().BeEmpty($"every publish of every board should reach Blynk. {await fleet.SummaryTextAsync()}");

    [Then("each board's Blynk device holds V6, V14, V15, V16 and V17 of that board's last publish")]
    public async Task ThenEachBlynkDeviceHoldsItsBoardsLastPublish() =>
        (await fleet.MismatchesWithLastPublishAsync()).Should().BeEmpty(await fleet.SummaryTextAsync());

    [Then("Particle skipped none of the fleet's webhook calls")]
    public async Task ThenNothingSkipped() =>
        (await fleet.SummaryAsync()).Sum(r => r.Skipped).Should().Be(0, await fleet.SummaryTextAsync());

    [Then("the webhook calls of boards {int} to {int} were rejected by Blynk")]
    public async Task ThenRejected(int from, int to)
    {
        var rows = await fleet.SummaryAsync(from, to);
        rows.Should().HaveCount(to - from + 1).And.OnlyContain(r => r.Failed == r.Publishes && r.Publishes > 0, await fleet.SummaryTextAsync());
    }

    [Then("the webhook calls of boards {int} to {int} were skipped with the hook-error {string}")]
    public async Task ThenSkipped(int from, int to, string hookError)
    {
        var rows = await fleet.SummaryAsync(from, to);
        rows.Should().HaveCount(to - from + 1).And.OnlyContain(r => r.Skipped == r.Publishes && r.Publishes > 0, await fleet.SummaryTextAsync());
        lab.Target.Particle.Events.Count(e => e.Name == "hook-error/" + LabDriver.PublishEvent + "/0" && e.Data == hookError)
            .Should().BeGreaterThanOrEqualTo(rows.Sum(r => r.Skipped), await fleet.SummaryTextAsync());
    }

    [Then("no Blynk device of boards {int} to {int} received a value")]
    public async Task ThenNoValue(int from, int to) =>
        (await fleet.BoardsWhosePinFailsAsync(fleet.Range(from, to), "V6", v => v is null)).Should().BeEmpty($"no publish of these boards should have reached Blynk. {await fleet.SummaryTextAsync()}");

    [Then("the V16 webhook of every board ran {int} time(s)")]
    public async Task ThenEveryWebhookRan(int count) =>
        (await fleet.SummaryAsync()).Where(r => r.BlynkWebhooks != count).Select(r => r.Board.Number)
            .Should().BeEmpty($"each board's own webhook should have run {count} time(s). {await fleet.SummaryTextAsync()}");

    [Then("the quota dropped {int} V16 webhook(s) of board {int} and none of any other board")]
    public async Task ThenQuotaDropped(int count, int board)
    {
        var rows = await fleet.SummaryAsync();
        rows.Single(r => r.Board.Number == board).DroppedByQuota.Should().Be(count, await fleet.SummaryTextAsync());
        rows.Where(r => r.Board.Number != board).Sum(r => r.DroppedByQuota).Should().Be(0, await fleet.SummaryTextAsync());
    }

    [Then("the D7 LED is {word} on every board")]
    public async Task ThenLedOnEveryBoard(string state)
    {
        lab.Require(Capability.LedReadback, "Reading the fleet's D7 LEDs");
        var on = state == "on" ? true : state == "off" ? false : throw new ArgumentException($"'{state}' is not on or off.", nameof(state));
        (await fleet.SummaryAsync()).Where(r => r.LedOn != on).Select(r => r.Board.Number)
            .Should().BeEmpty($"every board's LED should be {state}. {await fleet.SummaryTextAsync()}");
    }

    [Then("V17 is {string} on every board's Blynk device")]
    public async Task ThenV17OnEveryBoard(string value) =>
        (await fleet.BoardsWhosePinFailsAsync(fleet.Boards, "V17", v => v == value)).Should().BeEmpty($"V17 should echo the LED on every board. {await fleet.SummaryTextAsync()}");
}
