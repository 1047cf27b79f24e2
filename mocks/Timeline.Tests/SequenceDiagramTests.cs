using System.Xml.Linq;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Timeline.Tests;

public sealed class SequenceDiagramTests
{
    [Fact]
    public void Each_hop_becomes_one_arrow_between_the_lanes_of_its_leg_coloured_by_outcome()
    {
        // Given
        var clock = new HarnessClock();
        var journal = new Journal(clock.Time);
        journal.Record(Leg.L1, "device", "Particle Cloud", "publish blynk_https_get", "{\"t\":\"<&>\"}", HopOutcome.Delivered);
        journal.Record(Leg.L2, "webhook blynk_particle", "ny3.blynk.cloud", "GET /external/api/batch/update", "token=x", HopOutcome.Rejected, "400 Invalid token.");
        journal.Record(Leg.L3, "Blynk Cloud", "datastreams", "store V14", "V14=1000", HopOutcome.Delivered);

        // When
        var svg = SequenceDiagram.RenderSvg(journal.Hops, "Boot publish");

        // Then
        var doc = XDocument.Parse(svg); // well-formed: payload text is escaped
        XNamespace ns = "http://www.w3.org/2000/svg";
        var arrows = doc.Descendants(ns + "g").ToList();
        arrows.Should().HaveCount(3);
        arrows[0].Element(ns + "line")!.Attribute("stroke")!.Value.Should().Be("#1b7f3b");
        arrows[1].Element(ns + "line")!.Attribute("stroke")!.Value.Should().Be("#c62828");
        arrows[2].Element(ns + "path").Should().NotBeNull("L3 happens inside the Blynk Cloud: a self-arrow");
        arrows[0].Value.Should().Contain("{\"t\":\"<&>\"}");
        svg.Should().Contain("00:00:00.000 L2 GET /external/api/batch/update [7 B] Rejected");
    }

    [Fact]
    public void An_empty_journal_still_renders_a_valid_diagram_saying_so()
    {
        // When
        var svg = SequenceDiagram.RenderSvg([], "nothing happened");

        // Then
        XDocument.Parse(svg).Root!.Name.LocalName.Should().Be("svg");
        svg.Should().Contain("no hops recorded");
    }
}
