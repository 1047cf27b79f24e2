namespace ParticleBlynk.Loop;

/// <summary>
/// A target plug-in's card: its name (what runsettings select), what it can do, why it lacks the rest, whether it can
/// run on this machine at all, and how to start it for one scenario.
/// </summary>
public sealed record TargetDescriptor
{
    /// <summary>emulator, containers, hardware…</summary>
    public required string Name { get; init; }

    /// <summary>One line: the device, the clouds, the time.</summary>
    public required string Summary { get; init; }

    /// <summary>The capabilities it lacks, each with the reason a skipped scenario shows.</summary>
    public IReadOnlyDictionary<Capability, string> Lacks { get; init; } = new Dictionary<Capability, string>();

    /// <summary>Null when the target can run here; otherwise why not (no Docker, no board attached) — every scenario skips with it.</summary>
    public Func<string?> Unavailable { get; init; } = () => null;

    /// <summary>Starts the target for one scenario's lab.</summary>
    public required Func<LabSpec, CancellationToken, Task<ILoopTarget>> StartAsync { get; init; }

    public bool Has(Capability capability) => !Lacks.ContainsKey(capability);

    /// <summary>Why the target lacks <paramref name="capability"/>, null when it has it.</summary>
    public string? WhyNot(Capability capability) => Lacks.GetValueOrDefault(capability);

    public IEnumerable<Capability> Capabilities => ParticleBlynk.Loop.Capabilities.All.Where(Has);
}

/// <summary>What a plug-in assembly offers: one or more targets. Created once per test run, disposed at its end.</summary>
public interface ILoopTargetPlugin : IAsyncDisposable
{
    IReadOnlyList<TargetDescriptor> Targets { get; }
}

/// <summary>Names the plug-in type of a target assembly.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class LoopTargetPluginAttribute(Type pluginType) : Attribute
{
    public Type PluginType { get; } = pluginType;
}

/// <summary>A target cannot run the lab a scenario asks for (a real board is not a Photon 2): the scenario skips with it.</summary>
public sealed class TargetCannotRunException(string reason) : Exception(reason);
