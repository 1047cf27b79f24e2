using System.Diagnostics;

namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>The known hang (infra-notes §3): SerialPort.Close() never returns after a write on a port whose device died.</summary>
public sealed class SerialPortConnectionTests
{
    [Fact]
    public async Task Closing_after_a_timed_out_write_on_a_dead_port_returns_at_once()
    {
        // Given a connection on a pty, the board gone, and a write that timed out on the dead port
        using var pty = PseudoTerminal.Open(null);
        var options = new SerialLinkOptions { Endpoint = new DevicePathEndpoint(pty.Path), WriteTimeout = TimeSpan.FromMilliseconds(200) };
        var connection = SerialPortConnection.Open(pty.Path, pty.Path, options);
        var read = connection.ReadAsync(new byte[16], CancellationToken.None).AsTask();
        pty.Unplug();
        var readFailure = await Record.ExceptionAsync(() => read.WaitAsync(Eventually.Patience));
        using (var timeout = new CancellationTokenSource(options.WriteTimeout))
        {
            var writeFailure = await Record.ExceptionAsync(async () => await connection.WriteAsync("x\n"u8.ToArray(), timeout.Token));
            writeFailure.Should().BeAssignableTo<OperationCanceledException>("the port's I/O loop died with the device, so the write can only time out");
        }

        // When the connection is closed
        var stopwatch = Stopwatch.StartNew();
        var close = Task.Run(connection.Close);
        var finished = await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(2)));

        // Then it returned promptly (SerialPort.Close here spins forever in its flush)
        readFailure.Should().BeOfType<ObjectDisposedException>();
        finished.Should().Be(close);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
    }
}
