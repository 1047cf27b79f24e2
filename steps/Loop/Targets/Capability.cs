namespace ParticleBlynk.Loop;

/// <summary>
/// What a scenario may need beyond the public interfaces of a real setup (design.md §3). A scenario declares each one
/// with a tag (<c>@needs:virtual-time</c>…); a target that lacks it skips the scenario with its reason.
/// </summary>
public enum Capability
{
    /// <summary>Time is virtual: exact instants can be asserted and hours pass in moments.</summary>
    VirtualTime,

    /// <summary>Faults can be injected into the clouds (latency, unreachable, error answers).</summary>
    FaultInjection,

    /// <summary>The device can be steered: millis() jumps, v15, cloud drops, how it boots, what it is flashed with.</summary>
    DeviceControl,

    /// <summary>The D7 LED can be read back.</summary>
    LedReadback,

    /// <summary>What no real cloud shows: the webhook requests and answers inside the clouds, their configuration.</summary>
    CloudInternals,

    /// <summary>A web dashboard a browser can open (the Blynk mock's).</summary>
    Browser,

    /// <summary>
    /// The board's USB serial is a port that can go away and come back (a tty, a ser2net export) and the harness can make
    /// it go away (a pulled cable, a hub port switched off).
    /// </summary>
    SerialPort,

    /// <summary>
    /// A fleet: hundreds of boards in one lab on one clock, each with its own Blynk device and webhook, the clouds' per-board
    /// outcomes in the journal.
    /// </summary>
    Fleet,
}

/// <summary>The tags that declare capabilities.</summary>
public static class Capabilities
{
    public const string TagPrefix = "needs:";

    public static IReadOnlyList<Capability> All { get; } = Enum.GetValues<Capability>();

    /// <summary>"needs:virtual-time" for <see cref="Capability.VirtualTime"/> (without the @).</summary>
    public static string Tag(Capability capability) => TagPrefix + Name(capability);

    /// <summary>"virtual-time".</summary>
    public static string Name(Capability capability) => capability switch
    {
        Capability.VirtualTime => "virtual-time",
        Capability.FaultInjection => "fault-injection",
        Capability.DeviceControl => "device-control",
        Capability.LedReadback => "led-readback",
        Capability.CloudInternals => "cloud-internals",
        Capability.Browser => "browser",
        Capability.SerialPort => "serial-port",
        Capability.Fleet => "fleet",
        _ => throw new ArgumentOutOfRangeException(nameof(capability), capability, null),
    };

    /// <summary>The capabilities declared by a scenario's tags (with or without '@'); an unknown @needs: tag is an error.</summary>
    public static IReadOnlySet<Capability> Declared(IEnumerable<string> tags)
    {
        var declared = new HashSet<Capability>();
        foreach (var tag in tags.Select(t => t.TrimStart('@')).Where(t => t.StartsWith(TagPrefix, StringComparison.Ordinal)))
        {
            var name = tag[TagPrefix.Length..];
            var capability = All.Where(c => Name(c) == name).Select(c => (Capability?)c).FirstOrDefault()
                ?? throw new ArgumentException($"Unknown capability tag @{tag}; known: {string.Join(", ", All.Select(c => "@" + Tag(c)))}.", nameof(tags));
            declared.Add(capability);
        }

        return declared;
    }
}
