using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

/// <summary>
/// What the Device OS version changes for the doc's firmware (AUTOMATIC mode, no SYSTEM_THREAD line; contracts.md §10):
/// before 6.2 setup() waits for the cloud and loop() runs only while connected; from 6.2 both run without it.
/// </summary>
public sealed class DeviceOsVersionTests
{
    private static EmulatorOptions Board(Platform platform, string? deviceOs = null, SketchKind sketch = SketchKind.Seed, TimeSpan? connectAfter = null)
    {
        var options = new EmulatorOptions { Platform = platform, Sketch = sketch, BlynkToken = SketchBench.Token, CloudConnectDelay = connectAfter ?? TimeSpan.FromMilliseconds(500) };
        return deviceOs is null ? options : options with { DeviceOsVersion = DeviceOsReleases.Parse(deviceOs) };
    }

    [Theory]
    [InlineData("Core", "1.4.4")]
    [InlineData("Photon", "2.3.1")]
    [InlineData("Electron", "2.3.1")]
    [InlineData("E Series", "2.3.1")]
    [InlineData("Boron", "6.2.1")]
    [InlineData("Photon 2", "6.2.1")]
    [InlineData("Tracker One", "6.2.1")]
    public void A_board_runs_its_platform_default_Device_OS_unless_told_otherwise(string platform, string expected)
    {
        // Given a board whose Device OS is not chosen
        var options = new EmulatorOptions { Platform = Platforms.Parse(platform) };

        // Then it runs the platform's default, and a chosen version wins
        options.SystemVersionString.Should().Be(expected);
        (options with { DeviceOsVersion = new Version(4, 2, 0) }).SystemVersionString.Should().Be("4.2.0");
    }

    [Theory]
    [InlineData("2.3.1", false)]
    [InlineData("5.9.0", false)]
    [InlineData("6.1.1", false)]
    [InlineData("6.2.0", true)]
    [InlineData("6.2.1", true)]
    [InlineData("6.3.0", true)]
    public void The_system_thread_is_always_on_from_6_2_0(string version, bool expected) =>
        DeviceOsReleases.RunsApplicationBeforeCloud(DeviceOsReleases.Parse(version)).Should().Be(expected);

    [Fact]
    public void Before_6_2_setup_waits_for_the_cloud()
    {
        // Given a Photon on 2.3.1 whose cloud connects 5 s after power-on
        var rig = DeviceRig.PoweredOn(Board(Platforms.Photon, connectAfter: TimeSpan.FromSeconds(5)));

        // When 4 s pass
        rig.RunTo(4_000);

        // Then setup() has not run: nothing on serial, D7 not configured, no function registered, only the connect is due
        rig.Device.WaitingForCloud.Should().BeTrue();
        rig.Device.SerialLines.Should().BeEmpty();
        rig.Device.D7Mode.Should().Be(GpioMode.None);
        rig.Device.Functions.Should().BeEmpty();
        rig.Ms(rig.Device.NextDueAt!.Value).Should().Be(5_000);

        // And once connected, setup() runs (its delay(1000)) and the first loop comes at 6 s
        rig.RunTo(6_000);
        rig.Device.SerialLines.Select(l => l.Text).Should().Contain(["Device OS v2.3.1", "Setup complete"]);
        rig.Device.SerialLines.Should().OnlyContain(l => rig.Ms(l.At) == 6_000);
        rig.Device.LoopCount.Should().Be(1);
    }

    [Fact]
    public void From_6_2_setup_and_loop_run_before_the_cloud_connects()
    {
        // Given a Boron on 6.2.1 whose cloud connects 5 s after power-on
        var rig = DeviceRig.PoweredOn(Board(Platforms.Boron, connectAfter: TimeSpan.FromSeconds(5)));

        // When 4 s pass
        rig.RunTo(4_000);

        // Then setup() has finished at 1 s and loop() has been running since
        rig.Device.WaitingForCloud.Should().BeFalse();
        rig.Device.SerialLines.Select(l => l.Text).Should().Contain("Setup complete");
        rig.Device.LoopCount.Should().BeGreaterThan(250);
    }

