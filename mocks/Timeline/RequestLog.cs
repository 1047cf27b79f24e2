using System.Globalization;

namespace ParticleBlynk.Timeline;

/// <summary>
/// One request as a mock's front door saw it. Texts are bounded: <see cref="Target"/> and <see cref="Body"/> keep a
/// prefix and state their full size ("…(N bytes)", <see cref="ParticleBlynk.Loop.CleanText.Cut"/>).
/// </summary>
/// <param name="At">When it arrived, on the harness clock.</param>
/// <param name="Method">The method as sent.</param>
/// <param name="Target">Path and query as sent (still percent-encoded).</param>
/// <param name="Host">The Host header.</param>
/// <param name="Status">The status answered (0: none, the connection went away).</param>
/// <param name="BodyBytes">How many body bytes the server read (a refused body is not read).</param>
/// <param name="Body">The first bytes of the body read, as UTF-8.</param>
/// <param name="Note">Why the front door refused it, or what went wrong; null for a normal answer.</param>
public sealed record LoggedRequest(DateTimeOffset At, string Method, string Target, string Host, int Status, long BodyBytes, string Body, string? Note)
{
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{At:HH:mm:ss.fff} {ParticleBlynk.Loop.CleanText.Line(Method, 32)} {ParticleBlynk.Loop.CleanText.Line(Target)} (Host {ParticleBlynk.Loop.CleanText.Line(Host, 100)}) -> {Status} [{BodyBytes} B]{(Note is null ? "" : " " + ParticleBlynk.Loop.CleanText.Line(Note))}");
}

/// <summary>
/// A mock's request log: the last <see cref="Capacity"/> requests, each with at most <see cref="BodyPrefixBytes"/> of its
/// body; older ones are dropped and counted (<see cref="Dropped"/>). Thread-safe. It replaces WireMock's own request log,
/// which keeps every request with its whole body (a 10 MB body cost ~67 MB there).
/// </summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly Queue<LoggedRequest> _entries = new();
    private long _count;
    private long _dropped;

    public RequestLog(int capacity, int bodyPrefixBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(bodyPrefixBytes);
        Capacity = capacity;
        BodyPrefixBytes = bodyPrefixBytes;
    }

    /// <summary>Requests kept (0: none, every request only counted).</summary>
    public int Capacity { get; }

    /// <summary>Body bytes kept per request.</summary>
    public int BodyPrefixBytes { get; }

    /// <summary>Requests logged so far, dropped ones included.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Requests dropped because the log was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>The requests kept, oldest first.</summary>
    public IReadOnlyList<LoggedRequest> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public void Record(LoggedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            _count++;
            if (Capacity == 0)
            {
                _dropped++;
                return;
            }

            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
                _dropped++;
            }

            _entries.Enqueue(request);
        }
    }

    /// <summary>The log as text, one request per line, saying how many were dropped; tokens masked with <paramref name="secrets"/> (queries carry them).</summary>
    public string Render(ParticleBlynk.Loop.Secrets? secrets = null)
    {
        var entries = Entries;
        var dropped = Dropped;
        var text = new System.Text.StringBuilder();
        if (dropped > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"({dropped} older requests dropped: the request log keeps {Capacity})").AppendLine();
        }

        foreach (var entry in entries)
        {
            text.AppendLine(secrets?.Redact(entry.ToString()) ?? entry.ToString());
        }

        return text.ToString();
    }
}
