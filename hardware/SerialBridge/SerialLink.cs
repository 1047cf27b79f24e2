using System.Globalization;
using System.Text;

namespace ParticleBlynk.SerialBridge;

/// <summary>
/// Follows a board's serial port for as long as it lives: reads lines, parses them, and across unplugs, resets and
/// dropped TCP exports keeps reopening (first retry after <see cref="SerialLinkOptions.ReconnectMinDelay"/>, doubling to the
/// maximum) until disposed. Every line and every gap lands in <see cref="Transcript"/>; nothing blocks forever.
/// </summary>
public sealed class SerialLink : IAsyncDisposable
{
    /// <summary>How long disposal waits for the reader and for a port's close before abandoning them.</summary>
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(1);

    private readonly SerialLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<TranscriptEntry> _transcript = [];
    private readonly List<LineWaiter> _waiters = [];
    private readonly List<Task> _closes = [];
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Task _reader;
    private LinkConnection? _connection;
    private string _lastFailure = "not opened yet";
    private int _disposed;

    private SerialLink(SerialLinkOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _reader = Task.Run(RunAsync);
    }

    /// <summary>Raised on the reader for every line and gap, in order, after it is in <see cref="Transcript"/>. Keep handlers quick.</summary>
    public event Action<SerialLinkEvent>? Event;

    /// <summary>The endpoint being followed.</summary>
    public SerialEndpoint Endpoint => _options.Endpoint;

    /// <summary>A port is open now.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    /// <summary>A snapshot of every line and gap marker so far, in order.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript
    {
        get
        {
            lock (_gate)
            {
                return [.. _transcript];
            }
        }
    }

    /// <summary>How many entries <see cref="Transcript"/> has now (no copy): the index to wait from after an action.</summary>
    public int TranscriptCount
    {
        get
        {
            lock (_gate)
            {
                return _transcript.Count;
            }
        }
    }

    /// <summary>Starts following the endpoint; returns at once (the first open happens on the reader, and is retried if it fails).</summary>
    public static SerialLink Open(SerialLinkOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SerialLink(options, time ?? TimeProvider.System);
    }

    /// <summary>The first line after this call that matches, or null when none arrives within <paramref name="timeout"/>.</summary>
    public Task<FirmwareLine?> WaitForAsync(Func<FirmwareLine, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        int from;
        lock (_gate)
        {
            from = _transcript.Count;
        }

        return WaitForAsync(match, from, timeout, cancellationToken);
    }

    /// <summary>
    /// The first line at transcript index <paramref name="fromIndex"/> or later that matches (lines already received
    /// count), or null when none arrives within <paramref name="timeout"/>. Take <see cref="TranscriptCount"/> before an action,
    /// then wait from it, and a line that arrives in between is not missed.
    /// </summary>
    public async Task<FirmwareLine?> WaitForAsync(Func<FirmwareLine, bool> match, int fromIndex, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfNegative(fromIndex);
        LineWaiter waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            for (var i = fromIndex; i < _transcript.Count; i++)
            {
                if (_transcript[i].Event is LineReceived received && match(received.Line))
                {
                    return received.Line;
                }
            }

            waiter = new LineWaiter(match, fromIndex);
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Found.Task.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Sends a line (with "\n") to the board; fails fast when the link is down, and after the write timeout.</summary>
    public Task WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        return WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
    }

    /// <summary>Sends raw bytes to the board (escaped for Telnet on rfc2217 links), with the write timeout.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var timeout = new CancellationTokenSource(_options.WriteTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
        try
        {
            await _writing.WaitAsync(linked.Token);
            try
            {
                var connection = Volatile.Read(ref _connection)
                    ?? throw new InvalidOperationException($"The serial link to {_options.Endpoint.Display} is down: {_lastFailure}.");
                await connection.WriteAsync(bytes, linked.Token);
            }
            finally
            {
                _writing.Release();
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Writing to {_options.Endpoint.Display} took longer than {_options.WriteTimeout.TotalMilliseconds} ms."));
        }
    }

