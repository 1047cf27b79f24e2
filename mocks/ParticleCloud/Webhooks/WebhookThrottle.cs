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
                rating.Outcomes.Clear();
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
            rating.Outcomes.Enqueue((now, success));
            while (rating.Outcomes.Count > 0 && now - rating.Outcomes.Peek().At > policy.Window)
            {
                rating.Outcomes.Dequeue();
            }

            if (success)
            {
                return;
            }

            rating.LastError = now;
            var errors = rating.Outcomes.Count(o => !o.Success);
            if (errors >= policy.MinimumErrors && errors > rating.Outcomes.Count - errors)
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

    private sealed class HostRating
    {
        public Queue<(DateTimeOffset At, bool Success)> Outcomes { get; } = new();

        public DateTimeOffset LastError { get; set; }

        public DateTimeOffset? SleepingSince { get; set; }
    }
}
