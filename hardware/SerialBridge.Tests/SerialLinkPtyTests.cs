using System.Diagnostics;
using System.Text;

namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>The bridge following an emulated board behind a pty, as it follows /dev/serial/by-id/usb-Particle_… on a real one.</summary>
public sealed class SerialLinkPtyTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly PseudoTerminal _board;

    public SerialLinkPtyTests()
    {
        _board = PseudoTerminal.Open(_dir["usb-Particle_Boron_e00fce68"]);
    }

    public void Dispose()
    {
        _board.Dispose();
        _dir.Dispose();
    }

    private SerialLink OpenLink(List<string>? log = null) => SerialLink.Open(new SerialLinkOptions
    {
        Endpoint = SerialEndpoint.Parse(_board.LinkPath!),
        Log = log is null ? null : message => { lock (log) { log.Add(message); } },
    });

    [Fact]
    public async Task Lines_arrive_parsed_and_in_order()
    {
        // Given a link on the board's port
        await using var link = OpenLink();
        var events = new EventLog(link);
        await Eventually.True(() => _board.HostAttached && link.IsConnected, "link open");

        // When the board boots and prints setup()'s lines
        _board.WriteLine("Device OS v6.2.1");
        _board.WriteLine("Free RAM 81920 bytes");
        _board.WriteLine("Firmware version v0.0.0");
        _board.WriteLine("Setup complete");
        var setup = await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience);

        // Then each line is typed, in order, after the Opened marker
        setup.Should().Be(new SetupComplete());
        link.Transcript.Select(e => e.Event).OfType<LineReceived>().Select(l => l.Line).Should().Equal(
            new DeviceOsVersion("6.2.1"), new FreeRam(81920), new FirmwareVersion("0.0.0"), new SetupComplete());
        link.Transcript[0].Event.Should().BeOfType<Opened>().Which.Endpoint.Should().Be(_board.LinkPath);
        events.Lines.Should().Equal("Device OS v6.2.1", "Free RAM 81920 bytes", "Firmware version v0.0.0", "Setup complete");
    }

    [Fact]
    public async Task A_line_split_across_writes_and_LF_only_lines_are_assembled()
    {
        // Given an open link
        await using var link = OpenLink();
        await Eventually.True(() => _board.HostAttached, "link open");

        // When a line arrives in pieces, then an LF-only line
        _board.Write("Sending to Blynk: '{\"t\":\"x\","u8);
        await Eventually.True(() => link.Transcript.Count >= 1, "opened recorded");
        _board.Write("\"v14\":0}' with size of 18 bytes\r"u8);
        _board.Write("\nERROR: Particle.publish()\n"u8);
        await link.WaitForAsync(l => l is PublishFailed, 0, Eventually.Patience);

        // Then both are whole lines
        link.Transcript.Select(e => e.Event).OfType<LineReceived>().Select(l => l.Line).Should().Equal(
            new SendingToBlynk("{\"t\":\"x\",\"v14\":0}", 18), new PublishFailed());
    }

    [Fact]
    public async Task Unplug_records_a_disconnect_and_replug_a_reconnect_with_the_gap()
    {
        // Given an open link that has seen a line
        await using var link = OpenLink();
        var events = new EventLog(link);
        await Eventually.True(() => _board.HostAttached, "link open");
        _board.WriteLine("Device OS v6.2.1");
        (await link.WaitForAsync(l => l is DeviceOsVersion, 0, Eventually.Patience)).Should().NotBeNull();

        // When the board is unplugged, then plugged back in
        _board.Unplug();
        await Eventually.True(() => events.Of<Disconnected>().Count == 1, "Disconnected");
        link.IsConnected.Should().BeFalse();
        _board.Replug();
        await Eventually.True(() => _board.HostAttached, "link reopened on the new pty");
        var mark = link.TranscriptCount;
        _board.WriteLine("Setup complete");

        // Then a Reconnected with a positive gap follows, and the line after it arrives
        (await link.WaitForAsync(l => l is SetupComplete, mark, Eventually.Patience)).Should().Be(new SetupComplete());
        var reconnected = events.Of<Reconnected>().Should().ContainSingle().Subject;
        reconnected.Gap.Should().BePositive();
        link.Transcript.Select(e => e.Event.GetType().Name).Should().Equal(
            "Opened", "LineReceived", "Disconnected", "Reconnected", "LineReceived");
        link.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task A_line_cut_by_an_unplug_is_kept_as_partial()
    {
        // Given an open link
        await using var link = OpenLink();
        await Eventually.True(() => _board.HostAttached, "link open");

        // When the board dies mid-line (the whole line and the cut one in one write, so both are read together)
        _board.Write("Device OS v6.2.1\r\nSending to Blynk: '{\"t\":"u8);
        await link.WaitForAsync(l => l is DeviceOsVersion, 0, Eventually.Patience);
        var partialArrived = link.WaitForAsync(l => l is UnknownLine, 0, Eventually.Patience);
        _board.Unplug();

        // Then the cut line is in the transcript, marked partial, before the Disconnected marker
        (await partialArrived).Should().Be(new UnknownLine("Sending to Blynk: '{\"t\":"));
        await Eventually.True(() => link.Transcript.Any(e => e.Event is Disconnected), "Disconnected");
        var events = link.Transcript.Select(e => e.Event).ToList();
        events[2].Should().BeOfType<LineReceived>().Which.IsPartial.Should().BeTrue();
        events[3].Should().BeOfType<Disconnected>();
    }

    [Fact]
    public async Task Dispose_after_the_board_died_returns_within_two_seconds()
    {
        // Given a link whose board died after a write was attempted (the state where SerialPort.Close hangs forever)
        var link = OpenLink();
        await Eventually.True(() => _board.HostAttached, "link open");
        _board.Unplug();
        await Eventually.True(() => !link.IsConnected, "loss noticed");
        var write = () => link.WriteLineAsync("blynk_led on");
        await write.Should().ThrowAsync<InvalidOperationException>().WithMessage("*is down*");

        // When the link is disposed
        var stopwatch = Stopwatch.StartNew();
        await link.DisposeAsync();

        // Then disposal did not block
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Dispose_while_a_write_is_stuck_on_a_dead_port_returns_within_two_seconds()
    {
        // Given a link with a timed-out write on a port whose board vanished between the loss and its detection
        var link = SerialLink.Open(new SerialLinkOptions
        {
            Endpoint = new DevicePathEndpoint(_board.LinkPath!),
            ReadTimeout = TimeSpan.FromSeconds(30), // detection only via the failed read
            WriteTimeout = TimeSpan.FromMilliseconds(200),
        });
        await Eventually.True(() => _board.HostAttached && link.IsConnected, "link open");

        // When the board dies, a write is attempted at once, then the link is disposed
        _board.Unplug();
        var write = await Record.ExceptionAsync(() => link.WriteLineAsync("x"));
        var stopwatch = Stopwatch.StartNew();
        await link.DisposeAsync();

        // Then the write failed or succeeded quickly, and disposal did not block
        write.Should().Match(e => e == null || e is TimeoutException || e is InvalidOperationException || e is IOException || e is ObjectDisposedException);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task No_line_is_lost_across_a_thousand_lines_written_fast()
    {
        // Given an open link
        await using var link = OpenLink();
        await Eventually.True(() => _board.HostAttached && link.IsConnected, "link open");

        // When the board prints 1,000 lines as fast as the port takes them
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            text.Append("Sending to Blynk: '{\"v14\":").Append(i).Append("}' with size of ").Append(8 + i.ToString().Length).Append(" bytes\r\n");
        }

        await _board.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        await Eventually.True(() => link.Transcript.Count >= 1001, "1,000 lines");

        // Then all arrived, whole, in order
        var payloads = link.Transcript.Select(e => e.Event).OfType<LineReceived>()
            .Select(l => l.Line.Should().BeOfType<SendingToBlynk>().Subject)
            .ToList();
        payloads.Select(p => p.Payload).Should().Equal(Enumerable.Range(0, 1000).Select(i => "{\"v14\":" + i + "}"));
        payloads.Should().OnlyContain(p => p.SizeMatchesPayload);
        _board.BytesDropped.Should().Be(0);
    }

    [Fact]
    public async Task Writes_reach_the_board()
    {
        // Given an open link and a board listening
        await using var link = OpenLink();
        var received = new StringBuilder();
        _board.Received += bytes => { lock (received) { received.Append(Encoding.UTF8.GetString(bytes)); } };
        await Eventually.True(() => link.IsConnected && _board.HostAttached, "link open");

        // When the harness writes a line
        await link.WriteLineAsync("hello board");

        // Then the board receives it with "\n"
        await Eventually.True(() => { lock (received) { return received.ToString() == "hello board\n"; } }, "line received");
    }

    [Fact]
    public async Task A_link_opened_before_the_board_appears_connects_when_it_does()
    {
        // Given the board unplugged, and a link opened on its link path
        _board.Unplug();
        var log = new List<string>();
        await using var link = OpenLink(log);
        await Eventually.True(() => { lock (log) { return log.Count > 0; } }, "a failed attempt logged");
        link.IsConnected.Should().BeFalse();

        // When the board is plugged in and prints
        _board.Replug();
        await Eventually.True(() => _board.HostAttached, "link open");
        _board.WriteLine("Setup complete");

        // Then the first event is Opened (not Reconnected) and the line arrives
        (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        link.Transcript[0].Event.Should().BeOfType<Opened>();
        lock (log)
        {
            log[0].Should().Contain("does not exist");
        }
    }

    [Fact]
    public async Task WaitFor_returns_null_after_its_timeout_and_ignores_lines_before_the_call()
    {
        // Given a link that has already seen "Setup complete"
        await using var link = OpenLink();
        await Eventually.True(() => _board.HostAttached, "link open");
        _board.WriteLine("Setup complete");
        await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience);

        // When waiting for it again, from now on
        var found = await link.WaitForAsync(l => l is SetupComplete, TimeSpan.FromMilliseconds(100));

        // Then nothing new matched
        found.Should().BeNull();
    }
}
