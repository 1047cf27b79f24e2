using ParticleBlynk.Loop;
using ParticleBlynk.Targets.Emulator;

[assembly: LoopTargetPlugin(typeof(EmulatorTargets))]

namespace ParticleBlynk.Targets.Emulator;

/// <summary>How the emulator target's journal is fed.</summary>
public enum JournalFeed
{
    /// <summary>From inside the mocks and the emulated device: every hop, with the clouds' own view.</summary>
    InProcess,

    /// <summary>Only from what a real setup shows: serial, the Particle event stream, the Blynk HTTPS API.</summary>
    PublicInterfaces,
}

/// <summary>The emulator plug-in: "emulator" (CI's default) and "emulator-observers" (the same loop seen from outside).</summary>
public sealed class EmulatorTargets : ILoopTargetPlugin
{
    private const string InProcessSerial = "the emulator keeps the board's USB serial in-process: there is no port to pull (scripts/hardware-selftest.sh runs these scenarios on a board behind a tty)";

    public EmulatorTargets()
    {
        TargetDescriptor? emulator = null;
        TargetDescriptor? observers = null;
        emulator = new TargetDescriptor
        {
            Name = "emulator",
            Summary = "the firmware emulator and both mocks in-process on one virtual clock; the journal from inside the mocks",
            Lacks = new Dictionary<Capability, string> { [Capability.SerialPort] = InProcessSerial },
            StartAsync = (spec, _) => EmulatorTarget.StartAsync(spec, emulator!, JournalFeed.InProcess),
        };
        observers = new TargetDescriptor
        {
            Name = "emulator-observers",
            Summary = "the emulator target with its journal fed only from public interfaces (serial, event stream, Blynk API)",
            Lacks = new Dictionary<Capability, string>
            {
                [Capability.CloudInternals] = "target 'emulator-observers' sees only public interfaces: the clouds' own requests and answers are not in its journal",
                [Capability.Fleet] = "target 'emulator-observers' follows one board's public interfaces (its serial, its Blynk device): a fleet's per-board outcomes are inside the clouds",
                [Capability.SerialPort] = InProcessSerial,
            },
            StartAsync = (spec, _) => EmulatorTarget.StartAsync(spec, observers!, JournalFeed.PublicInterfaces),
        };
        Targets = [emulator, observers];
    }

    public IReadOnlyList<TargetDescriptor> Targets { get; }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
