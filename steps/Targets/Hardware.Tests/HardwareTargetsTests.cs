using System.Reflection;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Hardware.Tests;

/// <summary>
/// The hardware plug-in without a board: its card, the capabilities it declares it lacks, the reason it cannot run when
/// the bench is not configured, and the bench-versus-scenario checks that refuse a lab before any port or cloud is used.
/// </summary>
public sealed class HardwareTargetsTests
{
    // Nothing listens on port 1 of the loopback; the refusals below come before the link is ever read.
    private const string UnreachableExport = "socket://127.0.0.1:1";

    [Fact]
    public async Task Without_settings_the_target_is_unavailable_saying_no_board_is_attached()
    {
        // Given
        await using var plugin = new HardwareTargets(HardwareSettings.Read(HardwareSettingsTests.Configuration()));

        // When
        var reason = plugin.Targets.Single().Unavailable();

        // Then
        reason.Should().StartWith("no board attached: set E2E_HARDWARE_PORT, E2E_HARDWARE_DEVICE_ID, E2E_HARDWARE_PARTICLE_TOKEN, E2E_HARDWARE_BLYNK_TOKEN");
    }

    [Fact]
    public async Task With_unusable_settings_the_target_is_unavailable_with_what_is_wrong()
    {
        // Given
        var values = HardwareSettingsTests.Required().Append(("BLYNK_WEBHOOK_QUOTA", "lots")).ToArray();
        await using var plugin = new HardwareTargets(HardwareSettings.Read(HardwareSettingsTests.Configuration(values)));

        // When / Then
        plugin.Targets.Single().Unavailable().Should().Be(
            "the hardware settings are not usable: E2E_HARDWARE_BLYNK_WEBHOOK_QUOTA is requests/seconds, e.g. 1/60 or 10/60, not 'lots'.");
    }

    [Fact]
    public async Task With_settings_the_target_is_available()
    {
        // Given
        await using var plugin = Plugin();

        // When / Then
        plugin.Targets.Single().Unavailable().Should().BeNull();
    }

    [Fact]
    public async Task The_card_names_the_target_and_says_it_runs_on_real_time()
    {
        // Given
        await using var plugin = Plugin();

        // When
        var target = plugin.Targets.Single();

        // Then
        target.Name.Should().Be("hardware");
        target.Summary.Should().Contain("real board").And.Contain("real time");
        TargetCatalog.Of(plugin).Find("hardware").Should().BeSameAs(target);
    }

    [Fact]
    public async Task It_lacks_every_capability_beyond_public_interfaces_each_with_a_reason()
    {
        // Given a bench without an unplug command
        await using var plugin = Plugin();

        // When
        var target = plugin.Targets.Single();

        // Then
        target.Capabilities.Should().BeEmpty();
        target.Lacks.Keys.Should().BeEquivalentTo(Capabilities.All);
        target.WhyNot(Capability.VirtualTime).Should().Contain("real time");
        target.WhyNot(Capability.FaultInjection).Should().Contain("cannot inject faults");
        target.WhyNot(Capability.DeviceControl).Should().Contain("cannot steer");
        target.WhyNot(Capability.LedReadback).Should().Contain("D7 LED");
        target.WhyNot(Capability.CloudInternals).Should().Contain("only public interfaces");
        target.WhyNot(Capability.Browser).Should().Contain("no dashboard");
        target.WhyNot(Capability.SerialPort).Should().Contain("E2E_HARDWARE_UNPLUG_COMMAND");
    }

    [Fact]
    public async Task An_unplug_command_gives_it_the_serial_port_capability()
    {
        // Given
        await using var plugin = Plugin(("UNPLUG_COMMAND", "uhubctl -l 1-1 -p 2 -a off"));

        // When
        var target = plugin.Targets.Single();

        // Then
        target.Capabilities.Should().Equal(Capability.SerialPort);
    }

    [Fact]
    public void The_assembly_names_its_plugin_type()
    {
        typeof(HardwareTargets).Assembly.GetCustomAttribute<LoopTargetPluginAttribute>()!.PluginType.Should().Be<HardwareTargets>();
    }

    [Fact]
    public async Task A_scenario_for_another_board_cannot_run_on_the_bench()
    {
        // Given a Boron on the bench
        await using var plugin = Plugin(("PORT", UnreachableExport), ("PLATFORM", "Boron"));

        // When
        var start = () => plugin.Targets.Single().StartAsync(LabSpec.Standard() with { Platform = Platforms.Photon2 }, CancellationToken.None);

        // Then
        await start.Should().ThrowAsync<TargetCannotRunException>().WithMessage("the scenario needs a Photon 2; the board on the bench is a Boron");
    }

    [Fact]
    public async Task A_scenario_for_other_firmware_cannot_run_on_the_bench()
    {
        // Given the seed firmware on the bench
        await using var plugin = Plugin(("PORT", UnreachableExport), ("PLATFORM", "Boron"));

        // When
        var start = () => plugin.Targets.Single().StartAsync(LabSpec.Standard() with { Firmware = FirmwareKind.Fixed }, CancellationToken.None);

        // Then
        await start.Should().ThrowAsync<TargetCannotRunException>()
            .WithMessage("the scenario needs the fixed firmware; the board runs the seed one (E2E_HARDWARE_FIRMWARE)");
    }

    [Fact]
    public async Task A_board_behind_a_network_export_needs_its_platform_set()
    {
        // Given no E2E_HARDWARE_PLATFORM and a port whose USB ids cannot be read
        await using var plugin = Plugin(("PORT", UnreachableExport));

        // When
        var start = () => plugin.Targets.Single().StartAsync(LabSpec.Standard(), CancellationToken.None);

        // Then
        await start.Should().ThrowAsync<TargetCannotRunException>()
            .WithMessage("the board type is unknown: set E2E_HARDWARE_PLATFORM (it cannot be read through socket://127.0.0.1:1)");
    }

    private static HardwareTargets Plugin(params (string Name, string Value)[] values) =>
        new((HardwareSettingsTests.ReadUsable(values), null));
}
