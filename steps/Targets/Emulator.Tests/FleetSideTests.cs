using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Emulator.Tests;

/// <summary>The emulator target's fleet side: each board lands on its own Blynk device, and the fleet's tokens never show.</summary>
public sealed class FleetSideTests
{
    private static readonly EmulatorTargets Plugin = new();

    [Fact]
    public async Task Each_board_publishes_onto_its_own_blynk_device_and_the_journal_masks_every_boards_token()
    {
        // Given a fleet of 3 whose boards get power a second apart (so their publish times, V6, differ)
        var spec = LabSpec.Standard() with { Fleet = new FleetSpec { Boards = 3, MisflashedBoards = 1, PowerOnStagger = TimeSpan.FromSeconds(1) } };
        await using var target = await Plugin.Targets.Single(t => t.Name == "emulator").StartAsync(spec, CancellationToken.None);
        var fleet = target.Fleet!;

        // When
        await fleet.PowerOnAllAsync();
        await target.Time.PassAsync(TimeSpan.FromSeconds(5));

        // Then board 1 (misflashed) never reached Blynk; boards 2 and 3 did, each on its own device
        fleet.Boards.Select(b => b.Misflashed).Should().Equal(true, false, false);
        (await fleet.ReadAsync(fleet.Boards[0], "V6")).Value.Should().BeNull();
        var v6 = new List<string?>();
        foreach (var board in fleet.Boards.Skip(1))
        {
            v6.Add((await fleet.ReadAsync(board, "V6")).Value);
        }

        v6.Should().Equal("2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z");
        target.Particle.EventCount("blynk_https_get", fleet.Boards[2].DeviceId).Should().Be(1);

        // And no board's token shows in the journal as rendered
        var text = target.Journal.Render(target.Secrets);
        foreach (var board in fleet.Boards)
        {
            text.Should().NotContain(board.BlynkToken);
        }

        text.Should().Contain("token=" + Secrets.Mask(fleet.Boards[1].BlynkToken));
    }

    [Fact]
    public async Task A_lab_without_a_fleet_has_no_fleet_side()
    {
        await using var target = await Plugin.Targets.Single(t => t.Name == "emulator").StartAsync(LabSpec.Standard(), CancellationToken.None);

        target.Fleet.Should().BeNull();
    }
}
