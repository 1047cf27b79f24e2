using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>
/// Time on the wall clock (a real board, real clouds, a lab on real time): passing time waits, waiting looks at the
/// condition again whenever something observable changed (<paramref name="changeStamp"/>), and at least every
/// <see cref="Recheck"/> (a condition may read a cloud that signals nothing).
/// </summary>
public sealed class RealTimeDriver(TimeProvider time, Func<long> changeStamp, Func<Task>? catchUp = null) : ITimeDriver
{
    /// <summary>How often a condition is looked at when nothing signals a change.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>How often a condition is looked at even when nothing observable changed.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(500);

    public DateTimeOffset Now => time.GetUtcNow();

    public bool IsVirtual => false;

    public Task PassAsync(TimeSpan span) => span > TimeSpan.Zero ? Task.Delay(span, time) : Task.CompletedTask;

    public async Task<bool> WaitUntilAsync(Func<ValueTask<bool>> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var end = time.GetUtcNow() + limit;
        var seen = long.MinValue;
        var checkedAt = DateTimeOffset.MinValue;
        while (true)
        {
            var stamp = changeStamp();
            if (stamp != seen || time.GetUtcNow() - checkedAt >= Recheck)
            {
                seen = stamp;
                checkedAt = time.GetUtcNow();
                if (catchUp is not null)
                {
                    await catchUp().ConfigureAwait(false);
                }

                if (await condition().ConfigureAwait(false))
                {
                    return true;
                }
            }

            var left = end - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return await condition().ConfigureAwait(false);
            }

            await Task.Delay(left < Poll ? left : Poll, time).ConfigureAwait(false);
        }
    }
}
