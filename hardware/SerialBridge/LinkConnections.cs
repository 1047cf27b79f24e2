using System.IO.Ports;
using System.Net.Sockets;

namespace ParticleBlynk.SerialBridge;

/// <summary>One open connection to a board's serial port; a <see cref="SerialLink"/> makes a new one after every loss.</summary>
internal abstract class LinkConnection
{
    /// <summary>What was opened ("/dev/serial/by-id/usb-Particle_Boron_… (ttyACM0)", "socket://127.0.0.1:3333").</summary>
    public abstract string Description { get; }

    /// <summary>Bytes read, 0 at end of stream; throws when the port is gone.</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Checked while no data arrives: null when the port still looks present, else why it is gone.</summary>
    public virtual string? CheckStillPresent() => null;

    /// <summary>Releases the port. May block (a SerialPort whose device died), so callers run it on a background task.</summary>
    public abstract void Close();
}

/// <summary>A tty: a USB CDC-ACM port, a /dev/serial/by-id link, a pty.</summary>
internal sealed class SerialPortConnection : LinkConnection
{
    private readonly SerialPort _port;
    private readonly Stream _stream;
    private readonly string _path;

    private SerialPortConnection(SerialPort port, string path, string description)
    {
        _port = port;
        _stream = port.BaseStream;
        _path = path;
        Description = description;
    }

    public override string Description { get; }

    public static SerialPortConnection Open(string path, string description, SerialLinkOptions options)
    {
        // File.Exists follows the link: a by-id link left behind by an unplugged board counts as absent.
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist (board unplugged or resetting?)", path);
        }

        var port = new SerialPort(path, options.BaudRate, Parity.None, 8, StopBits.One)
        {
            NewLine = "\n",
            Handshake = Handshake.None,
            ReadTimeout = (int)options.ReadTimeout.TotalMilliseconds,
            WriteTimeout = (int)options.WriteTimeout.TotalMilliseconds,
        };
        port.Open();
        try
        {
            // Device OS's Serial.isConnected() is DTR: without it the firmware's waitFor(Serial.isConnected, 30000) runs out.
            port.DtrEnable = true;
            port.RtsEnable = true;
        }
        catch (IOException)
        {
            // A pty has no modem control lines (TIOCMSET fails); nothing to assert there.
        }

        return new SerialPortConnection(port, path, description);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _stream.WriteAsync(bytes, cancellationToken);

    public override string? CheckStillPresent() =>
        File.Exists(_path) ? null : $"{_path} vanished (unplugged, reset or re-enumerating)";

    public override void Close()
    {
        // SerialPort.Close() flushes first, and that flush never returns once the device is gone (infra-notes §3);
        // disposing the stream itself skips the flush, after which the port is already closed.
        _stream.Dispose();
        _port.Dispose();
    }
}

/// <summary>A raw TCP export: every byte is serial data.</summary>
internal class TcpConnection : LinkConnection
{
    private readonly TcpClient _client;

    protected TcpConnection(TcpClient client, string description)
    {
        _client = client;
        Stream = client.GetStream();
        Description = description;
    }

    public override string Description { get; }

    protected NetworkStream Stream { get; }

    public static async Task<TcpConnection> ConnectAsync(TcpRawEndpoint endpoint, SerialLinkOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        new(await ConnectClientAsync(endpoint.Host, endpoint.Port, options, time, cancellationToken), endpoint.Display);

    protected static async Task<TcpClient> ConnectClientAsync(string host, int port, SerialLinkOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await client.ConnectAsync(host, port, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"TCP connect to {host}:{port} took longer than {options.ConnectTimeout.TotalSeconds} s"));
            }

            // A board farm across a network: notice a dead peer within ~10 s even when the line is quiet.
            var socket = client.Client;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 5);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Stream.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        Stream.WriteAsync(bytes, cancellationToken);

    public override void Close() => _client.Dispose();
}

/// <summary>A Telnet COM-PORT-CONTROL export (RFC 2217): Telnet commands are answered here and never reach the line parser.</summary>
internal sealed class Rfc2217Connection : TcpConnection
{
    private readonly TelnetComPort _telnet;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Action<string>? _log;
    private byte[] _raw = [];
    private bool _reportedBaud;

    private Rfc2217Connection(TcpClient client, string description, int baudRate, Action<string>? log)
        : base(client, description)
    {
        _telnet = new TelnetComPort(baudRate);
        _log = log;
    }

    public static async Task<Rfc2217Connection> ConnectAsync(Rfc2217Endpoint endpoint, SerialLinkOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var client = await ConnectClientAsync(endpoint.Host, endpoint.Port, options, time, cancellationToken);
        var connection = new Rfc2217Connection(client, endpoint.Display, options.BaudRate, options.Log);
        try
        {
            await connection.SendAsync(connection._telnet.Start(), cancellationToken);
            return connection;
        }
        catch
        {
            connection.Close();
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_raw.Length < buffer.Length)
        {
            _raw = new byte[buffer.Length];
        }

        var reply = new List<byte>();
        while (true)
        {
            var n = await Stream.ReadAsync(_raw.AsMemory(0, buffer.Length), cancellationToken);
            if (n == 0)
            {
                return 0;
            }

            var count = _telnet.Decode(_raw.AsSpan(0, n), buffer.Span, reply);
            if (reply.Count > 0)
            {
                await SendAsync([.. reply], cancellationToken);
                reply.Clear();
            }

            if (!_reportedBaud && _telnet.AcknowledgedBaudRate is { } baud)
            {
                _reportedBaud = true;
                _log?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Description}: server set {baud} baud (RFC 2217)"));
            }

            if (count > 0)
            {
                return count;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await SendAsync(TelnetComPort.Escape(bytes.Span), cancellationToken);

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        // Negotiation answers from the reader and the user's writes must not interleave mid-sequence.
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await Stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }
}
