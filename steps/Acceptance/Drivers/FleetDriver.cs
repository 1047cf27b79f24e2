using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// A fleet of boards in the scenario's lab (<see cref="Capability.Fleet"/>): configures it, powers it on, and reads it
/// back per board — publishes, the clouds' outcomes, each board's own Blynk device and LED. Scenario-scoped, over
/// <see cref="LabDriver"/> (the same lab, clock and journal; board 1 is the lab's own board).
/// </summary>
public sealed class FleetDriver(LabDriver lab)
{
    /// <summary>A fleet of <paramref name="boards"/> boards of <paramref name="platform"/> on the lab's firmware.</summary>
    public void Configure(int boards, ParticleBlynk.Device.Platform platform)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(boards, 1);
        lab.Configure(spec => spec with { Platform = platform, Fleet = new FleetSpec { Boards = boards } }, Capability.Fleet, $"A fleet of {boards} boards");
    }

    /// <summary>The first <paramref name="boards"/> boards carry a token no Blynk device has (flashing what the doc did not say takes device control).</summary>
    public void Misflash(int boards) =>
        lab.Configure(spec => spec with { Fleet = Spec(spec) with { MisflashedBoards = boards } }, Capability.DeviceControl, "Flashing boards with a token Blynk does not know");

    /// <summary>Board n gets power (n - 1) × <paramref name="apart"/> after board 1.</summary>
    public void StaggerPowerOn(TimeSpan apart) =>
        lab.Configure(spec => spec with { Fleet = Spec(spec) with { PowerOnStagger = apart } }, Capability.DeviceControl, "Choosing when each board gets power");

    public IFleetSide Fleet => lab.Target.Fleet
        ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{lab.Target.Descriptor.Name}' runs one board, not a fleet.");

    public IReadOnlyList<FleetBoard> Boards => Fleet.Boards;

    /// <summary>Every board gets power at this instant.</summary>
    public async Task PowerOnAsync()
    {
        var target = await lab.StartAsync();
        lab.MarkPoweredOn(target.Time.Now);
        await Fleet.PowerOnAllAsync();
    }

    /// <summary>Every board gets power at this instant, then <paramref name="span"/> passes.</summary>
    public async Task PowerOnAndPassAsync(TimeSpan span)
    {
        await PowerOnAsync();
        await lab.PassAsync(span);
    }

    /// <summary>The numbers of the boards among <paramref name="boards"/> whose Blynk device's <paramref name="pin"/> does not satisfy <paramref name="holds"/>.</summary>
    public async Task<IReadOnlyList<int>> BoardsWhosePinFailsAsync(IEnumerable<FleetBoard> boards, string pin, Func<string?, bool> holds)
    {
        var failing = new List<int>();
        foreach (var board in boards)
        {
            if (!holds((await Fleet.ReadAsync(board, pin)).Value))
            {
                failing.Add(board.Number);
            }
        }

        return failing;
    }

    /// <summary>Boards <paramref name="from"/> to <paramref name="to"/> (1-based, inclusive).</summary>
    public IReadOnlyList<FleetBoard> Range(int from, int to) =>
        from >= 1 && to <= Boards.Count && from <= to
            ? [.. Boards.Skip(from - 1).Take(to - from + 1)]
            : throw new ArgumentOutOfRangeException(nameof(to), $"The fleet has boards 1 to {Boards.Count}, not {from} to {to}.");

    public FleetBoard Board(int number) => Range(number, number)[0];

    /// <summary>The app switches <paramref name="pin"/> of each board's Blynk device, all at this instant, then what they cause settles.</summary>
    public async Task SwitchFromAppAsync(IEnumerable<FleetBoard> boards, string pin, string value)
    {
        foreach (var board in boards)
        {
            await Fleet.SwitchFromAppAsync(board, pin, value);
        }
    }

    /// <summary>The journal per board, with each board's V14 on its own Blynk device and its LED (where the scenario reads LEDs).</summary>
    public async Task<IReadOnlyList<FleetBoardSummary>> SummaryAsync()
    {
        lab.Require(Capability.CloudInternals, "The fleet's per-board outcomes inside the clouds");
        var leds = lab.Declared.Contains(Capability.LedReadback);
        return await ReadBackAsync(Fleet, FleetSummary.Summarise(Boards, lab.Journal.Hops, LabDriver.PublishEvent), leds);
    }

    /// <summary>The summary rows of boards <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<FleetBoardSummary>> SummaryAsync(int from, int to)
    {
        var numbers = Range(from, to).Select(b => b.Number).ToHashSet();
        return [.. (await SummaryAsync()).Where(r => numbers.Contains(r.Board.Number))];
    }

    private static async Task<IReadOnlyList<FleetBoardSummary>> ReadBackAsync(IFleetSide side, IReadOnlyList<FleetBoardSummary> rows, bool leds)
    {
        var read = new List<FleetBoardSummary>(rows.Count);
        foreach (var row in rows)
        {
            read.Add(row with { LastV14 = (await side.ReadAsync(row.Board, "V14")).Value, LedOn = leds ? await side.UserLedOnAsync(row.Board) : null });
        }

        return read;
    }

    /// <summary>The per-board table, for failure messages and the report (tokens redacted).</summary>
    public async Task<string> SummaryTextAsync() => FleetSummary.Render(await SummaryAsync(), lab.Secrets);

    /// <summary>The fleet's evidence for the report: the per-board table, board 1's journal as text and diagram (null: not a fleet).</summary>
    public async Task<(string Table, IReadOnlyList<Hop> FirstBoard)?> EvidenceAsync()
    {
        if (!lab.Started || lab.Target.Fleet is not { } side)
        {
            return null;
        }

        var first = side.Boards[0].DeviceId;
        var rows = await ReadBackAsync(side, FleetSummary.Summarise(side.Boards, lab.Journal.Hops, LabDriver.PublishEvent), lab.Declared.Contains(Capability.LedReadback));
        IReadOnlyList<Hop> firstHops = [.. lab.Journal.Hops.Where(h => h.DeviceId == first || (h.Kind == HopKind.BlynkWebhook && FleetSummary.DeviceOfFunctionUrl(h.Http?.Path) == first))];
        return (FleetSummary.Render(rows, lab.Secrets), firstHops);
    }

    /// <summary>The board's last publish of the doc's event as the Particle Cloud received it.</summary>
    public CloudEvent LastPublish(FleetBoard board) =>
        lab.Target.Particle.Events.LastOrDefault(e => e.Name == LabDriver.PublishEvent && e.CoreId == board.DeviceId)
        ?? throw new InvalidOperationException($"Board {board.Number} ({board.DeviceId}) never published.");

    /// <summary>
    /// Where each board's last publish does not match its own Blynk device: V14, V15, V16 and V17 as published (numbers
    /// compared as numbers: the webhook renders 3.141590 as 3.14159) and V6 the publish's time (PARTICLE_PUBLISHED_AT).
    /// </summary>
    public async Task<IReadOnlyList<string>> MismatchesWithLastPublishAsync()
    {
        var lastByBoard = new Dictionary<string, CloudEvent>(StringComparer.Ordinal);
        foreach (var evt in lab.Target.Particle.Events.Where(e => e.Name == LabDriver.PublishEvent))
        {
            lastByBoard[evt.CoreId] = evt;
        }

        var mismatches = new List<string>();
        foreach (var board in Boards)
        {
            if (!lastByBoard.TryGetValue(board.DeviceId, out var publish))
            {
                mismatches.Add($"board {board.Number}: never published");
                continue;
            }

            using var json = JsonDocument.Parse(publish.Data);
            foreach (var pin in new[] { "V14", "V15", "V16", "V17" })
            {
                var published = json.RootElement.GetProperty(pin.ToLowerInvariant()).GetRawText();
                var stored = (await Fleet.ReadAsync(board, pin)).Value;
                if (!SameNumber(published, stored))
                {
                    mismatches.Add($"board {board.Number}: {pin} is {stored ?? "unset"}, its last publish carried {published}");
                }
            }

            var at = publish.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var v6 = (await Fleet.ReadAsync(board, "V6")).Value;
            if (v6 != at)
            {
                mismatches.Add($"board {board.Number}: V6 is {v6 ?? "unset"}, its last publish was at {at}");
            }
        }

        return mismatches;
    }

    private static bool SameNumber(string published, string? stored) =>
        stored is not null
        && double.TryParse(published, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
        && double.TryParse(stored, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
        && a == b;

    private static FleetSpec Spec(LabSpec spec) =>
        spec.Fleet ?? throw new InvalidOperationException("Say how big the fleet is first: \"Given a fleet of N … on the doc's firmware\".");
}