    [Fact]
    public void Before_6_2_the_seed_boot_publish_is_made_when_the_cloud_connects_late()
    {
        // Given the seed on a Photon (2.3.1) whose cloud connects 5 s after power-on
        var rig = DeviceRig.PoweredOn(Board(Platforms.Photon, connectAfter: TimeSpan.FromSeconds(5)));

        // When 10 s pass
        rig.RunTo(10_000);

        // Then the boot publish went out at the first loop, 6 s after power-on: seed-boot-publish-lost does not reproduce
        rig.Device.PublishAttempts.Should().ContainSingle().Which.Outcome.Should().Be(PublishOutcome.Sent);
        rig.Ms(rig.Device.PublishAttempts[0].At).Should().Be(6_000);
    }

    [Theory]
    [InlineData("Boron", null)]
    [InlineData("Photon", "6.2.1")]
    public void From_6_2_the_seed_boot_publish_is_lost_when_the_cloud_connects_late(string platform, string? deviceOs)
    {
        // Given the seed on 6.2.1 whose cloud connects 5 s after power-on
        var rig = DeviceRig.PoweredOn(Board(Platforms.Parse(platform), deviceOs, connectAfter: TimeSpan.FromSeconds(5)));

        // When 10 s pass
        rig.RunTo(10_000);

        // Then nothing was sent: the first loop cleared the flag while offline (seed-boot-publish-lost)
        rig.Device.PublishAttempts.Should().NotContain(a => a.Outcome == PublishOutcome.Sent);
        rig.Device.Sketch!.ParticleFnCalled.Should().BeFalse();
    }

    [Fact]
    public void Before_6_2_loop_stops_while_the_cloud_is_down_and_resumes_when_it_returns()
    {
        // Given a Photon on 2.3.1 that has been running
        var rig = DeviceRig.PoweredOn(Board(Platforms.Photon));
        rig.RunTo(3_000);
        var loops = rig.Device.LoopCount;

        // When the cloud drops for 10 s
        rig.Device.DropCloudConnection();
        rig.Device.RestoreCloudConnection(TimeSpan.FromSeconds(10));
        rig.RunTo(12_000);

        // Then no loop ran meanwhile
        rig.Device.LoopCount.Should().Be(loops);
        rig.Device.WaitingForCloud.Should().BeTrue();

        // And loops resume once it is back at 13 s
        rig.RunTo(14_000);
        rig.Device.LoopCount.Should().BeGreaterThan(loops + 50);
    }

    [Fact]
    public void Before_6_2_a_board_whose_cloud_never_connects_has_nothing_due()
    {
        // Given a Photon on 2.3.1 whose cloud never connects by itself
        var options = Board(Platforms.Photon) with { CloudConnectDelay = null };
        var rig = DeviceRig.PoweredOn(options);

        // Then nothing is due until the cloud is restored
        rig.Device.NextDueAt.Should().BeNull();
        rig.Device.RestoreCloudConnection(TimeSpan.FromSeconds(2));
        rig.Ms(rig.Device.NextDueAt!.Value).Should().Be(2_000);
    }

    [Theory]
    [InlineData("Core", 622)]
    [InlineData("Photon", 622)]
    [InlineData("Electron", 622)]
    [InlineData("E Series", 622)]
    [InlineData("Boron", 1024)]
    [InlineData("B Series SoM", 1024)]
    [InlineData("Photon 2", 1024)]
    [InlineData("Tracker SoM", 1024)]
    public void The_publish_limit_follows_the_default_Device_OS(string platform, int limit)
    {
        // Given a board on its default Device OS
        var os = new DeviceOs(new EmulatorOptions { Platform = Platforms.Parse(platform) }, DateTimeOffset.UnixEpoch);

        // Then its event data limit is the platform's table value
        os.MaxEventDataLength.Should().Be(limit);
        Platforms.Parse(platform).PublishLimit.Should().Be(limit);
    }
}
