using System.Net;
using System.Net.Sockets;

namespace ParticleBlynk.Lab;

/// <summary>
/// Forwards a fixed 127.0.0.1 port to a mock's own (random) loopback port, byte for byte, so --port-particle and
/// --port-blynk work without the mocks taking a port option. HTTP, SSE and keep-alive pass through untouched.
/// </summary>
public sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private LoopbackRelay(int port, int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> and relays every connection to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static LoopbackRelay Start(int port, int targetPort) => new(port, targetPort);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient(AddressFamily.InterNetwork))
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token).ConfigureAwait(false);
                var a = client.GetStream();
                var b = upstream.GetStream();
                using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = CopyThenShutdownAsync(a, upstream.Client, b, either.Token);
                var down = CopyThenShutdownAsync(b, client.Client, a, either.Token);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A side went away: both sockets close with the using block.
            }
        }
    }

    private static async Task CopyThenShutdownAsync(NetworkStream from, Socket toSocket, NetworkStream to, CancellationToken token)
    {
        await from.CopyToAsync(to, token).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }
}
