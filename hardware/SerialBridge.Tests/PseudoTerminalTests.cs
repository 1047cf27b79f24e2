using System.IO.Ports;
using System.Text;

namespace ParticleBlynk.SerialBridge.Tests;

public sealed class PseudoTerminalTests
{
    private static SerialPort OpenHost(string path, int readTimeoutMs = 2000)
    {
        var port = new SerialPort(path, 9600, Parity.None, 8, StopBits.One) { NewLine = "\n", ReadTimeout = readTimeoutMs, WriteTimeout = 1000 };
        port.Open();
        return port;
    }

    /// <summary>Closes without SerialPort.Close's flush, which hangs once the device side is gone.</summary>
    private static void CloseHost(SerialPort port)
    {
        port.BaseStream.Dispose();
        port.Dispose();
    }

    [Fact]
    public void Open_makes_a_pts_device_and_a_link_to_it()
    {
        // Given a scratch directory
        using var dir = new ScratchDirectory();

        // When a pseudo-terminal opens with a link there
        using var pty = PseudoTerminal.Open(dir["ttyBoard"]);

        // Then the link points at /dev/pts/N and no host is attached yet
        pty.Path.Should().StartWith("/dev/pts/");
        pty.LinkPath.Should().Be(dir["ttyBoard"]);
        new FileInfo(dir["ttyBoard"]).LinkTarget.Should().Be(pty.Path);
        pty.HostAttached.Should().BeFalse();
    }

    [Fact]
    public void Open_replaces_a_stale_link_but_not_a_regular_file()
    {
        // Given a dangling link and a regular file
        using var dir = new ScratchDirectory();
        File.CreateSymbolicLink(dir["stale"], "/dev/pts/nonexistent-9999");
        File.WriteAllText(dir["file"], "keep me");

        // When pseudo-terminals open on both paths
        using var pty = PseudoTerminal.Open(dir["stale"]);
        var onFile = () => PseudoTerminal.Open(dir["file"]);

        // Then the stale link now points at the new pty, and the file is refused and untouched
        new FileInfo(dir["stale"]).LinkTarget.Should().Be(pty.Path);
        onFile.Should().Throw<IOException>().WithMessage("*not a symlink*");
        File.ReadAllText(dir["file"]).Should().Be("keep me");
    }

    [Fact]
    public async Task A_serial_port_opened_on_the_link_reads_what_the_board_writes()
    {
        // Given a pty and a host SerialPort on its link
        using var dir = new ScratchDirectory();
        using var pty = PseudoTerminal.Open(dir["ttyBoard"]);
        var host = OpenHost(pty.LinkPath!);
        try
        {
            await Eventually.True(() => pty.HostAttached, "host attached");

            // When the board prints two lines
            pty.WriteLine("Device OS v6.2.1");
            pty.WriteLine("Setup complete");

            // Then the host reads them in order, CR kept by ReadLine as the firmware sends CRLF
            host.ReadLine().Should().Be("Device OS v6.2.1\r");
            host.ReadLine().Should().Be("Setup complete\r");
        }
        finally
        {
            CloseHost(host);
        }
    }

    [Fact]
    public async Task HostAttached_follows_the_host_opening_and_closing_the_port()
    {
        // Given a pty with no host
        using var pty = PseudoTerminal.Open(null);
        pty.HostAttached.Should().BeFalse();

        // When a host opens the port
        var host = OpenHost(pty.Path);

        // Then it is attached, and after the host closes it is not
        await Eventually.True(() => pty.HostAttached, "host attached");
        CloseHost(host);
        await Eventually.True(() => !pty.HostAttached, "host detached");
    }

    [Fact]
    public async Task Output_written_while_no_host_is_attached_is_dropped_as_a_usb_port_drops_it()
    {
        // Given a pty with no host, and the board printing a line
        using var pty = PseudoTerminal.Open(null);
        pty.WriteLine("lost");

        // When a host attaches and the board prints another line
        var host = OpenHost(pty.Path);
        try
        {
            await Eventually.True(() => pty.HostAttached, "host attached");
            pty.WriteLine("seen");

            // Then the host sees only the second one, and the first was counted as dropped
            host.ReadLine().Should().Be("seen\r");
            pty.BytesDropped.Should().Be("lost\r\n".Length);
        }
        finally
        {
            CloseHost(host);
        }
    }

