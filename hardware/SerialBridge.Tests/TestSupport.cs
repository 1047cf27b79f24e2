using System.Collections.Concurrent;
using System.Diagnostics;

// ptys, sysfs, /proc and ser2net: these tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>A directory under /tmp that disappears with the test.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = Directory.CreateTempSubdirectory("serialbridge-").FullName;
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A pty link being replaced at that instant; /tmp is cleaned anyway.
        }
    }
}

/// <summary>Waits for conditions with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    /// <summary>Generous for a loaded 2-core machine; a passing test never waits this long.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task True(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > (within ?? Patience))
            {
                throw new TimeoutException($"Still waiting after {deadline.Elapsed.TotalSeconds:0.0} s for: {what}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Collects a link's events as they are raised.</summary>
internal sealed class EventLog
{
    private readonly ConcurrentQueue<SerialLinkEvent> _events = new();

    public EventLog(SerialLink link) => link.Event += _events.Enqueue;

    public IReadOnlyList<SerialLinkEvent> All => [.. _events];

    public IReadOnlyList<T> Of<T>() where T : SerialLinkEvent => [.. _events.OfType<T>()];

    public IReadOnlyList<string> Lines => [.. _events.OfType<LineReceived>().Select(l => l.Raw)];
}
