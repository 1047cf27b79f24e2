using System.Text;

namespace ParticleBlynk.Loop;

/// <summary>
/// One ordered timeline of every hop of a scenario or a lab (design.md §5). Feeds record typed hops; the journal
/// numbers them, classifies their leg and links their correlation in one place; steps assert over the records; the
/// report renders them. Bounded: each text of a hop keeps at most <see cref="PayloadLimit"/> characters (the rest cut,
/// its full length stated, <see cref="Hop.Bytes"/> the whole payload's size), and past <see cref="Capacity"/> hops or
/// <see cref="TextBudget"/> characters in all the oldest hops are dropped and counted. Thread-safe.
/// </summary>
public sealed class Journal
{
    /// <summary>Hops kept by default: a virtual day of one board is about 3,000.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>
    /// Characters kept of each text of a hop (payload, reason, URL, bodies, header values) by default: 4 KiB holds every
    /// documented payload whole (Particle data and arguments ≤ 1024 bytes, a Blynk webhook body ≤ 5 KB is the exception).
    /// </summary>
    public const int DefaultPayloadLimit = 4096;

    /// <summary>Characters kept in all hops together by default (about 32 MB of text): a virtual day of one board is about 1 M.</summary>
    public const long DefaultTextBudget = 16L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Correlator _correlator = new();
    private readonly List<Hop> _inferred = []; // the correlator's inferred hops of one record (used under the lock)
    private readonly List<Hop> _hops = [];
    private readonly List<long> _addedAt = []; // the change number each kept hop was appended at (ascending)
    private readonly List<(long Change, long Sequence)> _completions = []; // hops completed in place, by change number
    private readonly List<long> _textOf = []; // the characters each kept hop holds (same index as _hops)
    private long _nextSequence;
    private long _firstKept = 1;
    private long _changes;
    private long _text;

