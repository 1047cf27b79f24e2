using ParticleBlynk.Device;
using ParticleBlynk.Loop;

namespace ParticleBlynk.LoopHost.Tests;

/// <summary>A fleet's lab (LabConfiguration.ForFleet): distinct boards, each with its own Blynk device, token and V16 webhook.</summary>
public sealed class FleetConfigurationTests
{
    [Fact]
    public void A_fleet_has_distinct_boards_each_with_its_own_blynk_device_and_webhook_and_board_1_is_the_scenarios()
    {
        // Given
        var spec = LabSpec.Standard() with { Fleet = new FleetSpec { Boards = 200 } };

        // When
        var lab = LabConfiguration.ForScenario(spec);

        // Then
        lab.Devices.Should().HaveCount(200);
        lab.Devices.Select(d => d.Id).Should().OnlyHaveUniqueItems().And.OnlyContain(id => id.Length == 24 && id.All(char.IsAsciiHexDigitLower));
        lab.Devices.Select(d => d.Name).Should().OnlyHaveUniqueItems();
        lab.Devices.Select(d => d.Token).Should().OnlyHaveUniqueItems();
        lab.Devices[0].Should().BeEquivalentTo(new { Id = spec.DeviceId, Name = spec.DeviceName, Token = spec.BlynkToken, Platform = Platforms.Boron, PowerOn = PowerOn.Manual });
        lab.Devices[1].Should().BeEquivalentTo(new { Id = "e00fce68d3b2000000000002", Name = "blynk_boron_002" });
        lab.Blynk.Devices.Select(d => (d.Name, d.Token)).Should().Equal(lab.Devices.Select(d => (d.Name, d.Token)), "each board flashes its own Blynk device's token");
        lab.Blynk.Webhooks.Should().HaveCount(200).And.OnlyContain(w => w.DeviceId != null);
        lab.Blynk.Webhooks.Select(w => w.Name).Should().OnlyHaveUniqueItems("the quota counts per webhook: one per board");
        lab.Blynk.Webhooks.Select(w => w.Url).Should().Equal(lab.Devices.Select(d => $"https://api.particle.io/v1/devices/{d.Id}/blynk_led"));
        lab.Tokens().Should().Contain(lab.Devices.Select(d => d.Token), "every board's token is redacted");
    }

    [Fact]
    public void The_first_misflashed_boards_carry_a_token_no_blynk_device_has()
    {
        // Given
        var spec = LabSpec.Standard() with { Fleet = new FleetSpec { Boards = 5, MisflashedBoards = 2 } };

        // When
        var lab = LabConfiguration.ForScenario(spec);

        // Then
        var known = lab.Blynk.Devices.Select(d => d.Token).ToHashSet();
        lab.Devices.Select(d => known.Contains(d.Token)).Should().Equal(false, false, true, true, true);
        lab.Tokens().Should().Contain(lab.Devices.Select(d => d.Token));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 4)]
    [InlineData(3, -1)]
    public void A_fleet_without_boards_or_with_more_misflashed_boards_than_boards_is_refused(int boards, int misflashed)
    {
        var spec = LabSpec.Standard() with { Fleet = new FleetSpec { Boards = boards, MisflashedBoards = misflashed } };

        var build = () => LabConfiguration.ForScenario(spec);

        build.Should().Throw<ArgumentException>().WithMessage("A fleet has at least 1 board*");
    }
}
