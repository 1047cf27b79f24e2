using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Emulator.Tests;

/// <summary>
/// The observers of public interfaces, proven on a loop whose inside is known: the same scenario run with the journal fed
/// from inside the mocks and with it fed only by serial, the event stream and the Blynk API shows the same legs in the
/// same order, and the observers' journal holds nothing an outsider could not have seen.
/// </summary>
public sealed class ObserverFeedTests
{
    private static readonly EmulatorTargets Plugin = new();

    public static TheoryData<string> Flows => ["boot publish", "payload size", "LED echo"];

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task The_public_feed_shows_the_same_legs_in_the_same_order_as_the_in_process_feed(string flow)
    {
        // Given the same lab on both feeds
        var spec = LabSpec.Standard();

        // When
        var inside = await RunAsync("emulator", spec, flow);
        var outside = await RunAsync("emulator-observers", spec, flow);

        // Then
        var legs = (IReadOnlyList<Hop> hops) => hops.Where(h => h.Leg != Leg.None).Select(h => h.Leg).ToList();
        legs(outside).Should().Equal(legs(inside), $"in-process:{Environment.NewLine}{JournalText.Render(inside)}observers:{Environment.NewLine}{JournalText.Render(outside)}");
        outside.Should().OnlyContain(h => h.Feed != Feed.InProcess, "the observers' journal must not hear from inside the clouds");
        outside.Select(h => h.Correlation).Should().Equal(inside.Select(h => h.Correlation), "the chains are the same");
    }

    [Fact]
    public async Task The_echo_seen_from_outside_marks_the_unseen_webhook_and_call_as_inferred()
    {
        // Given / When
        var hops = await RunAsync("emulator-observers", LabSpec.Standard(), "LED echo");

        // Then
        hops.Where(h => h.Leg is Leg.L4 or Leg.L5).Should().NotBeEmpty().And.OnlyContain(h => h.Inferred || h.Feed == Feed.Harness);
        hops.Should().ContainSingle(h => h.Kind == HopKind.Echo).Which.Feed.Should().Be(Feed.EventStream);
    }

    [Fact]
    public void The_plugin_offers_both_feeds_and_only_the_public_one_lacks_cloud_internals()
    {
        Plugin.Targets.Select(t => t.Name).Should().Equal("emulator", "emulator-observers");
        Plugin.Targets[0].Lacks.Keys.Should().Equal(Capability.SerialPort); // the board's serial is in-process on both
        Plugin.Targets[1].Lacks.Keys.Should().BeEquivalentTo([Capability.CloudInternals, Capability.SerialPort, Capability.Fleet]);
    }

    private static async Task<IReadOnlyList<Hop>> RunAsync(string target, LabSpec spec, string flow)
    {
        await using var loop = await Plugin.Targets.Single(t => t.Name == target).StartAsync(spec, CancellationToken.None);
        await loop.Device.PowerOnAsync();
        await loop.Time.PassAsync(TimeSpan.FromSeconds(2));
        switch (flow)
        {
            case "payload size":
                // v15 of two integer digits: a longer payload (a millis() jump would add a periodic publish in the same loop).
                await loop.DeviceControl!.SetV15Async(15.5);
                (await loop.Particle.CallFunctionAsync(spec.DeviceId, "blynk_led", "off")).StatusCode.Should().Be(200);
                await loop.Time.PassAsync(TimeSpan.FromSeconds(1));
                break;
            case "LED echo":
                await loop.Blynk.SwitchFromAppAsync("V16", "1");
                await loop.Time.PassAsync(TimeSpan.FromSeconds(2));
                (await loop.Blynk.ReadAsync("V17")).Value.Should().Be("1");
                break;
        }

        return loop.Journal.Hops;
    }
}
