using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>The bridge following a board exported over TCP, with the test playing ser2net.</summary>
public sealed class SerialLinkTcpTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SerialLinkTcpTests()
    {
        _listener.Start();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_raw_tcp_export_delivers_lines_and_a_dropped_connection_is_reconnected()
    {
        // Given a link to socket://127.0.0.1:<port>, and the export accepting it
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = SerialEndpoint.Parse($"socket://127.0.0.1:{Port}") });
        var events = new EventLog(link);
        using (var first = await _listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience))
        {
            // When the board prints, then the export drops the connection
            await first.GetStream().WriteAsync("Device OS v6.2.1\r\nSetup complete\r\n"u8.ToArray());
            (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        }

        await Eventually.True(() => events.Of<Disconnected>().Count == 1, "Disconnected");

        // Then the link comes back by itself and lines after the gap arrive
        using var second = await _listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience);
        await Eventually.True(() => events.Of<Reconnected>().Count == 1, "Reconnected");
        var mark = link.TranscriptCount;
        await second.GetStream().WriteAsync("ERROR: Particle.publish()\n"u8.ToArray());
        (await link.WaitForAsync(l => l is PublishFailed, mark, Eventually.Patience)).Should().NotBeNull();
        events.Of<Disconnected>()[0].Reason.Should().Contain("end of stream");
        events.Of<Reconnected>()[0].Gap.Should().BePositive();
        link.Transcript.Select(e => e.Event.GetType().Name).Should().Equal(
            "Opened", "LineReceived", "LineReceived", "Disconnected", "Reconnected", "LineReceived");
        link.Transcript[0].Event.Should().BeOfType<Opened>().Which.Endpoint.Should().Be($"socket://127.0.0.1:{Port}");
    }

    [Fact]
    public async Task A_reset_tcp_connection_is_a_disconnect_too()
    {
        // Given a connected link
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = new TcpRawEndpoint("127.0.0.1", Port) });
        var events = new EventLog(link);
        var accepted = await _listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience);
        await Eventually.True(() => link.IsConnected, "connected");

        // When the export resets the connection (RST, not FIN)
        accepted.Client.LingerState = new LingerOption(true, 0);
        accepted.Dispose();

        // Then the loss is recorded and the link keeps trying
        await Eventually.True(() => events.Of<Disconnected>().Count == 1, "Disconnected");
        using var again = await _listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience);
        await Eventually.True(() => link.IsConnected, "reconnected");
    }

    [Fact]
    public async Task Writes_go_out_over_tcp_and_fail_fast_while_the_link_is_down()
    {
        // Given a link with nothing listening on its port
        var port = Port;
        _listener.Stop();
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = new TcpRawEndpoint("127.0.0.1", port) });

        // When the harness writes
        var down = () => link.WriteLineAsync("blynk_led on");

        // Then it is told the link is down and why
        await down.Should().ThrowAsync<InvalidOperationException>().WithMessage("*is down*");

        // And once the export listens, the write arrives
        using var export = new TcpListener(IPAddress.Loopback, port);
        export.Start();
        using var accepted = await export.AcceptTcpClientAsync().WaitAsync(Eventually.Patience);
        await Eventually.True(() => link.IsConnected, "connected");
        await link.WriteLineAsync("blynk_led on");
        var buffer = new byte[64];
        var n = await accepted.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Eventually.Patience);
        Encoding.ASCII.GetString(buffer, 0, n).Should().Be("blynk_led on\n");
    }

    [Fact]
    public async Task Retries_wait_on_the_links_clock_and_the_gap_is_measured_on_it()
    {
        // Given a link on a fake clock, connected to the export
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var start = time.GetUtcNow();
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = new TcpRawEndpoint("127.0.0.1", Port) }, time);
        var events = new EventLog(link);
        using (await _listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience))
        {
            await Eventually.True(() => link.IsConnected, "connected");
        }

        // When the export drops the connection, and the fake clock is moved on 50 ms at a time until the link is back
        await Eventually.True(() => events.Of<Disconnected>().Count == 1, "Disconnected");
        var accepting = _listener.AcceptTcpClientAsync();
        await Eventually.True(() =>
        {
            if (!link.IsConnected)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
            }

            return link.IsConnected;
        }, "reconnected");
        using var second = await accepting;

        // Then the loss was stamped before any time passed, and the gap is whole steps of the 50 ms first retry
        events.Of<Disconnected>()[0].At.Should().Be(start);
        var gap = events.Of<Reconnected>().Should().ContainSingle().Subject.Gap;
        gap.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(50));
        (gap.Ticks % TimeSpan.FromMilliseconds(50).Ticks).Should().Be(0);
    }

    [Fact]
    public async Task An_export_that_accepts_and_hangs_up_at_once_is_retried_with_growing_delays()
    {
        // Given an export that accepts every connection and closes it at once (ser2net while the board is away),
        // and a link on a fake clock
        using var stop = new CancellationTokenSource();
        var flapping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(stop.Token);
                await client.GetStream().WriteAsync("Device open failure: Value or file not found\r\n"u8.ToArray(), stop.Token);
            }
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = new TcpRawEndpoint("127.0.0.1", Port) }, time);
        var events = new EventLog(link);

        // When the clock moves on 10 ms at a time until the link has come back four times
        await Eventually.True(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return events.Of<Reconnected>().Count >= 4;
        }, "four reconnects");
        await stop.CancelAsync();

        // Then the retries backed off 50, 100, 200, 400 ms (a momentary connection is no success), and each message was kept
        var gaps = events.Of<Reconnected>().Take(4).Select(r => r.Gap.TotalMilliseconds).ToList();
        gaps.Zip([50.0, 100, 200, 400]).Should().OnlyContain(pair => pair.First >= pair.Second, "the delay doubles from 50 ms (the clock may run on while a connect is under way, so only the lower bound is exact)");
        events.Lines.Should().Contain("Device open failure: Value or file not found");
        await Record.ExceptionAsync(() => flapping);
    }

    [Fact]
    public async Task Rfc2217_negotiates_com_port_control_sets_the_baud_rate_and_unescapes_0xFF()
    {
        // Given a Telnet COM-PORT server, and a link at 115200 baud
        var server = new TelnetComPortServer(_listener);
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = SerialEndpoint.Parse($"rfc2217://127.0.0.1:{Port}"), BaudRate = 115200 });
        await server.AcceptAsync();

        // When the board's output arrives with an escaped 0xFF and Telnet commands between the bytes
        await server.SendAsync([.. "Device OS v6.2.1\r\n"u8, 255, 241, .. "Unexpected on_off value of: '"u8, 255, 255, .. "'\r\n"u8]);
        await server.SendAsync([255, 250, 44, 107, 0x30, 255, 240, .. "Setup complete\r\n"u8]);

        // Then the lines are whole, the 0xFF is one data byte (U+FFFD in text), and the client set 115200 8N1
        (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        link.Transcript.Select(e => e.Event).OfType<LineReceived>().Select(l => l.Line).Should().Equal(
            new DeviceOsVersion("6.2.1"), new UnexpectedOnOffValue("\uFFFD"), new SetupComplete());
        await Eventually.True(() => server.Subnegotiations.Count >= 4, "COM-PORT settings received");
        server.Negotiations.Should().Contain("WILL 44");
        server.Subnegotiations.Should().ContainEquivalentOf(new byte[] { 44, 1, 0x00, 0x01, 0xC2, 0x00 });
        server.Subnegotiations.Should().ContainEquivalentOf(new byte[] { 44, 2, 8 });

        // And a written 0xFF is escaped on the wire and arrives as one data byte
        await link.WriteAsync(new byte[] { (byte)'A', 0xFF, (byte)'\n' });
        await Eventually.True(() => server.Data.Count >= 3, "data received");
        server.Data.Should().Equal((byte)'A', 0xFF, (byte)'\n');
    }
}

