using System.Globalization;

namespace ParticleBlynk.BlynkCloud;

/// <summary>Who wrote a datastream value.</summary>
public enum WriteSource
{
    /// <summary>The device HTTPS API (the Particle webhook writes this way).</summary>
    HttpApi,

    /// <summary>The Blynk app or web dashboard (a switch widget).</summary>
    App,
}

/// <summary>One stored history point: raw (every value) or the average of one minute of the harness clock.</summary>
public sealed record HistoryPoint(DateTimeOffset At, string Value, int Samples);

/// <summary>A datastream's current value and what Blynk keeps of its past.</summary>
public sealed record DatastreamSnapshot(string Pin, DatastreamType Type, string? Value, DateTimeOffset? UpdatedAt, IReadOnlyList<HistoryPoint> History);

/// <summary>Mutable per-device state of one datastream; guarded by the model's lock. Its history keeps the last <paramref name="historyPoints"/> points.</summary>
internal sealed class DatastreamState(DatastreamOptions options, int historyPoints = 10_000)
{
    private readonly List<HistoryPoint> _history = [];
    private double _minuteSum;

    public DatastreamOptions Options { get; } = options;

    public string? Value { get; private set; } = options.DefaultValue;

    public bool Written { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    public void Write(string value, DateTimeOffset now)
    {
        Value = value;
        Written = true;
        UpdatedAt = now;
        if (Options.IsRaw)
        {
            Add(new HistoryPoint(now, value, 1));
            return;
        }

        // Default storage: one point per minute, averaged (save-raw-data.md); a String keeps the minute's last value.
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset);
        var last = _history.Count > 0 ? _history[^1] : null;
        var numeric = Options.Type != DatastreamType.String;
        if (last is null || last.At != minute)
        {
            _minuteSum = numeric ? double.Parse(value, CultureInfo.InvariantCulture) : 0;
            Add(new HistoryPoint(minute, value, 1));
            return;
        }

        var samples = last.Samples + 1;
        string averaged = value;
        if (numeric)
        {
            _minuteSum += double.Parse(value, CultureInfo.InvariantCulture);
            averaged = DatastreamValueParser.Format(_minuteSum / samples);
        }

        _history[^1] = new HistoryPoint(minute, averaged, samples);
    }

    /// <summary>History points dropped because the history was full.</summary>
    public long DroppedHistory { get; private set; }

    private void Add(HistoryPoint point)
    {
        _history.Add(point);
        if (_history.Count > historyPoints)
        {
            var drop = Math.Max(1, historyPoints / 10); // the oldest tenth at once: a List shifts on removal
            _history.RemoveRange(0, drop);
            DroppedHistory += drop;
        }
    }

    public DatastreamSnapshot Snapshot() => new(BlynkPins.Name(Options.PinNumber), Options.Type, Value, UpdatedAt, _history.ToArray());
}