    public Journal(TimeProvider time, int capacity = DefaultCapacity, int payloadLimit = DefaultPayloadLimit, long textBudget = DefaultTextBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(payloadLimit, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(textBudget, payloadLimit);
        _time = time;
        Capacity = capacity;
        PayloadLimit = payloadLimit;
        TextBudget = textBudget;
    }

    /// <summary>Raised after a hop is recorded (on the recording thread, outside the journal's lock).</summary>
    public event Action<Hop>? HopRecorded;

    public int Capacity { get; }

    /// <summary>Characters kept of each text of a hop; a longer one keeps its prefix and states its full length.</summary>
    public int PayloadLimit { get; }

    /// <summary>Characters kept in all hops together; past it the oldest hops are dropped, as past <see cref="Capacity"/>.</summary>
    public long TextBudget { get; }

    /// <summary>Hops dropped because the journal was full (the report says so).</summary>
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

    private long _dropped;

    /// <summary>Hops recorded so far, dropped ones included (the sequence number of the last hop).</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _nextSequence;
            }
        }
    }

    /// <summary>Bumped by every record and every completion in place: a driver waiting for "anything new" watches it.</summary>
    public long Changes
    {
        get
        {
            lock (_gate)
            {
                return _changes;
            }
        }
    }

    /// <summary>Set by a journal fed only by public interfaces: record the echo's unseen L4/L5 as inferred hops.</summary>
    public EchoInference? Inference
    {
        get
        {
            lock (_gate)
            {
                return _correlator.Inference;
            }
        }

        set
        {
            lock (_gate)
            {
                _correlator.Inference = value;
            }
        }
    }

    /// <summary>Every hop kept, in recording order.</summary>
    public IReadOnlyList<Hop> Hops
    {
        get
        {
            lock (_gate)
            {
                return [.. _hops];
            }
        }
    }

    /// <summary>The hops recorded after sequence number <paramref name="sequence"/>.</summary>
    public IReadOnlyList<Hop> Since(long sequence)
    {
        lock (_gate)
        {
            var from = (int)Math.Max(0, sequence + 1 - _firstKept);
            return from >= _hops.Count ? [] : _hops.GetRange(from, _hops.Count - from);
        }
    }

    /// <summary>
    /// Every hop recorded or completed in place after change number <paramref name="change"/> (see <see cref="Changes"/>),
    /// in sequence order, each in its latest revision: what a stream sends a reader that has seen up to that change.
    /// </summary>
    public IReadOnlyList<Hop> ChangedSince(long change)
    {
        lock (_gate)
        {
            var from = _addedAt.BinarySearch(change + 1);
            from = from < 0 ? ~from : from;
            var changed = new SortedDictionary<long, Hop>();
            for (var i = from; i < _hops.Count; i++)
            {
                changed[_hops[i].Sequence] = _hops[i];
            }

            for (var i = _completions.Count - 1; i >= 0 && _completions[i].Change > change; i--)
            {
                var index = _completions[i].Sequence - _firstKept;
                if (index >= 0 && index < _hops.Count)
                {
                    changed[_completions[i].Sequence] = _hops[(int)index];
                }
            }

            return [.. changed.Values];
        }
    }

    /// <summary>The hop with sequence number <paramref name="sequence"/>, null when dropped or unknown.</summary>
    public Hop? Find(long sequence)
    {
        lock (_gate)
        {
            var index = sequence - _firstKept;
            return index >= 0 && index < _hops.Count ? _hops[(int)index] : null;
        }
    }

    /// <summary>
    /// Records a hop: fills its sequence, time (when left default), leg, correlation and size. Returns the record as kept.
    /// </summary>
    public Hop Record(Hop hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        Hop kept;
        List<Hop>? implied = null;
        lock (_gate)
        {
            // One copy of the hop per record (was three: linked, kept, and two lists per call); hops the correlator infers are
            // rare (a journal fed by observers only) and keep their own path.
            _inferred.Clear();
            var (kind, correlation, leg) = _correlator.Classify(hop, _inferred);
            if (_inferred.Count > 0)
            {
                implied = new List<Hop>(_inferred.Count);
                foreach (var inferred in _inferred)
                {
                    implied.Add(Keep(inferred));
                }

                _inferred.Clear();
            }

            kept = Keep(hop, kind, correlation, leg);
        }

        if (implied is not null)
        {
            foreach (var inferred in implied)
            {
                HopRecorded?.Invoke(inferred);
            }
        }

        HopRecorded?.Invoke(kept);
        return kept;
    }

    /// <summary>
    /// Completes a hop in place (a request's answer came): same sequence, same place, a new revision. The hops it caused
    /// meanwhile stay after it. Returns the completed record; null when the hop was dropped.
    /// </summary>
    public Hop? Complete(Hop hop, Func<Hop, Hop> completion)
    {
        ArgumentNullException.ThrowIfNull(hop);
        ArgumentNullException.ThrowIfNull(completion);
        Hop completed;
        lock (_gate)
        {
            var index = hop.Sequence - _firstKept;
            if (index < 0 || index >= _hops.Count)
            {
                return null;
            }

            var current = _hops[(int)index];
            completed = Bound(completion(current)) with
            {
                Sequence = current.Sequence, Leg = current.Leg, Correlation = current.Correlation, Kind = current.Kind, Revision = current.Revision + 1,
            };
            Replace((int)index, completed);
            _changes++;
            _completions.Add((_changes, completed.Sequence));
            if (_completions.Count > Capacity)
            {
                _completions.RemoveRange(0, _completions.Count - Capacity);
            }
        }

        HopRecorded?.Invoke(completed);
        return completed;
    }

    /// <summary>
    /// Mirrors a hop another journal already numbered, classified and linked (a remote lab's stream): kept with its own
    /// sequence number; a later revision of a hop it holds replaces it in place.
    /// </summary>
    public Hop Append(Hop hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        lock (_gate)
        {
            _correlator.Seen(hop.Correlation);
            var index = hop.Sequence - _firstKept;
            if (_hops.Count > 0 && index >= 0 && index < _hops.Count)
            {
                if (hop.Revision > _hops[(int)index].Revision)
                {
                    hop = Bound(hop);
                    Replace((int)index, hop);
                    _changes++;
                    _completions.Add((_changes, hop.Sequence));
                }
            }
            else if (hop.Sequence > _nextSequence)
            {
                if (_hops.Count == 0)
                {
                    _firstKept = hop.Sequence;
                }
                else if (hop.Sequence != _nextSequence + 1)
                {
                    throw new InvalidOperationException($"Hop {hop.Sequence} does not follow {_nextSequence}: the stream lost hops.");
                }

                _nextSequence = hop.Sequence;
                hop = Bound(hop);
                Add(hop);
            }
        }

        HopRecorded?.Invoke(hop);
        return hop;
    }

    /// <summary>The journal as text, one hop per line (failure messages, the report), tokens redacted.</summary>
    public string Render(Secrets? secrets = null, IEnumerable<Hop>? hops = null) => JournalText.Render(hops ?? Hops, secrets, Dropped);

    private Hop Keep(Hop hop) => Keep(hop, hop.Kind, hop.Correlation, hop.Leg);

    private Hop Keep(Hop hop, HopKind kind, string correlation, Leg leg)
    {
        var (payload, http) = Shared(hop, correlation);
        var kept = Bound(hop with
        {
            Payload = payload,
            Http = http,
            Kind = kind,
            Correlation = correlation,
            Leg = leg,
            Sequence = ++_nextSequence,
            At = hop.At == default ? _time.GetUtcNow() : hop.At,
            Bytes = hop.Bytes > 0 ? hop.Bytes : Encoding.UTF8.GetByteCount(hop.Payload),
        });
        Add(kept);
        return kept;
    }

    /// <summary>
    /// The hops of one message repeat its text (the webhook's URL and query reach the Blynk mock as its request): the
    /// journal keeps one copy, the one a recent hop of the same correlation holds. Every hop it keeps lives until the
    /// journal drops it, so each copy saved is memory the collector does not carry from generation to generation.
    /// </summary>
    private (string Payload, HttpExchange? Http) Shared(Hop hop, string correlation)
    {
        var payload = hop.Payload;
        var http = hop.Http;
        if (correlation.Length == 0)
        {
            return (payload, http);
        }

        for (int i = _hops.Count - 1, looked = 0; i >= 0 && looked < 4; i--, looked++)
        {
            var earlier = _hops[i];
            if (!string.Equals(earlier.Correlation, correlation, StringComparison.Ordinal))
            {
                continue;
            }

            if (payload.Length > 0 && !ReferenceEquals(payload, earlier.Payload) && string.Equals(payload, earlier.Payload, StringComparison.Ordinal))
            {
                payload = earlier.Payload;
            }

            if (http is not null && earlier.Http is { } before && !ReferenceEquals(http.Url, before.Url)
                && string.Equals(http.Url, before.Url, StringComparison.Ordinal))
            {
                http = http with { Url = before.Url };
            }
        }

        return (payload, http);
    }

    // Every text of the hop at most PayloadLimit characters (URLs twice that: their query is what scenarios read).
    private Hop Bound(Hop hop)
    {
        var limit = PayloadLimit;
        string? Cut(string? text, int max = 0) => CleanText.Cut(text, max > 0 ? max : limit);
        var http = hop.Http;
        if (http is not null && (http.Url.Length > 2 * limit || http.RequestBody?.Length > limit || http.ResponseBody?.Length > limit
                                 || http.Location?.Length > 2 * limit || AnyLonger(http.RequestHeaders, limit)))
        {
            http = http with
            {
                Url = Cut(http.Url, 2 * limit)!,
                Location = Cut(http.Location, 2 * limit),
                RequestBody = Cut(http.RequestBody),
                ResponseBody = Cut(http.ResponseBody),
                RequestHeaders = http.RequestHeaders.ToDictionary(h => Cut(h.Key)!, h => Cut(h.Value)!, StringComparer.OrdinalIgnoreCase),
            };
        }

        return hop.Payload.Length <= limit && !(hop.Reason?.Length > limit) && hop.Source.Length <= limit && hop.Target.Length <= limit
               && !(hop.EventName?.Length > limit) && !(hop.Function?.Length > limit) && ReferenceEquals(http, hop.Http)
            ? hop
            : hop with
            {
                Payload = Cut(hop.Payload)!, Reason = Cut(hop.Reason), Source = Cut(hop.Source)!, Target = Cut(hop.Target)!,
                EventName = Cut(hop.EventName), Function = Cut(hop.Function), Http = http,
            };
    }

    private static long TextOf(Hop hop)
    {
        long text = hop.Payload.Length + (hop.Reason?.Length ?? 0) + hop.Source.Length + hop.Target.Length + (hop.EventName?.Length ?? 0) + (hop.Function?.Length ?? 0);
        if (hop.Http is { } http)
        {
            text += http.Url.Length + (http.RequestBody?.Length ?? 0) + (http.ResponseBody?.Length ?? 0) + (http.Location?.Length ?? 0)
                    + HeaderText(http.RequestHeaders);
        }

        return text;
    }

    // Without LINQ: Values.Any kept a ValueCollection alive in every header dictionary the journal holds.
    private static bool AnyLonger(IReadOnlyDictionary<string, string> headers, int limit)
    {
        foreach (var header in headers)
        {
            if (header.Value.Length > limit)
            {
                return true;
            }
        }

        return false;
    }

    private static long HeaderText(IReadOnlyDictionary<string, string> headers)
    {
        var text = 0L;
        foreach (var header in headers)
        {
            text += header.Key.Length + header.Value.Length;
        }

        return text;
    }

    private void Replace(int index, Hop hop)
    {
        var size = TextOf(hop);
        _text += size - _textOf[index];
        _textOf[index] = size;
        _hops[index] = hop;
    }

    private void Add(Hop hop)
    {
        _changes++;
        var size = TextOf(hop);
        _hops.Add(hop);
        _addedAt.Add(_changes);
        _textOf.Add(size);
        _text += size;
        if (_hops.Count > Capacity || (_text > TextBudget && _hops.Count > 1))
        {
            // Drop the oldest tenth at once (a List shifts on removal, so dropping one per hop would cost O(n) each time),
            // then more while the text is still over budget; the newest hop always stays.
            var drop = Math.Clamp((_hops.Count > Capacity ? Capacity : _hops.Count) / 10, 1, _hops.Count - 1);
            var freed = 0L;
            for (var i = 0; i < drop; i++)
            {
                freed += _textOf[i];
            }

            while (_text - freed > TextBudget && drop < _hops.Count - 1)
            {
                freed += _textOf[drop++];
            }

            _hops.RemoveRange(0, drop);
            _addedAt.RemoveRange(0, drop);
            _textOf.RemoveRange(0, drop);
            _text -= freed;
            _firstKept += drop;
            _dropped += drop;
        }
    }
}

