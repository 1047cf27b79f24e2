namespace ParticleBlynk.Timeline;

/// <summary>
/// What every mock and device of one harness instance shares: the clock, the work tracker, the journal and the
/// host map. One instance per scenario (or per standalone lab) — never static, so scenarios run in parallel.
/// </summary>
public sealed record HarnessServices(TimeProvider Time, WorkTracker Work, Journal Journal, HostMap Hosts)
{
    /// <summary>Services on a virtual clock (scenarios, CI).</summary>
    public static HarnessServices Virtual(HarnessClock clock) =>
        new(clock.Time, clock.Work, new Journal(clock.Time), new HostMap());

    /// <summary>Services on wall-clock time (the standalone lab, hardware runs).</summary>
    public static HarnessServices RealTime()
    {
        var time = TimeProvider.System;
        return new HarnessServices(time, new WorkTracker(time), new Journal(time), new HostMap());
    }
}
