namespace ParticleBlynk.SerialBridge.Tests;

public sealed class BoardResetTests
{
    private static string FakeParticleCli(ScratchDirectory dir, string body)
    {
        var path = dir["particle"];
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task A_command_reset_runs_through_the_shell_and_reports_status_and_output()
    {
        // Given a reset command that prints on both streams
        var reset = new CommandReset("echo relay off; echo 'hub 1-1 port 2 power cycled' >&2; exit 0");

        // When the board is reset
        var outcome = await reset.ResetAsync();

        // Then it succeeded and the outcome carries what it printed
        reset.CannotResetReason.Should().BeNull();
        outcome.Succeeded.Should().BeTrue();
        outcome.ExitCode.Should().Be(0);
        outcome.StandardOutput.Should().Be("relay off\n");
        outcome.StandardError.Should().Be("hub 1-1 port 2 power cycled\n");
        outcome.Summary.Should().Be("/bin/sh -c echo relay off; echo 'hub 1-1 port 2 power cycled' >&2; exit 0 exited 0: hub 1-1 port 2 power cycled");
    }

    [Fact]
    public async Task A_failing_command_reset_reports_its_exit_status()
    {
        // Given a reset command that fails
        var reset = new CommandReset("echo 'uhubctl: No compatible devices detected' >&2; exit 3");

        // When the board is reset
        var outcome = await reset.ResetAsync();

        // Then the failure and its reason are reported
        outcome.Succeeded.Should().BeFalse();
        outcome.ExitCode.Should().Be(3);
        outcome.Summary.Should().EndWith("exited 3: uhubctl: No compatible devices detected");
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_killed_with_its_children()
    {
        // Given a reset command that hangs, started in the background too, with a short timeout
        var reset = new CommandReset("sleep 30 & sleep 30", TimeSpan.FromMilliseconds(300));

        // When the board is reset
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await reset.ResetAsync();

        // Then it is reported as timed out, promptly
        outcome.TimedOut.Should().BeTrue();
        outcome.Succeeded.Should().BeFalse();
        outcome.ExitCode.Should().BeNull();
        outcome.Summary.Should().Contain("did not finish within 0.3 s");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task No_reset_reports_its_reason_and_does_nothing()
    {
        // Given no reset method
        var reset = new NoReset("no relay in this lab");

        // When a reset is asked for
        var outcome = await reset.ResetAsync();

        // Then the reason is there for a scenario to skip with
        reset.CannotResetReason.Should().Be("no relay in this lab");
        outcome.Succeeded.Should().BeFalse();
        outcome.Summary.Should().Be("not reset: no relay in this lab");
    }

    [Fact]
    public async Task Particle_cli_reset_runs_usb_reset_with_the_device_id()
    {
        // Given a fake particle-cli that echoes its arguments
        using var dir = new ScratchDirectory();
        var cli = FakeParticleCli(dir, "echo \"args: $*\"; echo 'Done! Device has been reset.'");
        var reset = new ParticleCliReset(cli, "e00fce68a1b2c3d4e5f60718");

        // When the board is reset
        var outcome = await reset.ResetAsync();

        // Then particle-cli got "usb reset <device id>" and the outcome has what it printed
        reset.Arguments.Should().Equal("usb", "reset", "e00fce68a1b2c3d4e5f60718");
        outcome.Succeeded.Should().BeTrue();
        outcome.StandardOutput.Should().Be("args: usb reset e00fce68a1b2c3d4e5f60718\nDone! Device has been reset.\n");
    }

    [Fact]
    public async Task Particle_cli_reset_without_a_device_id_resets_the_only_board()
    {
        // Given a fake particle-cli that fails as it does with no board attached
        using var dir = new ScratchDirectory();
        var cli = FakeParticleCli(dir, "echo \"args: $*\"; echo 'No devices found' >&2; exit 1");
        var reset = new ParticleCliReset(cli);

        // When the board is reset
        var outcome = await reset.ResetAsync();

        // Then it ran "usb reset" and reports the failure
        reset.Arguments.Should().Equal("usb", "reset");
        outcome.StandardOutput.Should().Be("args: usb reset\n");
        outcome.Succeeded.Should().BeFalse();
        outcome.Summary.Should().EndWith("exited 1: No devices found");
    }

    [Fact]
    public void An_explicit_command_wins_over_particle_cli()
    {
        // Given a command and a particle-cli on the search path
        using var dir = new ScratchDirectory();
        FakeParticleCli(dir, "exit 0");

        // When the reset method is picked
        var reset = BoardResets.FromSettings("uhubctl -l 1-1 -p 2 -a cycle", "e00fce68", null, dir.Path);

        // Then it is the command
        reset.Should().BeOfType<CommandReset>().Which.Command.Should().Be("uhubctl -l 1-1 -p 2 -a cycle");
    }

    [Fact]
    public void Particle_cli_is_found_on_the_search_path_or_at_a_given_path()
    {
        // Given a particle-cli in a directory that is not on the real PATH
        using var dir = new ScratchDirectory();
        var cli = FakeParticleCli(dir, "exit 0");

        // When the reset method is picked without a command, by search path and by explicit path
        var bySearch = BoardResets.FromSettings(null, "e00fce68", null, "/nonexistent:" + dir.Path);
        var byPath = BoardResets.FromSettings("  ", null, cli);

        // Then both are particle-cli resets at that path
        bySearch.Should().BeOfType<ParticleCliReset>().Which.ParticleCliPath.Should().Be(cli);
        ((ParticleCliReset)bySearch).Arguments.Should().Equal("usb", "reset", "e00fce68");
        byPath.Should().BeOfType<ParticleCliReset>().Which.Arguments.Should().Equal("usb", "reset");
    }

    [Fact]
    public void Without_a_command_or_particle_cli_there_is_no_reset_and_the_reason_says_what_to_do()
    {
        // Given an empty search path and a directory holding a non-executable "particle"
        using var dir = new ScratchDirectory();
        File.WriteAllText(dir["particle"], "not executable");

        // When the reset method is picked
        var none = BoardResets.FromSettings(null, null, null, dir.Path);
        var missing = BoardResets.FromSettings(null, null, "/opt/particle/bin/particle");

        // Then there is none, with the reason scenarios skip with
        none.CannotResetReason.Should().Be("no reset method: set E2E_HARDWARE_RESET_COMMAND or install particle-cli");
        missing.CannotResetReason.Should().Contain("/opt/particle/bin/particle");
    }

    [Fact]
    public async Task A_reset_program_that_cannot_start_is_reported_not_thrown()
    {
        // Given a particle-cli path that vanished after it was configured
        var reset = new ParticleCliReset("/nonexistent/particle");

        // When the board is reset
        var outcome = await reset.ResetAsync();

        // Then the outcome says it could not start
        outcome.Succeeded.Should().BeFalse();
        outcome.Summary.Should().StartWith("could not start /nonexistent/particle usb reset");
    }
}
