using System.Globalization;
using System.Text;

namespace ParticleBlynk.Loop;

/// <summary>
/// One board's line of a fleet's journal: what it published and what became of it on both clouds, and where its own
/// Blynk device and LED ended up (read by the caller: the journal does not hold them).
/// </summary>
public sealed record FleetBoardSummary
{
    public required FleetBoard Board { get; init; }

    /// <summary>Publishes of the event that reached the Particle Cloud (the periodic ones and republishes).</summary>
    public int Publishes { get; init; }

    /// <summary>Publishes the device attempted that never reached the cloud (rate limiter, not connected, no ACK).</summary>
    public int Refused { get; init; }

    /// <summary>Particle webhook calls Blynk answered 2xx.</summary>
    public int Delivered { get; init; }

    /// <summary>Particle webhook calls that failed (4xx, 5xx, timeout, unreachable).</summary>
    public int Failed { get; init; }

    /// <summary>Particle webhook calls skipped because the target host was sleeping ("Sleeping, too many errors").</summary>
    public int Skipped { get; init; }

    /// <summary>Executions of the board's Blynk V16 webhook (sent).</summary>
    public int BlynkWebhooks { get; init; }

    /// <summary>Changes of V16 whose webhook the quota dropped.</summary>
    public int DroppedByQuota { get; init; }

    /// <summary>V14 on the board's Blynk device (null: never written).</summary>
    public string? LastV14 { get; init; }

    /// <summary>The D7 LED (null: the board has none).</summary>
    public bool? LedOn { get; init; }
}

/// <summary>A fleet's journal summarised per board (design.md §5 for a fleet: one table row per board, not a diagram per board).</summary>
public static class FleetSummary
{
    /// <summary>
    /// Counts, in one pass over <paramref name="hops"/>, each board's publishes of <paramref name="eventName"/>, the Particle
    /// webhook's outcomes for them and its Blynk webhook executions (matched by the Particle device id in their URL).
    /// </summary>
    public static IReadOnlyList<FleetBoardSummary> Summarise(IReadOnlyList<FleetBoard> boards, IEnumerable<Hop> hops, string eventName)
    {
        ArgumentNullException.ThrowIfNull(boards);
        ArgumentNullException.ThrowIfNull(hops);
        var counts = boards.ToDictionary(b => b.DeviceId, _ => new int[7], StringComparer.Ordinal);
        foreach (var hop in hops)
        {
            var device = hop.Kind == HopKind.BlynkWebhook ? DeviceOfFunctionUrl(hop.Http?.Path) : hop.DeviceId;
            if (device is null || !counts.TryGetValue(device, out var c))
            {
                continue;
            }

            switch (hop.Kind)
            {
                case HopKind.Publish or HopKind.Echo when hop.EventName == eventName:
                    c[0]++;
                    break;
                case HopKind.PublishRefused when hop.EventName == eventName:
                    c[1]++;
                    break;
                case HopKind.WebhookResponse when hop.EventName == eventName:
                    c[hop.Outcome switch { HopOutcome.Delivered => 2, HopOutcome.Throttled => 4, _ => 3 }]++;
                    break;
                case HopKind.BlynkWebhook:
                    c[hop.Outcome == HopOutcome.DroppedByQuota ? 6 : 5]++;
                    break;
            }
        }

        return [.. boards.Select(b =>
        {
            var c = counts[b.DeviceId];
            return new FleetBoardSummary
            {
                Board = b, Publishes = c[0], Refused = c[1], Delivered = c[2], Failed = c[3], Skipped = c[4], BlynkWebhooks = c[5], DroppedByQuota = c[6],
            };
        })];
    }

    /// <summary>The board a Blynk webhook calls: /v1/devices/{id}/{function}.</summary>
    public static string? DeviceOfFunctionUrl(string? path)
    {
        var parts = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 4 && parts[0] == "v1" && parts[1] == "devices" ? parts[2] : null;
    }

    /// <summary>
    /// The per-board table (Markdown), a totals line first; tokens redacted. Boards whose row equals the one above are
    /// still listed: a reviewer finds any board by its number.
    /// </summary>
    public static string Render(IReadOnlyList<FleetBoardSummary> rows, Secrets secrets)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(secrets);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Fleet of {rows.Count} boards: {rows.Sum(r => r.Publishes)} publishes, {rows.Sum(r => r.Refused)} refused on the device, ")
            .Append(CultureInfo.InvariantCulture, $"{rows.Sum(r => r.Delivered)} delivered to Blynk, {rows.Sum(r => r.Failed)} failed, {rows.Sum(r => r.Skipped)} skipped by Particle's throttling, ")
            .Append(CultureInfo.InvariantCulture, $"{rows.Sum(r => r.BlynkWebhooks)} Blynk webhook executions, {rows.Sum(r => r.DroppedByQuota)} dropped by the quota.")
            .AppendLine().AppendLine()
            .AppendLine("| board | device id | name | misflashed | publishes | refused | delivered | failed | skipped | Blynk webhooks | dropped by quota | last V14 | LED |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            var led = r.LedOn switch { true => "on", false => "off", null => "-" };
            text.Append(CultureInfo.InvariantCulture, $"| {r.Board.Number} | {r.Board.DeviceId} | {r.Board.Name} | {(r.Board.Misflashed ? "yes" : "no")} | {r.Publishes} | {r.Refused} | {r.Delivered} | {r.Failed} | {r.Skipped} | {r.BlynkWebhooks} | {r.DroppedByQuota} | {r.LastV14 ?? "-"} | {led} |")
                .AppendLine();
        }

        return secrets.Redact(text.ToString());
    }
}
