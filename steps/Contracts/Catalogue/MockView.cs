using ParticleBlynk.BlynkCloud;
using ParticleBlynk.LoopHost;
using ParticleBlynk.ParticleCloud;

namespace ParticleBlynk.Contracts.Catalogue;

/// <summary>
/// The mock a drift report compares with: a lab configuration (the documented defaults, or a team's own lab file) seen
/// through the options the probes' answers depend on.
/// </summary>
public sealed class MockView(LabConfiguration configuration, string description)
{
    public LabConfiguration Configuration { get; } = configuration;

    /// <summary>"documented defaults" or the lab file's path.</summary>
    public string Description { get; } = description;

    public ParticleCloudOptions Particle => Configuration.Particle;

    public BlynkBehaviour Blynk => Configuration.Blynk.Behaviour;

    /// <summary>The template of the Blynk device the probes talk to (the first device's), or null.</summary>
    public TemplateOptions? Template =>
        Configuration.Blynk.Devices.FirstOrDefault() is { } device
            ? Configuration.Blynk.Templates.FirstOrDefault(t => t.Id == device.TemplateId)
            : Configuration.Blynk.Templates.FirstOrDefault();

    /// <summary>The mock with nothing configured but what a probe lab needs: every UNCONFIRMED behaviour at its documented default.</summary>
    public static MockView Defaults { get; } = new(new LabConfiguration(), "documented defaults (docs/contract-choices.md)");
}
