using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Labs;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Contracts.Tests.Support;

/// <summary>The whole catalogue, once, against the probe lab in this process (fresh tokens): about 25 s, most of it the keep-alive probes listening.</summary>
public sealed class LabCatalogueRun : IAsyncLifetime
{
    public LabTokens Tokens { get; } = LabTokens.Fresh();

    public IReadOnlyList<ProbeResult> Results { get; private set; } = [];

    public IReadOnlyList<SentRequest> Requests { get; private set; } = [];

    public ProbeTarget Target { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await using var lab = await new InProcessLabStarter().StartAsync(ProbeLab.Configuration(Tokens), "probe lab");
        Target = ProbeLab.Target("in-process lab", lab.Endpoints, Tokens);
        using var transport = new ProbeTransport(Target, new Secrets(Tokens.Particle, Tokens.Blynk));
        Results = await ProbeRunner.RunAsync(ContractCatalogue.All, transport);
        Requests = transport.Log;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
