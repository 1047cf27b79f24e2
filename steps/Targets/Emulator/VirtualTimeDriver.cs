using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Targets.Emulator;

/// <summary>
/// Time on an in-process harness clock: passing time runs every event on the way, exactly and at once; waiting looks at
/// the condition again whenever something observable changed. <paramref name="catchUp"/> runs after every move, so
/// feeds outside the clock (an event stream over loopback) have delivered what happened before a condition is read.
/// A wait looks only at effects (the change stamp moves on a hop, a serial line, the LED, the sensor), so the device's
/// loops without one run back to back in between (<see cref="ConditionCheck.AfterEffects"/>).
/// </summary>
internal sealed class VirtualTimeDriver(HarnessClock clock, Func<long> changeStamp, Func<Task> catchUp) : ITimeDriver
{
    public DateTimeOffset Now => clock.Now;

    public bool IsVirtual => true;

    public async Task PassAsync(TimeSpan span)
    {
        await clock.AdvanceAsync(span);
        await catchUp();
    }

    public async Task<bool> WaitUntilAsync(Func<ValueTask<bool>> condition, TimeSpan limit)
    {
        var end = clock.Now + limit;
        while (true)
        {
            await catchUp();
            if (await condition())
            {
                return true;
            }

            if (clock.Now >= end)
            {
                return false;
            }

            var stamp = changeStamp();
            if (!await clock.AdvanceUntilAsync(() => changeStamp() != stamp, end - clock.Now, ConditionCheck.AfterEffects))
            {
                await catchUp();
                return await condition();
            }
        }
    }
}
