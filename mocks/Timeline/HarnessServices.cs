using ParticleBlynk.Loop;

namespace ParticleBlynk.Timeline;

/// <summary>
/// What every mock and device of one harness instance shares: the clock, the work tracker, the journal and the
/// host map. One instance per scenario (or per standalone lab) — never static, so scenarios run in parallel.
/// </summary>
public sealed record HarnessServices(TimeProvider Time, WorkTracker Work, Journal Journal, HostMap Hosts)
{
    /// <summary>Services on a virtual clock (scenarios, CI, a lab with --virtual-time).</summary>
    public static HarnessServices Virtual(HarnessClock clock, int journalCapacity = Journal.DefaultCapacity) =>
        new(clock.Time, clock.Work, new Journal(clock.Time, journalCapacity), new HostMap());

    /// <summary>Services on wall-clock time (the standalone lab, hardware runs).</summary>
    public static HarnessServices RealTime(int journalCapacity = Journal.DefaultCapacity)
    {
        var time = TimeProvider.System;
        return new HarnessServices(time, new WorkTracker(time), new Journal(time, journalCapacity), new HostMap());
    }
}
