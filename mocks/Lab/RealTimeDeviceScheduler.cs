using ParticleBlynk.Emulator;

namespace ParticleBlynk.Lab;

/// <summary>
/// Runs emulated boards on wall-clock time: powers them on, then calls <see cref="EmulatedDevice.RunDue"/> whenever a
/// board's <see cref="EmulatedDevice.NextDueAt"/> comes. One loop owns every board (the emulator is single-threaded;
/// only function-call enqueueing is thread-safe). The lab is the one place where really waiting is right.
/// </summary>
public sealed class RealTimeDeviceScheduler : IAsyncDisposable
{
    // An idle board (powered off) is looked at again after this long.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time;
    private readonly IReadOnlyList<EmulatedDevice> _devices;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RealTimeDeviceScheduler(TimeProvider time, IReadOnlyList<EmulatedDevice> devices)
    {
        _time = time;
        _devices = devices;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes when the loop ends; faults when a board threw (the lab then stops, loudly).</summary>
    public Task Completion => _loop;

    /// <summary>Powers the boards on and keeps them running until disposed.</summary>
    public static RealTimeDeviceScheduler Start(TimeProvider time, IReadOnlyList<EmulatedDevice> devices) => new(time, devices);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        foreach (var device in _devices)
        {
            await device.PowerOnAsync(token).ConfigureAwait(false);
        }

        while (!token.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = now + IdlePoll;
            foreach (var device in _devices)
            {
                if (device.NextDueAt is { } due && due <= now)
                {
                    device.RunDue(now);
                }

                if (device.NextDueAt is { } after && after < next)
                {
                    next = after;
                }
            }

            var wait = next - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, token).ConfigureAwait(false);
            }
        }
    }
}
