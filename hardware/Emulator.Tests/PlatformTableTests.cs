using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

public sealed class PlatformTableTests
{
    [Fact]
    public void Every_board_the_doc_names_is_in_the_table()
    {
        // The doc: "Tracker One, Tracker SoM, Boron, B Series SoM, Photon 2, P2, Argon, Photon, Electron, E Series, and Core"
        string[] named = ["Tracker One", "Tracker SoM", "Boron", "B Series SoM", "Photon 2", "P2", "Argon", "Photon", "Electron", "E Series", "Core"];

        Platforms.NamedByTheDoc.Select(p => p.Name).Should().Equal(named);
        named.Select(Platforms.Parse).Should().Equal(Platforms.NamedByTheDoc);
        Platforms.All.Should().Contain(Platforms.NamedByTheDoc);
    }

    [Fact]
    public void No_Gen_1_or_Gen_2_board_defaults_to_a_Device_OS_that_does_not_support_it()
    {
        // contracts.md §4: 6.2.0's platforms.h defines only Gen 3 and later; §10: Gen 2 stops at 2.x, Core at 1.x
        Platforms.All.Where(p => p.Generation <= 2).Should().OnlyContain(p => p.DefaultDeviceOs.Major <= 2);
        Platforms.Core.DefaultDeviceOs.Major.Should().Be(1);
        Platforms.All.Where(p => p.Generation >= 3 && p != Platforms.Xenon).Should().OnlyContain(p => p.DefaultDeviceOs >= new Version(6, 2, 0));
    }

    [Theory]
    [InlineData("B-SoM", "B Series SoM")]
    [InlineData("bsom", "B Series SoM")]
    [InlineData("Tracker", "Tracker SoM")]
    [InlineData("26", "Tracker SoM")]
    [InlineData("10", "Electron")]
    [InlineData("E404X", "E-SoM-X")]
    public void Older_names_and_shared_ids_resolve(string nameOrId, string expected) =>
        Platforms.Parse(nameOrId).Name.Should().Be(expected);

    [Theory]
    [InlineData("E Series", false)]
    [InlineData("Electron", true)]
    [InlineData("Tracker One", false)]
    [InlineData("B Series SoM", false)]
    [InlineData("Photon 2", true)]
    [InlineData("P2", false)]
    public void D7_user_LED_follows_contracts_section_4(string platform, bool led) =>
        Platforms.Parse(platform).HasUserLedOnD7.Should().Be(led);
}

public sealed class PlatformDeviceOsSupportTests
{
    [Theory]
    [InlineData("Photon", "2.3.1", true)]
    [InlineData("Photon", "1.5.2", true)]
    [InlineData("Photon", "3.0.0", false)]
    [InlineData("Photon", "6.2.1", false)]
    [InlineData("Core", "1.4.4", true)]
    [InlineData("Core", "2.3.1", false)]
    [InlineData("Boron", "4.2.0", true)]
    [InlineData("Boron", "6.2.1", true)]
    [InlineData("Photon 2", "6.3.0", true)]
    public void A_board_runs_no_Device_OS_after_its_last_line(string platform, string version, bool supported) =>
        Platforms.Parse(platform).SupportsDeviceOs(DeviceOsReleases.Parse(version)).Should().Be(supported);
}
