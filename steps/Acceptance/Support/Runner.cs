using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;
using Reqnroll.Plugins;

// Reqnroll always loads the test assembly's own RuntimePlugin attributes: this is what registers the xunit.v3 provider.
[assembly: RuntimePlugin(typeof(XunitRuntimePlugin))]
[assembly: AssemblyFixture(typeof(ParticleBlynk.Acceptance.Support.AcceptanceTestRun))]

namespace ParticleBlynk.Acceptance.Support;

/// <summary>
/// Brackets the whole run: Reqnroll's BeforeTestRun/AfterTestRun and report flush, and the run's target — the plug-in
/// catalog loaded once, the target runsettings select (E2E_TARGET), disposed after the last scenario.
/// </summary>
public sealed class AcceptanceTestRun() : ReqnrollTestRun(typeof(AcceptanceTestRun).Assembly)
{
    private TargetCatalog? _catalog;

    /// <summary>The target every scenario of this run starts.</summary>
    public TargetDescriptor Target { get; private set; } = null!;

    /// <summary>Every scenario case's outcome, for the sign-off summary written when the run ends.</summary>
    public SignOffLog SignOff { get; } = new();

    /// <summary>The run's fixture, from inside a scenario.</summary>
    public static async ValueTask<AcceptanceTestRun> CurrentAsync() =>
        await TestContext.Current.GetFixture<AcceptanceTestRun>()
        ?? throw new InvalidOperationException("The acceptance run fixture is not attached to this test.");

    public override async ValueTask InitializeAsync()
    {
        _catalog = TargetCatalog.Load(AppContext.BaseDirectory);
        Target = _catalog.Find(TargetCatalog.SelectedName);
        await base.InitializeAsync();
    }

    /// <summary>signoff.md in the run's results folder (E2E_RESULTS_DIR, set by scripts/lib.sh); nothing when it is not set.</summary>
    private void WriteSignOff()
    {
        if (Environment.GetEnvironmentVariable("E2E_RESULTS_DIR") is not { Length: > 0 } folder || Target is null)
        {
            return;
        }

        var run = new RunEnvironment(
            Target.Name,
            Target.Summary,
            Environment.GetEnvironmentVariable("E2E_GIT_COMMIT") is { Length: > 0 } commit ? commit : "unknown (E2E_GIT_COMMIT not set)",
            DateTimeOffset.UtcNow);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "signoff.md"), SignOffSummary.Render(run, SignOff.Cases));
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
            WriteSignOff();
        }
        finally
        {
            if (_catalog is not null)
            {
                await _catalog.DisposeAsync();
            }
        }
    }
}
