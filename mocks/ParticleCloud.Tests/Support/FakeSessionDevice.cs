using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Tests.Support;

/// <summary>
/// A device that answers function calls on its next loop boundary in virtual time (every <see cref="LoopPeriod"/>),
/// like the seed firmware's blynk_led: "on"/"1" → 1, "off"/"0" → 0, else -1. Can be told never to answer.
/// </summary>
internal sealed class FakeSessionDevice(string deviceId, Platform platform, HarnessClock clock) : ICloudSessionDevice, IClockParticipant
{
    private readonly object _gate = new();
    private readonly Queue<(string Name, string Argument, Action<FunctionCallResult> Completed)> _calls = new();
    private DateTimeOffset? _due;

    public string DeviceId { get; } = deviceId;

    public Platform Platform { get; } = platform;

    public IReadOnlyList<string> Functions { get; set; } = ["blynk_led"];

    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    public TimeSpan LoopPeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    public bool Unresponsive { get; set; }

    /// <summary>
    /// Runs right after a call's completion callback, in the same synchronous RunDue, like the emulator running loop()
    /// (which republishes the LED state) straight after the queued function returned.
    /// </summary>
    public Action<FakeSessionDevice>? AfterCall { get; set; }

    /// <summary>Wall time EnqueueFunctionCall takes before the call is queued (a pre-empted or slow device thread).</summary>
    public TimeSpan EnqueueLatency { get; set; }

    public List<(string Name, string Argument, DateTimeOffset At)> Received { get; } = [];

    public DateTimeOffset? NextDueAt
    {
        get
        {
            lock (_gate)
            {
                return _due;
            }
        }
    }

    public void EnqueueFunctionCall(string name, string argument, Action<FunctionCallResult> completed)
    {
        if (EnqueueLatency > TimeSpan.Zero)
        {
            Thread.Sleep(EnqueueLatency);
        }

        lock (_gate)
        {
            _calls.Enqueue((name, argument, completed));
            if (!Unresponsive)
            {
                _due ??= clock.Now + LoopPeriod;
            }
        }
    }

    public void RunDue(DateTimeOffset now)
    {
        List<(string Name, string Argument, Action<FunctionCallResult> Completed)> due;
        lock (_gate)
        {
            due = [.. _calls];
            _calls.Clear();
            _due = null;
        }

        foreach (var (name, argument, completed) in due)
        {
            Received.Add((name, argument, now));
            completed(FunctionCallResult.Returned(argument switch
            {
                "on" or "1" => 1,
                "off" or "0" => 0,
                _ => -1,
            }));
            AfterCall?.Invoke(this);
        }
    }
}
