namespace ParticleBlynk.SerialBridge;

/// <summary>How a <see cref="SerialLink"/> reaches and follows a board.</summary>
public sealed record SerialLinkOptions
{
    /// <summary>Where the board's serial port is.</summary>
    public required SerialEndpoint Endpoint { get; init; }

    /// <summary>Line speed for a UART or an RFC 2217 export; a USB CDC port (every Particle board's USB serial) ignores it.</summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>How long one read waits before the link checks that the device node still exists.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long <see cref="SerialLink.WriteLineAsync"/> may take before it fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a TCP connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The first retry after a loss (a reset board re-enumerates within 1-2 s and waits 30 s in setup() for a host).</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The longest wait between retries; the delay doubles from the minimum up to this, and starts again from the
    /// minimum only after a connection has stayed up at least this long.
    /// </summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A line longer than this many bytes is emitted in pieces marked partial (a stream with no line ends must not grow memory forever).</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>sysfs root for usb endpoints (tests point it at a fake tree).</summary>
    public string SysRoot { get; init; } = "/sys";

    /// <summary>/dev root for usb endpoints.</summary>
    public string DevRoot { get; init; } = "/dev";

    /// <summary>Diagnostics: connects, failures, abandoned closes. Called from the reader; must not block.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BaudRate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMinDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectMinDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineBytes, 16);
    }
}
