using System.Threading.Channels;
using ParticleBlynk.Emulator;

namespace ParticleBlynk.LoopHost;

/// <summary>
/// Runs emulated boards on wall-clock time: calls <see cref="EmulatedDevice.RunDue"/> whenever a board's
/// <see cref="EmulatedDevice.NextDueAt"/> comes. One loop owns every board (the emulator is single-threaded; only
/// function-call enqueueing is thread-safe), so anything else a driver does to a board — power, millis, the cloud
/// link — is handed to that loop with <see cref="InvokeAsync{T}"/>. The lab is the one place where really waiting is right.
/// </summary>
public sealed class RealTimeDeviceScheduler : IAsyncDisposable
{
    // An idle board (powered off) is looked at again after this long.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time;
    private readonly IReadOnlyList<EmulatedDevice> _devices;
    private readonly Channel<Action> _commands = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RealTimeDeviceScheduler(TimeProvider time, IReadOnlyList<EmulatedDevice> devices, Action? afterEachRun)
    {
        _time = time;
        _devices = devices;
        AfterEachRun = afterEachRun;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes when the loop ends; faults when a board threw (the lab then stops, loudly).</summary>
    public Task Completion => _loop;

    private Action? AfterEachRun { get; }

    /// <summary>Keeps the boards running until disposed; <paramref name="afterEachRun"/> runs on the loop after every pass.</summary>
    public static RealTimeDeviceScheduler Start(TimeProvider time, IReadOnlyList<EmulatedDevice> devices, Action? afterEachRun = null) =>
        new(time, devices, afterEachRun);

    /// <summary>Runs <paramref name="action"/> on the boards' loop (between two passes) and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _commands.Writer.TryWrite(() =>
        {
            try
            {
                done.TrySetResult(action());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        if (!queued)
        {
            done.TrySetException(new ObjectDisposedException(nameof(RealTimeDeviceScheduler)));
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _commands.Writer.TryComplete();
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
        while (!token.IsCancellationRequested)
        {
            while (_commands.Reader.TryRead(out var command))
            {
                command();
            }

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

            AfterEachRun?.Invoke();
            var wait = next - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                // Sleep until the next board is due, or until a command arrives.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(token);
                wake.CancelAfter(wait);
                try
                {
                    await _commands.Reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                }
            }
        }
    }
}
