using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Timeline;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>
/// The scenario hooks, in order: @browser scenarios skip where Chromium is missing; after each scenario the evidence
/// (journal diagram and text, serial transcript) goes into the report, the browser closes, then the lab stops.
/// </summary>
[Binding]
public sealed class Hooks(LabDriver lab, DashboardDriver dashboard, ScenarioContext scenario, IReqnrollOutputHelper output)
{
    // Exact millisecond assertions (cadence 300.01 s, timeouts at 20 s) hold on virtual time only: elsewhere say so.
    [BeforeScenario("virtual-time")]
    public static void SkipUnlessVirtualTime()
    {
        if (LoopTargets.Selected != "emulator")
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Target '{LoopTargets.Selected}': this scenario asserts exact times and needs the virtual clock (tagged @virtual-time).");
        }
    }

    // Before the Background starts the lab: a machine without Chromium skips at once, saying why (never a silent pass).
    [BeforeScenario("browser")]
    public static void SkipUnlessChromium() => DashboardDriver.SkipUnlessChromium();

    [AfterScenario(Order = 0)]
    public void AttachEvidence()
    {
        if (!lab.Started)
        {
            return;
        }

        var target = lab.Target;
        var title = scenario.ScenarioInfo.Title;
        output.AttachText("journal.svg", SequenceDiagram.RenderSvg(target.Journal.Hops, title));
        output.AttachText("journal.txt", target.Journal.Render());
        output.AttachText("serial.txt", string.Join(Environment.NewLine, target.Device.SerialLines.Select(l => $"{l.At:HH:mm:ss.fff} {l.Text}")));
        if (scenario.TestError is not null)
        {
            output.WriteLine(lab.JournalText());
        }
    }

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

    [AfterScenario(Order = 100)]
    public ValueTask DisposeLab() => lab.DisposeAsync();
}
