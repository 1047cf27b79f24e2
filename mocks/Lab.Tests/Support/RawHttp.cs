using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>What came back for a raw request: the status (0: no answer), headers, body, and how the exchange ended.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? Failure = null)
{
    public static RawResponse None(string why) => new(0, [], [], why);

    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool Closes => string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);

    public override string ToString() =>
        Status == 0 ? $"no answer ({Failure})" : $"{Status} {string.Join(" | ", Headers.Select(h => h.Key + ": " + h.Value))} || {Text}";
}

/// <summary>
/// One HTTP/1.1 connection to a loopback port that writes bytes exactly as given (malformed ones included — HttpClient
/// would refuse to send most of them) and reads one answer: Content-Length, chunked or close-delimited, a HEAD's or a
/// 1xx/204/304's without a body, an event stream's headers only. Every read is bounded in size and by a wall-clock deadline.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>False once the server closed it, or an answer said Connection: close.</summary>
    public bool Reusable { get; private set; } = true;

    public static async Task<RawHttpConnection> OpenAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (then <paramref name="body"/>, which the server may refuse before it is all sent:
    /// a reset while sending still reads what answer came), half-closes when asked, and reads one answer.
    /// </summary>
    public async Task<RawResponse> SendAsync(byte[] request, Stream? body, bool halfClose, bool isHead, CancellationToken cancellationToken)
    {
        string? sendFailure = null;
        try
        {
            await _stream.WriteAsync(request, cancellationToken);
            if (body is not null)
            {
                await body.CopyToAsync(_stream, 64 * 1024, cancellationToken);
            }

            if (halfClose)
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            sendFailure = "reset while sending: " + ex.GetBaseException().Message;
            Reusable = false;
        }

        try
        {
            var answer = await ReadAnswerAsync(isHead, cancellationToken);
            while (answer.Status is 100 or 102 or 103)
            {
                answer = await ReadAnswerAsync(isHead, cancellationToken); // an interim answer: the final one follows
            }

            if (answer.Closes || answer.Failure is not null)
            {
                Reusable = false;
            }

            return answer;
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            Reusable = false;
            return RawResponse.None((sendFailure is null ? "" : sendFailure + "; ") + "read: " + ex.GetBaseException().Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task<RawResponse> ReadAnswerAsync(bool isHead, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(cancellationToken);
        if (head is null)
        {
            Reusable = false;
            return RawResponse.None("the server closed the connection without an answer");
        }

        var lines = head.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"Not an HTTP/1.x status line: {lines[0]}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(colon < 0 ? KeyValuePair.Create(line, "") : KeyValuePair.Create(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        var response = new RawResponse(status, headers, []);
        if (isHead || status is (>= 100 and < 200) or 204 or 304)
        {
            return response;
        }

        if (response.Header("Content-Type")?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            Reusable = false; // a stream never ends by itself: its headers are the answer
            return response;
        }

        byte[] body;
        if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = await ReadChunkedAsync(cancellationToken);
        }
        else if (response.Header("Content-Length") is { } length && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (n > MaxBodyBytes)
            {
                throw new IOException($"An answer of {n} bytes: more than a test expects.");
            }

            body = await ReadExactlyAsync((int)n, cancellationToken);
        }
        else
        {
            body = await ReadToCloseAsync(cancellationToken);
            Reusable = false;
        }

        return response with { Body = body };
    }

    private async Task<string?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var matched = 0;
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return head.Length == 0 ? null : throw new EndOfStreamException("The connection closed inside an answer's headers.");
            }

            var b = _buffer[_start++];
            head.WriteByte(b);
            matched = (matched, b) switch
            {
                (0 or 2, (byte)'\r') => matched + 1,
                (1 or 3, (byte)'\n') => matched + 1,
                (_, (byte)'\r') => 1,
                _ => 0,
            };
            if (matched == 4)
            {
                return Encoding.Latin1.GetString(head.GetBuffer(), 0, (int)head.Length - 4);
            }

            if (head.Length > MaxHeaderBytes)
            {
                throw new IOException("An answer's headers are over 64 KiB.");
            }
        }
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                    // trailers
                }

                return body.ToArray();
            }

            if (body.Length + size > MaxBodyBytes)
            {
                throw new IOException("A chunked answer over 4 MiB.");
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken));
            await ReadLineAsync(cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("The connection closed inside a chunked answer.");
            }

            var c = (char)_buffer[_start++];
            if (c == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append(c);
            if (line.Length > 1024)
            {
                throw new IOException("A chunk-size line over 1 KiB.");
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var done = 0;
        while (done < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException($"The connection closed after {done} of {count} body bytes.");
            }

            var take = Math.Min(count - done, _end - _start);
            Array.Copy(_buffer, _start, result, done, take);
            _start += take;
            done += take;
        }

        return result;
    }

    private async Task<byte[]> ReadToCloseAsync(CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (_start < _end || await FillAsync(cancellationToken))
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
            if (body.Length > MaxBodyBytes)
            {
                throw new IOException("A close-delimited answer over 4 MiB.");
            }
        }

        return body.ToArray();
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken);
        if (_end == 0)
        {
            Reusable = false;
            return false;
        }

        return true;
    }
}
