using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>A board-farm export for real: ser2net 4.x serving a pty on 127.0.0.1, raw and RFC 2217.</summary>
public sealed class Ser2NetTests
{
    private static string RequireSer2Net()
    {
        var path = BoardResets.FindOnPath("ser2net", Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin");
        Assert.SkipWhen(path is null, "ser2net is not installed (Debian package ser2net)");
        return path!;
    }

    [Fact]
    public async Task A_raw_ser2net_export_delivers_lines_and_follows_an_unplug_and_replug()
    {
        // Given a board behind a pty, exported raw by ser2net, and a link to the export
        var ser2net = RequireSer2Net();
        using var dir = new ScratchDirectory();
        using var board = PseudoTerminal.Open(dir["ttyBoron"]);
        await using var export = await Ser2NetExport.StartAsync(ser2net, dir, "tcp", board.LinkPath!);
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = SerialEndpoint.Parse($"socket://127.0.0.1:{export.Port}") });
        var events = new EventLog(link);
        await Eventually.True(() => board.HostAttached, "ser2net opened the port for the link");

        // When the board prints
        board.WriteLine("Device OS v6.2.1");
        board.WriteLine("Setup complete");

        // Then the lines arrive parsed
        (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        events.Lines.Should().Equal("Device OS v6.2.1", "Setup complete");

        // And when the board is unplugged, ser2net drops the connection; after a replug the link is back
        board.Unplug();
        await Eventually.True(() => events.Of<Disconnected>().Count >= 1, "Disconnected; ser2net said: " + export.Output);
        board.Replug();
        await Eventually.True(() => board.HostAttached, "ser2net reopened the port for the reconnected link");
        var mark = link.TranscriptCount;
        board.WriteLine("ERROR: Particle.publish()");
        (await link.WaitForAsync(l => l is PublishFailed, mark, Eventually.Patience)).Should().NotBeNull();
        events.Of<Reconnected>().Should().NotBeEmpty();
    }

    [Fact]
    public async Task An_rfc2217_ser2net_export_negotiates_the_baud_rate_and_delivers_lines()
    {
        // Given a board behind a pty, exported by ser2net with telnet(rfc2217), and a link at 115200 baud
        var ser2net = RequireSer2Net();
        using var dir = new ScratchDirectory();
        using var board = PseudoTerminal.Open(dir["ttyArgon"]);
        await using var export = await Ser2NetExport.StartAsync(ser2net, dir, "telnet(rfc2217),tcp", board.LinkPath!);
        var log = new List<string>();
        await using var link = SerialLink.Open(new SerialLinkOptions
        {
            Endpoint = SerialEndpoint.Parse($"rfc2217://127.0.0.1:{export.Port}"),
            BaudRate = 115200,
            Log = m => { lock (log) { log.Add(m); } },
        });
        await Eventually.True(() => board.HostAttached, "ser2net opened the port for the link");

        // When the board prints a payload containing quotes and a byte that Telnet must escape
        board.WriteLine("Sending to Blynk: '{\"t\":\"it's\",\"v14\":1}' with size of 21 bytes");
        board.Write([.. "Unexpected on_off value of: '"u8, 0xFF, .. "'\r\n"u8]);
        board.WriteLine("Setup complete");

        // Then every line arrives whole and typed, and ser2net confirmed 115200 baud
        (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        link.Transcript.Select(e => e.Event).OfType<LineReceived>().Select(l => l.Line).Should().Equal(
            new SendingToBlynk("{\"t\":\"it's\",\"v14\":1}", 21), new UnexpectedOnOffValue("\uFFFD"), new SetupComplete());
        await Eventually.True(() => { lock (log) { return log.Any(m => m.Contains("server set 115200 baud")); } }, "baud rate confirmed");
    }
}

/// <summary>ser2net in the foreground on a free 127.0.0.1 port, killed (by its own pid) at the end.</summary>
internal sealed class Ser2NetExport : IAsyncDisposable
{
    private readonly Process _process;

    private readonly List<string> _output;

    private Ser2NetExport(Process process, int port, List<string> output)
    {
        _process = process;
        Port = port;
        _output = output;
    }

    public int Port { get; }

    /// <summary>What ser2net printed (its -d debug output), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<Ser2NetExport> StartAsync(string ser2net, ScratchDirectory dir, string accepterKind, string device)
    {
        var port = FreeLoopbackPort();
        var config = dir["ser2net.yaml"];
        await File.WriteAllTextAsync(config, $"""
            connection: &con0
              accepter: {accepterKind},127.0.0.1,{port}
              connector: serialdev,{device},9600n81,local
            """);
        var start = new ProcessStartInfo(ser2net)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -n foreground, -d debug to stdout, -u no UUCP lock files, -P a pid file of our own.
        foreach (var argument in new[] { "-n", "-d", "-u", "-c", config, "-P", dir["ser2net.pid"] })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var export = new Ser2NetExport(process, port, output);
        await Eventually.True(() => process.HasExited || IsListening(port), "ser2net listening on " + port);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"ser2net exited with {process.ExitCode} before listening");
        }

        return export;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Reads /proc/net/tcp rather than connecting, since a probe connection would open the board's port.</summary>
    private static bool IsListening(int port)
    {
        var local = $"0100007F:{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields[1] == local && fields[3] == "0A");
    }
}