/// <summary>Renders hops as text: one line per hop, tokens redacted, control characters escaped, long payloads cut.</summary>
public static class JournalText
{
    public static string Render(IEnumerable<Hop> hops, Secrets? secrets = null, long dropped = 0)
    {
        var text = new StringBuilder();
        if (dropped > 0)
        {
            text.Append("(").Append(dropped.ToString(System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" older hops dropped: the journal is bounded)");
        }

        foreach (var hop in hops)
        {
            var line = Clean(hop).ToString();
            text.AppendLine(secrets?.Redact(line) ?? line);
        }

        return text.Length == 0 ? "(no hops recorded)" + Environment.NewLine : text.ToString();
    }

    /// <summary>
    /// The hop with every text a sender chose (names, hosts, payloads, the URL) made one safe line each: control characters
    /// escaped, long values cut with their length stated. A line of the journal text is then one hop, whatever was sent.
    /// </summary>
    public static Hop Clean(Hop hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        static string? Optional(string? text) => text is null ? null : CleanText.Line(text);
        return hop with
        {
            Source = CleanText.Line(hop.Source),
            Target = CleanText.Line(hop.Target),
            Correlation = CleanText.Line(hop.Correlation),
            EventName = Optional(hop.EventName),
            Pin = Optional(hop.Pin),
            Function = Optional(hop.Function),
            Payload = CleanText.Line(hop.Payload),
            Reason = Optional(hop.Reason),
            Http = hop.Http is { } http ? http with { Method = CleanText.Line(http.Method, 32), Url = CleanText.Line(http.Url, 2 * CleanText.DefaultLimit) } : null,
        };
    }
}
