using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Timeline;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>Evidence for the report: each scenario's journal (sequence diagram + text) and serial transcript.</summary>
[Binding]
public sealed class Hooks(LabDriver lab, ScenarioContext scenario, IReqnrollOutputHelper output)
{
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

    [AfterScenario(Order = 100)]
    public ValueTask DisposeLab() => lab.DisposeAsync();
}
