using System.Globalization;

namespace ParticleBlynk.SerialBridge;

/// <summary>Something that happened on a <see cref="SerialLink"/>, stamped with the link's clock.</summary>
public abstract record SerialLinkEvent(DateTimeOffset At)
{
    /// <summary>One line for a transcript or a test report.</summary>
    public abstract string Describe();
}

/// <summary>The port opened for the first time.</summary>
public sealed record Opened(DateTimeOffset At, string Endpoint) : SerialLinkEvent(At)
{
    public override string Describe() => "-- opened " + Endpoint;
}

/// <summary>A line arrived.</summary>
/// <param name="Line">The parsed line; a partial line is always an <see cref="UnknownLine"/>.</param>
/// <param name="Raw">The text as received, without its line end.</param>
/// <param name="IsPartial">No line end followed: the connection dropped mid-line, or the line exceeded the length cap.</param>
public sealed record LineReceived(DateTimeOffset At, FirmwareLine Line, string Raw, bool IsPartial = false) : SerialLinkEvent(At)
{
    public override string Describe() => IsPartial ? Raw + " [partial]" : Raw;
}

/// <summary>The connection was lost; the link retries until it is disposed.</summary>
public sealed record Disconnected(DateTimeOffset At, string Reason) : SerialLinkEvent(At)
{
    public override string Describe() => "-- disconnected: " + Reason;
}

/// <summary>The connection is back after a loss.</summary>
/// <param name="Gap">How long the link was down (from the loss to this reopen).</param>
public sealed record Reconnected(DateTimeOffset At, TimeSpan Gap) : SerialLinkEvent(At)
{
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"-- reconnected after {Gap.TotalMilliseconds:0} ms");
}

/// <summary>One transcript entry: every line and every gap marker, in arrival order.</summary>
/// <param name="Index">Position in the transcript (0-based); pass a Count taken earlier to <see cref="SerialLink.WaitForAsync(Func{FirmwareLine, bool}, int, TimeSpan, CancellationToken)"/>.</param>
public sealed record TranscriptEntry(int Index, SerialLinkEvent Event)
{
    public DateTimeOffset At => Event.At;

    public override string ToString() =>
        Event.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + Event.Describe();
}
