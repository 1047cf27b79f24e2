namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>
/// The demo lab (mocks/Lab/demo-lab.json) with fresh tokens: the file is copied with its two tokens replaced, beside
/// the copy of mocks/SeedIntegration it reads the doc's webhook from. One process shared by the tests of a class.
/// </summary>
public sealed class DemoLabFixture : IAsyncLifetime
{
    public const string DemoParticleToken = "38bb7b318cc6898c80317decb34525844bc9db55";
    public const string DemoBlynkToken = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";

    private LabProcess? _lab;

    public LabProcess Lab => _lab ?? throw new InvalidOperationException("The lab is not started.");

    public LabReady Ready => Lab.Ready;

    public LabTokens Tokens { get; } = LabTokens.Fresh();

    public string ConfigPath { get; } = Path.Combine(AppContext.BaseDirectory, "Lab", $"demo-lab.{Guid.NewGuid():N}.json");

    /// <summary>Writes the demo file with <paramref name="tokens"/> next to the original (its relative webhook path still resolves).</summary>
    public static void WriteDemoConfig(string path, LabTokens tokens) =>
        File.WriteAllText(path, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lab", "demo-lab.json"))
            .Replace(DemoParticleToken, tokens.Particle, StringComparison.Ordinal)
            .Replace(DemoBlynkToken, tokens.Blynk, StringComparison.Ordinal));

    public async ValueTask InitializeAsync()
    {
        WriteDemoConfig(ConfigPath, Tokens);
        _lab = await LabProcess.StartAsync(Tokens, "--config", ConfigPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        File.Delete(ConfigPath);
    }
}

/// <summary>A lab from curl-lab.json: the Blynk HTTPS API docs' own example tokens and template, no boards.</summary>
public sealed class CurlLabFixture : IAsyncLifetime
{
    private LabProcess? _lab;

    public LabProcess Lab => _lab ?? throw new InvalidOperationException("The lab is not started.");

    public async ValueTask InitializeAsync() =>
        _lab = await LabProcess.StartAsync(new LabTokens("", null), "--config", Path.Combine(AppContext.BaseDirectory, "curl-lab.json"));

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
