namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>
/// Particle's adaptive throttling, per target host name across all webhooks and accounts (P-WH "Limits"): a host
/// "sleeps" once, inside <see cref="WebhookThrottlePolicy.Window"/>, errors (4xx, 5xx, timeouts, unreachable) outnumber
/// 2xx and number at least <see cref="WebhookThrottlePolicy.MinimumErrors"/>; it wakes after
/// <see cref="WebhookThrottlePolicy.Cooldown"/> without a new error, with a clean slate. Skipped requests are not outcomes.
/// </summary>
public sealed class WebhookThrottle(WebhookThrottlePolicy policy, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HostRating> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private int _sleeping; // hosts asleep now; written under the lock, read without it (the common case: none)

    public WebhookThrottlePolicy Policy => policy;

    /// <summary>Whether a request to <paramref name="host"/> would be skipped now.</summary>
    public bool IsSleeping(string host)
    {
        if (Volatile.Read(ref _sleeping) == 0)
        {
            return false; // nothing sleeps: no lock taken on every delivery
        }

        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var rating) || rating.SleepingSince is null)
            {
                return false;
            }

            if (time.GetUtcNow() - rating.LastError >= policy.Cooldown)
            {
                rating.SleepingSince = null;
                rating.Clear();
                Volatile.Write(ref _sleeping, _sleeping - 1);
                return false;
            }

            return true;
        }
    }

    public void Record(string host, bool success)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var rating = Rating(host);
            rating.Add(now, success);
            rating.Forget(now - policy.Window);

            if (success)
            {
                return;
            }

            rating.LastError = now;
            if (rating.Errors >= policy.MinimumErrors && rating.Errors > rating.Successes)
            {
                if (rating.SleepingSince is null)
                {
                    rating.SleepingSince = now;
                    Volatile.Write(ref _sleeping, _sleeping + 1);
                }
            }
        }
    }

    private HostRating Rating(string host)
    {
        if (!_hosts.TryGetValue(host, out var rating))
        {
            rating = new HostRating();
            _hosts[host] = rating;
        }

        return rating;
    }

    /// <summary>Entries the outcomes of <paramref name="host"/> take now (one per instant and kind inside the window).</summary>
    public int OutcomeEntries(string host)
    {
        lock (_gate)
        {
            return _hosts.TryGetValue(host, out var rating) ? rating.Entries : 0;
        }
    }

    /// <summary>
    /// A host's outcomes inside the window, as runs of equal outcomes at one instant (oldest first) with running totals:
    /// O(1) per outcome, and thousands at one instant — virtual time standing still while a test or a benchmark delivers —
    /// take one entry (one entry per outcome grew a 262,144-slot queue, 6 MB, in one P3 run, and was counted on every error).
    /// </summary>
    private sealed class HostRating
    {
        private readonly LinkedList<Run> _runs = new();

        public int Successes { get; private set; }

        public int Errors { get; private set; }

        public int Entries => _runs.Count;

        public DateTimeOffset LastError { get; set; }

        public DateTimeOffset? SleepingSince { get; set; }

        public void Add(DateTimeOffset at, bool success)
        {
            if (_runs.Last?.Value is { } newest && newest.At == at && newest.Success == success)
            {
                newest.Count++;
            }
            else
            {
                _runs.AddLast(new Run(at, success));
            }

            Count(success, +1);
        }

        /// <summary>Drops the outcomes from before <paramref name="since"/>.</summary>
        public void Forget(DateTimeOffset since)
        {
            while (_runs.First?.Value is { } oldest && oldest.At < since)
            {
                _runs.RemoveFirst();
                Count(oldest.Success, -oldest.Count);
            }
        }

        public void Clear()
        {
            _runs.Clear();
            Successes = 0;
            Errors = 0;
        }

        private void Count(bool success, int delta)
        {
            if (success)
            {
                Successes += delta;
            }
            else
            {
                Errors += delta;
            }
        }

        private sealed class Run(DateTimeOffset at, bool success)
        {
            public DateTimeOffset At { get; } = at;

            public bool Success { get; } = success;

            public int Count { get; set; } = 1;
        }
    }
}
