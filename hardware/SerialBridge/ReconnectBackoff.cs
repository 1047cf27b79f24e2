namespace ParticleBlynk.SerialBridge;

/// <summary>Delays between reconnect attempts: the minimum first (a board reset is back in about a second), doubling up to the maximum.</summary>
internal sealed class ReconnectBackoff(TimeSpan minimum, TimeSpan maximum)
{
    private readonly TimeSpan _minimum = minimum;
    private TimeSpan _next = minimum;

    /// <summary>The delay before the next attempt; each call doubles the one after, up to the maximum.</summary>
    public TimeSpan Next()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(maximum.Ticks, _next.Ticks * 2));
        return delay;
    }

    /// <summary>After a successful open: the next loss retries at the minimum again.</summary>
    public void Reset() => _next = _minimum;
}
