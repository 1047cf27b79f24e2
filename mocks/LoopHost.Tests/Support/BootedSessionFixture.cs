using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;

namespace ParticleBlynk.LoopHost.Tests.Support;

/// <summary>
/// One lab with one standard session whose board has booted, shared by the tests of a class that only read it or are
/// refused (a refused request must leave it as it was).
/// </summary>
public sealed class BootedSessionFixture : IAsyncLifetime
{
    private InProcessLab? _lab;

    public InProcessLab Lab => _lab ?? throw new InvalidOperationException("The lab is not started.");

    public SessionInfo Session { get; private set; } = null!;

    public LabSpec Spec { get; private set; } = null!;

    public string Board => Spec.DeviceId;

    /// <summary>The path template's {s} and {b} as this session and its board.</summary>
    public string PathOf(string template) => template.Replace("{s}", Session.Id, StringComparison.Ordinal).Replace("{b}", Board, StringComparison.Ordinal);

    public async ValueTask InitializeAsync()
    {
        _lab = await InProcessLab.StartAsync();
        (Session, Spec) = await _lab.CreateBootedSessionAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
