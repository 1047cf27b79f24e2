using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>
/// The scenario hooks, in order: before the Background, a scenario skips — with the reason — when the run's target
/// cannot run here or lacks a capability the scenario declares (@needs:…), or when Chromium is missing for a browser
/// scenario. After each scenario the evidence (journal diagram and text, serial transcript, all tokens redacted) goes
/// into the report, the browser closes, then the lab stops.
/// </summary>
[Binding]
public sealed class Hooks(LabDriver lab, FleetDriver fleet, DashboardDriver dashboard, ScenarioContext scenario, FeatureContext feature, IReqnrollOutputHelper output)
{
    [BeforeScenario(Order = 0)]
    public async Task SkipWhatTheTargetCannotDo()
    {
        // Every step failure from here on is redacted with the scenario's tokens before Reqnroll records it.
        scenario.ScenarioContainer.RegisterInstanceAs<IReportRedactor>(lab);

        var target = await lab.DescriptorAsync();
        if (target.Unavailable() is { } unavailable)
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Target '{target.Name}': {unavailable}.");
        }

        foreach (var capability in lab.Declared)
        {
            if (target.WhyNot(capability) is { } reason)
            {
                throw Xunit.Sdk.SkipException.ForSkip($"Target '{target.Name}' lacks {Capabilities.Name(capability)} (@{Capabilities.Tag(capability)}): {reason}.");
            }
        }

        if (lab.Declared.Contains(Capability.Browser))
        {
            DashboardDriver.SkipUnlessChromium();
        }
    }

    [AfterScenario(Order = 0)]
    public async Task AttachEvidence()
    {
        if (!lab.Started)
        {
            return;
        }

        var target = lab.Target;
        var title = scenario.ScenarioInfo.Title;
        if (await fleet.EvidenceAsync() is { } evidence)
        {
            // A fleet: one table row per board, and board 1's hops as the diagram and text (not hundreds of lifelines).
            output.AttachText("fleet.md", evidence.Table);
            output.AttachText("journal.svg", SequenceDiagram.RenderSvg(evidence.FirstBoard, title + " (board 1)", target.Secrets));
            output.AttachText("journal.txt", target.Journal.Render(target.Secrets, evidence.FirstBoard));
            if (scenario.TestError is not null)
            {
                output.WriteLine(evidence.Table);
            }

            return;
        }

        output.AttachText("journal.svg", SequenceDiagram.RenderSvg(target.Journal.Hops, title, target.Secrets));
        output.AttachText("journal.txt", target.Journal.Render(target.Secrets));
        output.AttachText("serial.txt", target.Secrets.Redact(string.Join(Environment.NewLine, target.Device.SerialLines.Select(l => $"{l.At:HH:mm:ss.fff} {CleanText.Line(l.Text)}"))));
        if (scenario.TestError is not null)
        {
            output.WriteLine(lab.JournalText());
        }
    }

    [AfterScenario("needs:browser", Order = 50)]
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

    /// <summary>The case's outcome for the run's sign-off summary (signoff.md), reasons redacted.</summary>
    [AfterScenario(Order = 90)]
    public async Task RecordForSignOff()
    {
        var evidence = scenario.ScenarioContainer.IsRegistered<KnownDefectEvidence>() ? scenario.ScenarioContainer.Resolve<KnownDefectEvidence>() : null;
        var (outcome, reason) = CaseRecord.Classify(scenario.ScenarioExecutionStatus, scenario.TestError, evidence);
        var info = scenario.ScenarioInfo;
        var arguments = info.Arguments.Count == 0
            ? ""
            : " [" + string.Join(", ", info.Arguments.Keys.Cast<object>().Select(k => $"{k}={info.Arguments[k]}")) + "]";
        var spec = lab.Spec;
        var board = $"{(spec.Fleet is { } fleetSpec ? $"fleet of {fleetSpec.Boards} × " : "")}{spec.Platform.Name}, {spec.Firmware.ToString().ToLowerInvariant()} sketch, Device OS {spec.DeviceOsVersion?.ToString() ?? "default"}";
        var run = await AcceptanceTestRun.CurrentAsync();
        run.SignOff.Add(new CaseRecord(
            feature.FeatureInfo.Title,
            info.Title + arguments,
            outcome,
            reason is null ? null : lab.Redact(reason),
            KnownDefects.DefectIds(info.CombinedTags),
            CaseRecord.ChoicesOf(info.CombinedTags),
            board));
    }

    [AfterScenario(Order = 100)]
    public ValueTask DisposeLab() => lab.DisposeAsync();
}