    /// <summary>
    /// Stops the reader and closes the port without ever blocking: a close that does not return within ~1 s
    /// (a SerialPort whose device died) is abandoned on its background thread.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            CloseInBackground(connection);
        }

        Task[] pending;
        lock (_gate)
        {
            pending = [_reader, .. _closes];
            foreach (var waiter in _waiters)
            {
                waiter.Found.TrySetException(new ObjectDisposedException(nameof(SerialLink), "The serial link was disposed while waiting for a line."));
            }
        }

        var all = Task.WhenAll(pending);
        if (await Task.WhenAny(all, Task.Delay(CloseBound)) != all)
        {
            Log("a port close or the reader did not finish within 1 s; abandoned");
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        var backoff = new ReconnectBackoff(_options.ReconnectMinDelay, _options.ReconnectMaxDelay);
        DateTimeOffset? lostAt = null;
        string? lastLoggedFailure = null;
        while (!stopping.IsCancellationRequested)
        {
            LinkConnection connection;
            try
            {
                connection = await ConnectAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _lastFailure = Reason(e);
                if (_lastFailure != lastLoggedFailure)
                {
                    // A board that stays away would otherwise log every retry.
                    Log("cannot open " + _options.Endpoint.Display + ": " + _lastFailure);
                    lastLoggedFailure = _lastFailure;
                }

                if (!await WaitBeforeRetryAsync(backoff.Next(), stopping))
                {
                    return;
                }

                continue;
            }

            lastLoggedFailure = null;
            if (Volatile.Read(ref _disposed) != 0)
            {
                CloseInBackground(connection);
                return;
            }

            Volatile.Write(ref _connection, connection);
            var openedAt = _time.GetUtcNow();
            Log("opened " + connection.Description);
            Record(lostAt is { } since ? new Reconnected(openedAt, openedAt - since) : new Opened(openedAt, connection.Description));

            var assembler = new LineAssembler(_options.MaxLineBytes);
            string reason;
            try
            {
                reason = await PumpAsync(connection, assembler, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                reason = "link disposed";
            }

            // A line cut off by the loss is kept, marked partial; the next connection starts a fresh line.
            if (assembler.Flush() is { } partial)
            {
                RecordLine(partial);
            }

            if (Interlocked.CompareExchange(ref _connection, null, connection) == connection)
            {
                CloseInBackground(connection);
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            lostAt = _time.GetUtcNow();
            if (lostAt.Value - openedAt >= _options.ReconnectMaxDelay)
            {
                // Only a connection that held counts as success: an export that accepts and at once hangs up (ser2net
                // answering "Device open failure" while the board is away) must not be retried every 50 ms.
                backoff.Reset();
            }

            _lastFailure = reason;
            Log("lost " + connection.Description + ": " + reason);
            Record(new Disconnected(lostAt.Value, reason));
            if (!await WaitBeforeRetryAsync(backoff.Next(), stopping))
            {
                return;
            }
        }
    }

    /// <summary>Reads until the connection ends; returns why it ended.</summary>
    private async Task<string> PumpAsync(LinkConnection connection, LineAssembler assembler, CancellationToken stopping)
    {
        var buffer = new byte[4096];
        var lines = new List<AssembledLine>();
        Task<int>? read = null;
        try
        {
            while (true)
            {
                try
                {
                    // One read stays pending across idle checks: cancelling reads on a timer could lose bytes in flight.
                    read ??= connection.ReadAsync(buffer, stopping).AsTask();
                    var n = await read.WaitAsync(_options.ReadTimeout, _time, stopping);
                    read = null;
                    if (n == 0)
                    {
                        return "end of stream (the other side closed the connection)";
                    }

                    assembler.Feed(buffer.AsSpan(0, n), lines);
                    foreach (var line in lines)
                    {
                        RecordLine(line);
                    }

                    lines.Clear();
                }
                catch (TimeoutException) when (read is { IsCompleted: false })
                {
                    // Quiet line: still there? (A USB unplug removes the node even if no error reaches the reader.)
                    if (connection.CheckStillPresent() is { } gone)
                    {
                        return gone;
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    return Reason(e);
                }
            }
        }
        finally
        {
            // A read left pending on a dead port fails later; observe it so it is not reported as unobserved.
            _ = read?.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private async Task<LinkConnection> ConnectAsync(CancellationToken stopping) =>
        _options.Endpoint switch
        {
            DevicePathEndpoint device => await OpenPortAsync(device.Path, device.Path, stopping),
            TcpRawEndpoint tcp => await TcpConnection.ConnectAsync(tcp, _options, _time, stopping),
            Rfc2217Endpoint rfc2217 => await Rfc2217Connection.ConnectAsync(rfc2217, _options, _time, stopping),
            UsbDiscoveryEndpoint usb => FindBoard(usb, out var failure) is { } board
                ? await OpenPortAsync(board.PortPath!, board.ToString(), stopping)
                : throw new IOException(failure),
            _ => throw new NotSupportedException("Unknown endpoint kind " + _options.Endpoint.GetType().Name),
        };

    /// <summary>
    /// Opens a tty off the reader: open(2) on a tty without CLOCAL can wait for carrier forever, so a stuck open is
    /// abandoned after the connect timeout (and closed if it ever completes).
    /// </summary>
    private async Task<LinkConnection> OpenPortAsync(string path, string description, CancellationToken stopping)
    {
        var opening = Task.Run(() => SerialPortConnection.Open(path, description, _options), CancellationToken.None);
        try
        {
            return await opening.WaitAsync(_options.ConnectTimeout, _time, stopping);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _ = opening.ContinueWith(t => CloseInBackground(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (e is TimeoutException)
            {
                throw new TimeoutException($"opening {path} did not return within {_options.ConnectTimeout}");
            }

            throw;
        }
    }

    /// <summary>The board a usb endpoint means, or null with the reason (none attached, or in DFU mode).</summary>
    private ParticleBoard? FindBoard(UsbDiscoveryEndpoint usb, out string failure)
    {
        var boards = ParticleUsb.Discover(_options.SysRoot, _options.DevRoot)
            .Where(b => usb.Selector is null || string.Equals(b.SerialNumber, usb.Selector, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (boards.FirstOrDefault(b => b.PortPath is not null) is { } board)
        {
            failure = "";
            return board;
        }

        var which = usb.Selector is null ? "Particle board" : "Particle board with serial number " + usb.Selector;
        failure = boards.FirstOrDefault(b => b.InDfuMode) is { } dfu
            ? string.Create(CultureInfo.InvariantCulture, $"the {dfu.PlatformName} is in DFU mode (USB {dfu.VendorId:x4}:{dfu.ProductId:x4}) and has no serial port until it leaves DFU")
            : $"no {which} on USB (vendor 0x2b04 under {_options.SysRoot}/class/tty)";
        return null;
    }

    /// <summary>Whether the board's port is there to open: null for TCP endpoints, where only trying tells.</summary>
    private bool? PortPresent() =>
        _options.Endpoint switch
        {
            DevicePathEndpoint device => File.Exists(device.Path),
            UsbDiscoveryEndpoint usb => FindBoard(usb, out _) is { } board && File.Exists(board.PortPath),
            _ => null,
        };

    /// <summary>Waits before the next attempt; for a tty, returns early when its port reappears. False once disposed.</summary>
    private async Task<bool> WaitBeforeRetryAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            if (PortPresent() is not false)
            {
                await Task.Delay(delay, _time, stopping);
                return true;
            }

            // A reset board re-enumerates within 1-2 s: look for its port every minimum delay rather than sleep a long backoff.
            var until = _time.GetUtcNow() + delay;
            while (_time.GetUtcNow() < until && PortPresent() is false)
            {
                var slice = until - _time.GetUtcNow();
                await Task.Delay(slice < _options.ReconnectMinDelay ? slice : _options.ReconnectMinDelay, _time, stopping);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void RecordLine(AssembledLine line)
    {
        var parsed = line.IsPartial ? new UnknownLine(line.Text) : FirmwareLines.Parse(line.Text);
        Record(new LineReceived(_time.GetUtcNow(), parsed, line.Text, line.IsPartial));
    }

    private void Record(SerialLinkEvent linkEvent)
    {
        lock (_gate)
        {
            var entry = new TranscriptEntry(_transcript.Count, linkEvent);
            _transcript.Add(entry);
            if (linkEvent is LineReceived received)
            {
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    var waiter = _waiters[i];
                    if (entry.Index < waiter.FromIndex)
                    {
                        continue;
                    }

                    try
                    {
                        if (waiter.Match(received.Line))
                        {
                            waiter.Found.TrySetResult(received.Line);
                            _waiters.RemoveAt(i);
                        }
                    }
                    catch (Exception e)
                    {
                        waiter.Found.TrySetException(e);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        try
        {
            Event?.Invoke(linkEvent);
        }
        catch (Exception e)
        {
            // A failing subscriber must not stop the link from reading the next line.
            Log("an Event handler threw " + e.GetType().Name + ": " + e.Message);
        }
    }

    private void CloseInBackground(LinkConnection connection)
    {
        var close = Task.Run(() =>
        {
            try
            {
                connection.Close();
            }
            catch (Exception e)
            {
                Log("closing " + connection.Description + " threw " + e.GetType().Name + ": " + e.Message);
            }
        });
        lock (_gate)
        {
            _closes.RemoveAll(t => t.IsCompleted);
            _closes.Add(close);
        }
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    private static string Reason(Exception e) =>
        e switch
        {
            ObjectDisposedException => "the port was closed under the reader (device gone)",
            _ => string.Create(CultureInfo.InvariantCulture, $"{e.GetType().Name}: {e.Message}"),
        };

    private sealed record LineWaiter(Func<FirmwareLine, bool> Match, int FromIndex)
    {
        public TaskCompletionSource<FirmwareLine?> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
