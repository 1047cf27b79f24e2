namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>One demo lab process (no arguments) shared by the tests of a class.</summary>
public sealed class DemoLabFixture : IAsyncLifetime
{
    private LabProcess? _lab;

    public LabProcess Lab => _lab ?? throw new InvalidOperationException("The lab is not started.");

    public LabReady Ready => Lab.Ready;

    public async ValueTask InitializeAsync() => _lab = await LabProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}

/// <summary>A lab from curl-lab.json: the Blynk HTTPS API docs' own example tokens and template, no boards.</summary>
public sealed class CurlLabFixture : IAsyncLifetime
{
    private LabProcess? _lab;

    public LabProcess Lab => _lab ?? throw new InvalidOperationException("The lab is not started.");

    public async ValueTask InitializeAsync() =>
        _lab = await LabProcess.StartAsync("--config", Path.Combine(AppContext.BaseDirectory, "curl-lab.json"));

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
