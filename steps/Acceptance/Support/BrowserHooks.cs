using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Gherkin;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>@browser scenarios: skipped with the reason where Chromium is missing; the browser closed after each.</summary>
[Binding]
public sealed class BrowserHooks(DashboardDriver dashboard, ScenarioContext scenario, IReqnrollOutputHelper output)
{
    // Before the Background starts the lab: a machine without Chromium skips at once, saying why (never a silent pass).
    [BeforeScenario("browser")]
    public static void SkipUnlessChromium() => DashboardDriver.SkipUnlessChromium();

    // After the evidence (Hooks.AttachEvidence, Order 0), before the lab stops (Hooks.DisposeLab, Order 100).
    [AfterScenario("browser", Order = 50)]
    public async Task CloseBrowser()
    {
        try
        {
            if (scenario.TestError is not null && dashboard.IsOpen)
            {
                var (fileName, png) = await dashboard.ScreenshotAsync();
                output.AttachContent("failed-" + fileName, png);
            }
        }
        finally
        {
            await dashboard.DisposeAsync();
        }
    }
}
