using ParticleBlynk.LoopHost.Control;
using ParticleBlynk.LoopHost.Tests.Support;
using ParticleBlynk.SerialBridge;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>
/// A board behind a tty, reset over the control API: its USB port re-enumerates, the host's open fd dies with it, and the
/// seed's setup() waits in waitFor(Serial.isConnected, 30000) until a host opens the new port — so nothing it prints at
/// boot is lost to a host that is still reconnecting (the hardware self-test over ser2net depends on this).
/// </summary>
public sealed class SerialResetTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("serial-reset-").FullName;
    private readonly List<IAsyncDisposable> _owned = [];

    [Fact]
    public async Task A_reset_board_waits_for_a_host_to_reopen_its_port_and_the_host_sees_the_boot_publish()
    {
        // Given the demo lab on real time with the board's USB serial on a tty, followed by a serial link
        await using var lab = await InProcessLab.StartAsync();
        var configuration = LabConfiguration.Load(LabConfiguration.DemoFile);
        var ttyPath = Path.Combine(_dir, "ttyBoron");
        configuration = configuration with { Devices = [configuration.Devices[0] with { SerialPty = ttyPath }] };
        var host = await LoopHost.StartAsync(configuration, new LoopHostOptions { VirtualTime = false });
        lab.Sessions.Add(host, id: LabSessions.DefaultId);
        var device = configuration.Devices[0].Id;
        var link = Follow(ttyPath);
        (await link.WaitForAsync(l => l is SetupComplete, 0, InProcessLab.Patience)).Should().NotBeNull("the board boots once a host has its port open");
        await host.WhenReadyAsync();
        (await link.WaitForAsync(l => l is SendingToBlynk, 0, InProcessLab.Patience)).Should().NotBeNull("the first boot's publish, before the reset");
        var from = link.TranscriptCount;

        // When it is reset: the port re-enumerates and the link reopens it when it is back
        var resetAt = DateTimeOffset.UtcNow;
        var reset = await lab.ResetAsync(LabSessions.DefaultId, device);
        var resetDone = DateTimeOffset.UtcNow; // the board restarted between resetAt and now
        var sending = await link.WaitForAsync(l => l is SendingToBlynk, from, InProcessLab.Patience);

        // Then setup() waited for the host: the host saw the boot publish, made 1 s (delay(1000)) after it reopened the port
        reset.SerialHostAttached.Should().BeFalse("the host's fd died with the old USB device");
        sending.Should().NotBeNull("nothing the board prints at boot is lost to a host that is still reconnecting");
        var back = link.Transcript.Skip(from).Select(e => e.Event).OfType<Reconnected>().Should().ContainSingle().Subject;
        var v14 = System.Text.Json.JsonDocument.Parse(((SendingToBlynk)sending!).Payload).RootElement.GetProperty("v14").GetUInt32();
        (back.At - resetAt).TotalMilliseconds.Should().BeGreaterThanOrEqualTo(500, "the port is away for 0.5 s after a reset");
        // millis() at the host's return is at least the time from the reset's answer to it, however slow the request was.
        var hostBackAfter = Math.Max(0, (back.At - resetDone).TotalMilliseconds);
        v14.Should().BeGreaterThanOrEqualTo((uint)(hostBackAfter + 1000), "the boot publish comes delay(1000) after the host is back");
        link.Transcript.Skip(from).Select(e => e.Event).OfType<LineReceived>().Select(l => l.Line).OfType<SetupComplete>().Should().ContainSingle("the host saw setup() end");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private SerialLink Follow(string path)
    {
        var link = SerialLink.Open(new SerialLinkOptions { Endpoint = new DevicePathEndpoint(path) });
        _owned.Add(link);
        return link;
    }
}
