namespace ParticleBlynk.SerialBridge;

/// <summary>
/// The board's side of a USB serial port, played by the master of a pty pair: a host (the harness, particle-cli,
/// ser2net, minicom) opens <see cref="Path"/> or <see cref="LinkPath"/> as if it were /dev/ttyACM0.
/// </summary>
/// <remarks>
/// The pair is made with posix_openpt/grantpt/unlockpt/ptsname_r (openpty's own steps) so that both fds are
/// close-on-exec; the slave is made raw (cfmakeraw + tcsetattr) and then closed, so the kernel tells us whether a host
/// has the port open: poll() on the master reports POLLHUP exactly while no fd has the slave open.
/// Measured here (Debian 12, glibc 2.36, 2-core VM): after setup revents = POLLOUT|POLLHUP; host open → POLLOUT only;
/// host close → POLLHUP again; two host fds, one closed → no POLLHUP; all closed → POLLHUP. No TIOCPKT needed.
/// The termios settings made at setup survive the slave being closed, because the tty lives as long as the master.
/// A pty master buffers about 13.8 KB written while no host is attached and hands it to the next host;
/// a Particle board's USB CDC port instead drops output while no host has it open, so <see cref="Write"/> drops too.
/// Unplug closes the master: the host's tty is hung up (its pending read fails at once, unread input is discarded).
/// </remarks>
public sealed class PseudoTerminal : IDisposable
{
    private const int PollIntervalMs = 10;

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _master = -1;
    private long _bytesDropped;
    private bool _disposed;

    private PseudoTerminal(string? linkPath)
    {
        LinkPath = linkPath is null ? null : System.IO.Path.GetFullPath(linkPath);
        Path = "";
        Plug();
        _ = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The slave device, /dev/pts/N; changes on <see cref="Replug"/>.</summary>
    public string Path { get; private set; }

    /// <summary>A stable symlink to <see cref="Path"/>, as /dev/serial/by-id gives a real board; null when none was asked for.</summary>
    public string? LinkPath { get; }

    /// <summary>False between <see cref="Unplug"/> and <see cref="Replug"/>.</summary>
    public bool IsPlugged
    {
        get
        {
            lock (_gate)
            {
                return _master >= 0;
            }
        }
    }

    /// <summary>A host has the port open (some fd on the slave): the board's Serial.isConnected() would be true.</summary>
    public bool HostAttached
    {
        get
        {
            lock (_gate)
            {
                return _master >= 0 && (Libc.Poll(_master, Libc.PollIn, 0) & Libc.PollHup) == 0;
            }
        }
    }

    /// <summary>Bytes <see cref="Write"/> discarded because no host was attached or the kernel buffer was full.</summary>
    public long BytesDropped => Interlocked.Read(ref _bytesDropped);

    /// <summary>Bytes the host wrote to the port (raised on a pool thread, in order).</summary>
    public event Action<byte[]>? Received;

    /// <summary>Opens a pty pair; with <paramref name="linkPath"/>, also a symlink to it (a stale link there is replaced).</summary>
    public static PseudoTerminal Open(string? linkPath = null) => new(linkPath);

    /// <summary>
    /// Writes board output without ever blocking. Dropped (counted in <see cref="BytesDropped"/>) when no host has the
    /// port open, as a real USB CDC port drops output nobody reads, or when the kernel buffer is full.
    /// </summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var written = TryWriteLocked(bytes);
            if (written < bytes.Length)
            {
                Interlocked.Add(ref _bytesDropped, bytes.Length - written);
            }
        }
    }

    /// <summary>Writes a text line with "\r\n", as Serial.println does.</summary>
    public void WriteLine(string line) => Write(System.Text.Encoding.UTF8.GetBytes(line + "\r\n"));

    /// <summary>
    /// Writes board output, waiting for room while a host is attached (as Device OS's USB serial waits for a host that
    /// reads slowly); drops the rest once no host is attached or the pty is unplugged.
    /// </summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        while (!bytes.IsEmpty)
        {
            int written;
            lock (_gate)
            {
                if (_master < 0 || (Libc.Poll(_master, Libc.PollIn, 0) & Libc.PollHup) != 0)
                {
                    Interlocked.Add(ref _bytesDropped, bytes.Length);
                    return;
                }

                written = TryWriteLocked(bytes.Span);
            }

            bytes = bytes[written..];
            if (!bytes.IsEmpty)
            {
                // Kernel buffer full: the host has not read yet.
                await Task.Delay(1, cancellationToken);
            }
        }
    }

    /// <summary>Simulates pulling the USB cable: the master closes (a host reading the slave gets EOF/EIO) and the link goes.</summary>
    public void Unplug()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CloseMasterLocked();
        }
    }

    /// <summary>Simulates plugging the board back in: a new pty pair behind the same <see cref="LinkPath"/>.</summary>
    public void Replug()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CloseMasterLocked();
            Plug();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseMasterLocked();
        }

        // Not disposed: the receive loop may still be reading its token.
        _stopping.Cancel();
    }

    public override string ToString() => LinkPath is null ? Path : $"{LinkPath} -> {Path}";

    private void Plug()
    {
        var (master, slave, slavePath) = Libc.OpenRawPty();

        // Only a host may hold the slave open, so that POLLHUP on the master means "no host".
        Libc.Close(slave);
        _master = master;
        Path = slavePath;
        if (LinkPath is not null)
        {
            ReplaceLink(LinkPath, slavePath);
        }
    }

    private int TryWriteLocked(ReadOnlySpan<byte> bytes)
    {
        if (_master < 0 || bytes.IsEmpty || (Libc.Poll(_master, Libc.PollIn, 0) & Libc.PollHup) != 0)
        {
            return 0;
        }

        var total = 0;
        while (total < bytes.Length)
        {
            var n = Libc.Write(_master, bytes[total..]);
            if (n <= 0)
            {
                // -EAGAIN: the buffer is full; -EIO: the host went away meanwhile.
                break;
            }

            total += n;
        }

        return total;
    }

    private void CloseMasterLocked()
    {
        if (_master >= 0)
        {
            Libc.Close(_master);
            _master = -1;
        }

        if (LinkPath is not null && new FileInfo(LinkPath).LinkTarget is not null)
        {
            File.Delete(LinkPath);
        }
    }

    private static void ReplaceLink(string linkPath, string target)
    {
        var existing = new FileInfo(linkPath);
        if (existing.LinkTarget is null && (existing.Exists || Directory.Exists(linkPath)))
        {
            throw new IOException($"{linkPath} exists and is not a symlink; refusing to replace it with a link to {target}.");
        }

        // Create beside it, then rename over it: a host never sees the link missing or half made.
        var temporary = linkPath + ".new-" + Guid.NewGuid().ToString("N");
        File.CreateSymbolicLink(temporary, target);
        File.Move(temporary, linkPath, overwrite: true);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            byte[]? received = null;
            lock (_gate)
            {
                if (_master >= 0)
                {
                    var events = Libc.Poll(_master, Libc.PollIn, 0);
                    if ((events & Libc.PollIn) != 0 && (events & Libc.PollHup) == 0)
                    {
                        var n = Libc.Read(_master, buffer);
                        if (n > 0)
                        {
                            received = buffer[..n];
                        }
                    }
                }
            }

            if (received is not null)
            {
                try
                {
                    Received?.Invoke(received);
                }
                catch (Exception)
                {
                    // A failing subscriber must not stop the port from reading what the host writes next.
                }

                continue;
            }

            try
            {
                // No fd to wait on across Unplug/Replug, so poll; 10 ms is far below anything a host waits for.
                await Task.Delay(PollIntervalMs, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