/// <summary>A minimal RFC 2217 server: asks for COM-PORT-OPTION, confirms SET-BAUDRATE, and records what the client sent.</summary>
internal sealed class TelnetComPortServer(TcpListener listener)
{
    private readonly List<string> _negotiations = [];
    private readonly List<byte[]> _subnegotiations = [];
    private readonly List<byte> _data = [];
    private NetworkStream? _stream;

    public IReadOnlyList<string> Negotiations { get { lock (_data) { return [.. _negotiations]; } } }

    public IReadOnlyList<byte[]> Subnegotiations { get { lock (_data) { return [.. _subnegotiations]; } } }

    public IReadOnlyList<byte> Data { get { lock (_data) { return [.. _data]; } } }

    public async Task AcceptAsync()
    {
        var client = await listener.AcceptTcpClientAsync().WaitAsync(Eventually.Patience);
        _stream = client.GetStream();
        await _stream.WriteAsync(new byte[] { 255, 253, 44, 255, 251, 0, 255, 251, 3, 255, 251, 1 });
        _ = Task.Run(ReadLoopAsync);
    }

    public Task SendAsync(byte[] bytes) => _stream!.WriteAsync(bytes).AsTask();

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1];
        var subnegotiation = new List<byte>();
        var state = 0; // 0 data, 1 IAC, 2 verb, 3 SB, 4 SB IAC
        byte verb = 0;
        while (await _stream!.ReadAsync(buffer) == 1)
        {
            var b = buffer[0];
            lock (_data)
            {
                switch (state)
                {
                    case 0 when b == 255: state = 1; break;
                    case 0: _data.Add(b); break;
                    case 1 when b == 255: _data.Add(b); state = 0; break;
                    case 1 when b is >= 251 and <= 254: verb = b; state = 2; break;
                    case 1 when b == 250: subnegotiation.Clear(); state = 3; break;
                    case 1: state = 0; break;
                    case 2:
                        _negotiations.Add((verb switch { 251 => "WILL", 252 => "WONT", 253 => "DO", _ => "DONT" }) + " " + b);
                        state = 0;
                        break;
                    case 3 when b == 255: state = 4; break;
                    case 3: subnegotiation.Add(b); break;
                    case 4 when b == 255: subnegotiation.Add(b); state = 3; break;
                    case 4:
                        _subnegotiations.Add([.. subnegotiation]);
                        if (subnegotiation is [44, 1, ..])
                        {
                            // Confirm the baud rate the way ser2net does: same value, command + 100.
                            byte[] confirm = [255, 250, 44, 101, .. subnegotiation.Skip(2).SelectMany(v => v == 255 ? new byte[] { 255, 255 } : [v]), 255, 240];
                            _ = _stream.WriteAsync(confirm).AsTask();
                        }

                        state = 0;
                        break;
                }
            }
        }
    }
}
