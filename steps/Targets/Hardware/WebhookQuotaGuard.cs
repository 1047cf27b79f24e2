using System.Globalization;

namespace ParticleBlynk.Targets.Hardware;

/// <summary>
/// The bench's Blynk webhook quota, kept by the harness across scenarios and runs: every V16 write the harness makes
/// (a switch, the "V16 back to 0" after a scenario) may fire the webhook, and a write inside a used-up window would be
/// dropped by Blynk — the next switch would never echo. A write first waits until the quota has room. The writes are
/// remembered in a file per board (<see cref="StateFile"/>), because the quota belongs to the Blynk account, not to a
/// test process: a second run right after the first must wait too.
/// </summary>
internal sealed class WebhookQuotaGuard(string deviceId, int requests, TimeSpan quotaWindow, TimeProvider time)
{
    /// <summary>Blynk counts the execution a moment after the write that fired it: the window plus this margin.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan window = quotaWindow + Margin;

    public string StateFile { get; } = Path.Combine(Path.GetTempPath(), "particle-blynk-e2e", $"blynk-webhook-writes-{deviceId}.txt");

    /// <summary>
    /// Counts a V16 change someone else made (the board's republish writes V16 through the Particle webhook): under the
    /// mock's default contract that fires the webhook too, and uses the quota.
    /// </summary>
    public async Task NoteAsync(DateTimeOffset at)
    {
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            Save([.. Load(now).Where(w => now - w < window), at]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits (real time) until a V16 change would fit the quota, without counting one: for a call that switches the LED
    /// on, whose republish changes V16 through the Particle webhook (counted by <see cref="NoteAsync"/> when seen).
    /// </summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var writes = Load(now).Where(w => now - w < window).Order().ToList();
                if (writes.Count < requests)
                {
                    return;
                }

                await Task.Delay(writes[0] + window - now, time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits (real time) until a write fits the quota, then counts it.</summary>
    public async Task BeforeWriteAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var writes = Load(now).Where(w => now - w < window).Order().ToList();
                if (writes.Count < requests)
                {
                    Save([.. writes, now]);
                    return;
                }

                await Task.Delay(writes[0] + window - now, time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // A time after now (another machine's clock, a hand-edited file) counts as now, and is saved as now: it holds a write
    // one window at most.
    private List<DateTimeOffset> Load(DateTimeOffset now)
    {
        if (!File.Exists(StateFile))
        {
            return [];
        }

        var saved = File.ReadAllLines(StateFile)
            .Select(l => DateTimeOffset.TryParse(l, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : (DateTimeOffset?)null)
            .OfType<DateTimeOffset>()
            .ToList();
        if (!saved.Any(at => at > now))
        {
            return saved;
        }

        var clamped = saved.Select(at => at > now ? now : at).ToList();
        Save(clamped);
        return clamped;
    }

    private void Save(IEnumerable<DateTimeOffset> writes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
        File.WriteAllLines(StateFile, writes.Select(w => w.ToString("O", CultureInfo.InvariantCulture)));
    }
}
