using System.Globalization;
using System.Security;
using System.Text;

namespace ParticleBlynk.Loop;

/// <summary>
/// Renders a journal as an SVG sequence diagram: one lifeline per party of the loop (device, Particle Cloud,
/// Blynk Cloud), one arrow per hop in recorded order, coloured by outcome, dashed when not delivered, dotted when
/// inferred. Drawn by our own code: no network, no script, so it embeds in the report as it is. Tokens are redacted.
/// </summary>
public static class SequenceDiagram
{
    private const int LaneWidth = 300;
    private const int Margin = 40;
    private const int HeaderHeight = 50;
    private const int RowHeight = 34;
    private static readonly string[] Lanes = ["Device", "Particle Cloud", "Blynk Cloud"];

    /// <summary>The SVG document for <paramref name="hops"/>.</summary>
    public static string RenderSvg(IReadOnlyList<Hop> hops, string title, Secrets? secrets = null)
    {
        var width = LaneX(Lanes.Length - 1) + 640; // room for the label of a self-arrow on the last lane (90 characters)
        var height = HeaderHeight + (RowHeight * (hops.Count + 1)) + Margin;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, monospace" font-size="11">""")
            .AppendLine()
            .Append(CultureInfo.InvariantCulture, $"""<title>{Escape(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>""")
            .AppendLine()
            .AppendLine("""<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>""");

        for (var lane = 0; lane < Lanes.Length; lane++)
        {
            var x = LaneX(lane);
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x - 60}" y="10" width="120" height="26" rx="4" fill="#eef2f7" stroke="#5b6b82"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<text x="{x}" y="27" text-anchor="middle" font-weight="bold">{Lanes[lane]}</text>""")
                .Append(CultureInfo.InvariantCulture, $"""<line x1="{x}" y1="36" x2="{x}" y2="{height - Margin / 2}" stroke="#9aa7b8" stroke-dasharray="4 4"/>""")
                .AppendLine();
        }

        for (var row = 0; row < hops.Count; row++)
        {
            AppendHop(svg, hops[row], HeaderHeight + (RowHeight * (row + 1)), secrets);
        }

        if (hops.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Margin}" y="{HeaderHeight + RowHeight}">no hops recorded</text>""");
        }

        return svg.AppendLine("</svg>").ToString();
    }

    private static void AppendHop(StringBuilder svg, Hop hop, int y, Secrets? secrets)
    {
        hop = JournalText.Clean(hop); // a sender's text is one escaped line: XML 1.0 has no place for most control characters
        var (from, to) = Ends(hop.Leg);
        var colour = Colour(hop.Outcome);
        var dashed = hop.Inferred ? """ stroke-dasharray="2 3" """ : hop.Outcome is HopOutcome.Delivered ? "" : """ stroke-dasharray="6 3" """;
        var leg = hop.Leg == Leg.None ? "--" : hop.Leg.ToString();
        var label = Redact(secrets, string.Create(CultureInfo.InvariantCulture, $"{hop.At:HH:mm:ss.fff} {leg} {hop.Correlation} {hop.Action} [{hop.Bytes} B] {hop.Outcome}{(hop.Inferred ? " (inferred)" : "")}"));
        var tooltip = Redact(secrets, string.Create(CultureInfo.InvariantCulture, $"{hop.Source} -> {hop.Target}\n{hop.Payload}\n{hop.Reason}"));
        svg.Append("<g>").Append(CultureInfo.InvariantCulture, $"<title>{Escape(tooltip)}</title>");
        if (from == to)
        {
            var x = LaneX(from);
            svg.Append(CultureInfo.InvariantCulture, $"""<path d="M {x} {y - 8} h 30 v 12 h -30" fill="none" stroke="{colour}" stroke-width="1.5"{dashed} marker-end="url(#arrow)"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<text x="{x + 36}" y="{y}" fill="{colour}">{Escape(Shorten(label))}</text>""");
        }
        else
        {
            var x1 = LaneX(from);
            var x2 = LaneX(to);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="1.5"{dashed} marker-end="url(#arrow)"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<text x="{Math.Min(x1, x2) + 6}" y="{y - 5}" fill="{colour}">{Escape(Shorten(label))}</text>""");
        }

        svg.AppendLine("</g>");
    }

    private static (int From, int To) Ends(Leg leg) => leg switch
    {
        Leg.L1 or Leg.L6 => (0, 1),
        Leg.L2 => (1, 2),
        Leg.L3 => (2, 2),
        Leg.L4 => (2, 1),
        Leg.L5 => (1, 0),
        _ => (0, 0),
    };

    private static string Colour(HopOutcome outcome) => outcome switch
    {
        HopOutcome.Delivered => "#1b7f3b",
        HopOutcome.Rejected => "#c62828",
        HopOutcome.Failed => "#b71c1c",
        HopOutcome.RateLimited => "#e65100",
        HopOutcome.DroppedByQuota => "#6d6d6d",
        HopOutcome.Throttled => "#6a1b9a",
        HopOutcome.TimedOut => "#ad1457",
        _ => "#000000",
    };

    private static string Redact(Secrets? secrets, string text) => secrets?.Redact(text) ?? text;

    private static int LaneX(int lane) => Margin + 60 + (lane * LaneWidth);

    private static string Shorten(string text) => text.Length <= 90 ? text : string.Concat(text.AsSpan(0, 87), "...");

    private static string Escape(string? text) => SecurityElement.Escape(text ?? string.Empty);
}
