using System.Globalization;
using System.Text;

namespace ParticleBlynk.Timeline;

/// <summary>The six legs of the loop (design.md §1).</summary>
public enum Leg
{
    /// <summary>Device publishes blynk_https_get to the Particle Cloud.</summary>
    L1 = 1,

    /// <summary>Particle webhook: HTTPS GET batch/update on the Blynk Cloud.</summary>
    L2 = 2,

    /// <summary>Blynk datastreams and dashboard.</summary>
    L3 = 3,

    /// <summary>Blynk webhook on V16: POST to the Particle function API.</summary>
    L4 = 4,

    /// <summary>Particle Cloud calls blynk_led on the device.</summary>
    L5 = 5,

    /// <summary>The device republishes its LED state (the echo).</summary>
    L6 = 6,
}

/// <summary>What became of a hop.</summary>
public enum HopOutcome
{
    Delivered,
    Rejected,
    RateLimited,
    DroppedByQuota,
    Throttled,

    /// <summary>The hop could not be completed: unreachable host, timeout, TLS failure.</summary>
    Failed,
}

/// <summary>One hop of one message through the loop.</summary>
/// <param name="Sequence">Order of recording within the journal.</param>
/// <param name="At">Harness-clock time the hop started.</param>
/// <param name="Leg">Which leg.</param>
/// <param name="Source">Who sent (e.g. "device e00fce68…", "Particle webhook blynk_particle").</param>
/// <param name="Target">Who received (e.g. "ny3.blynk.cloud").</param>
/// <param name="Action">What was sent, in a few words (e.g. "publish blynk_https_get", "GET /external/api/batch/update").</param>
/// <param name="Payload">The payload as sent (event data, query string, JSON body).</param>
/// <param name="Bytes">Payload size in bytes (UTF-8).</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Detail">The reason or the answer (status code and body, error text).</param>
/// <param name="Duration">How long the hop took in virtual time, when it has a response.</param>
public sealed record Hop(
    long Sequence,
    DateTimeOffset At,
    Leg Leg,
    string Source,
    string Target,
    string Action,
    string Payload,
    int Bytes,
    HopOutcome Outcome,
    string? Detail,
    TimeSpan? Duration)
{
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{At:HH:mm:ss.fff} {Leg} {Source} -> {Target}: {Action} [{Bytes} B] {Outcome}{(Detail is null ? "" : " (" + Detail + ")")}{(Duration is { } d ? $" in {d.TotalMilliseconds} ms" : "")}{(Payload.Length == 0 ? "" : Environment.NewLine + "      " + Payload)}");
}

/// <summary>
/// One ordered timeline of every hop in a scenario (design.md §5). Components record; steps assert over it; the
/// report renders it. Thread-safe: hops arrive from device loops and HTTP handlers alike.
/// </summary>
public sealed class Journal
{
    private readonly object _gate = new();
    private readonly List<Hop> _hops = [];
    private readonly TimeProvider _time;
    private long _nextSequence;

    public Journal(TimeProvider time) => _time = time;

    /// <summary>Raised after a hop is recorded (on the recording thread).</summary>
    public event Action<Hop>? HopRecorded;

    /// <summary>Every hop, in the order the hops started (a request's place is taken when it is sent, not when it is answered).</summary>
    public IReadOnlyList<Hop> Hops
    {
        get
        {
            lock (_gate)
            {
                return _hops.OrderBy(h => h.Sequence).ToArray();
            }
        }
    }

    /// <summary>
    /// Takes the next place in the timeline for a hop that is recorded later, when its answer is known: the hops its
    /// request causes meanwhile (the datastream write behind a webhook call) then read after it, as they happened.
    /// </summary>
    public long Reserve()
    {
        lock (_gate)
        {
            return ++_nextSequence;
        }
    }

    /// <summary>Records a hop that started at <paramref name="at"/> (default: now), in the place <paramref name="reserved"/> (default: next).</summary>
    public Hop Record(
        Leg leg,
        string source,
        string target,
        string action,
        string payload,
        HopOutcome outcome,
        string? detail = null,
        DateTimeOffset? at = null,
        TimeSpan? duration = null,
        long? reserved = null)
    {
        Hop hop;
        lock (_gate)
        {
            hop = new Hop(
                reserved ?? ++_nextSequence,
                at ?? _time.GetUtcNow(),
                leg,
                source,
                target,
                action,
                payload,
                Encoding.UTF8.GetByteCount(payload),
                outcome,
                detail,
                duration);
            _hops.Add(hop);
        }

        HopRecorded?.Invoke(hop);
        return hop;
    }

    /// <summary>The journal as text, one hop per line (failure messages, the report).</summary>
    public string Render(IEnumerable<Hop>? hops = null)
    {
        var text = new StringBuilder();
        foreach (var hop in hops ?? Hops)
        {
            text.AppendLine(hop.ToString());
        }

        return text.Length == 0 ? "(no hops recorded)" + Environment.NewLine : text.ToString();
    }
}