    [Fact]
    public async Task Received_delivers_what_the_host_writes()
    {
        // Given a pty with a host attached, and a subscriber
        using var pty = PseudoTerminal.Open(null);
        var received = new List<byte>();
        pty.Received += bytes =>
        {
            lock (received)
            {
                received.AddRange(bytes);
            }
        };
        var host = OpenHost(pty.Path);
        try
        {
            // When the host writes a line
            host.Write("blynk_led on\n");

            // Then the board side receives the bytes
            await Eventually.True(() => { lock (received) { return received.Count >= 13; } }, "13 bytes received");
            lock (received)
            {
                Encoding.ASCII.GetString([.. received]).Should().Be("blynk_led on\n");
            }
        }
        finally
        {
            CloseHost(host);
        }
    }

    [Fact]
    public async Task Unplug_makes_the_hosts_read_fail_and_removes_the_link()
    {
        // Given a host reading the pty through its link
        using var dir = new ScratchDirectory();
        using var pty = PseudoTerminal.Open(dir["ttyBoard"]);
        var host = OpenHost(pty.LinkPath!, readTimeoutMs: 5000);
        try
        {
            await Eventually.True(() => pty.HostAttached, "host attached");
            var reading = Task.Run(() => host.BaseStream.Read(new byte[16], 0, 16));

            // When the board is unplugged
            pty.Unplug();

            // Then the pending read ends with an error (or end of stream) well before its 5 s timeout, and the link is gone
            var ended = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(4)));
            ended.Should().Be(reading, "a read on an unplugged port must not wait for its timeout");
            var outcome = await Record.ExceptionAsync(async () => (await reading).Should().Be(0, "a read that does not fail must report end of stream"));
            outcome.Should().NotBeOfType<TimeoutException>();

            File.Exists(dir["ttyBoard"]).Should().BeFalse();
            new FileInfo(dir["ttyBoard"]).LinkTarget.Should().BeNull();
            pty.HostAttached.Should().BeFalse();
            pty.IsPlugged.Should().BeFalse();
        }
        finally
        {
            _ = Task.Run(() => CloseHost(host));
        }
    }

    [Fact]
    public async Task Replug_serves_a_new_pty_behind_the_same_link()
    {
        // Given an unplugged pty
        using var dir = new ScratchDirectory();
        using var pty = PseudoTerminal.Open(dir["ttyBoard"]);
        pty.Unplug();

        // When it is plugged back in and a host opens the same link
        pty.Replug();
        var host = OpenHost(dir["ttyBoard"]);
        try
        {
            await Eventually.True(() => pty.HostAttached, "host attached");
            pty.WriteLine("Setup complete");

            // Then the host reads from the new pty through the old link
            new FileInfo(dir["ttyBoard"]).LinkTarget.Should().Be(pty.Path);
            host.ReadLine().Should().Be("Setup complete\r");
        }
        finally
        {
            CloseHost(host);
        }
    }

    [Fact]
    public async Task A_process_started_while_the_pty_is_open_does_not_inherit_it()
    {
        // Given an open pty, and a child process started afterwards (as the harness starts ser2net or particle-cli)
        using var pty = PseudoTerminal.Open(null);
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
        try
        {
            // When the child's open fds are listed
            await Eventually.True(() => Directory.Exists($"/proc/{child.Id}/fd"), "child running");
            var targets = Directory.GetFileSystemEntries($"/proc/{child.Id}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget)
                .ToList();

            // Then neither the master (/dev/ptmx) nor the slave is among them, so an Unplug is not undone by the child
            targets.Should().NotContain("/dev/ptmx").And.NotContain(pty.Path);
        }
        finally
        {
            child.Kill();
        }
    }
}
