using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;

namespace ParticleBlynk.LoopHost.Control;

/// <summary>The control API's operations: sessions, time, boards, the serial tty, the journal stream.</summary>
public sealed partial class LabControlServer
{
    /// <summary>How long a reset keeps the board's USB serial away (a real board re-enumerates in about this long).</summary>
    private static readonly TimeSpan ResetReenumeration = TimeSpan.FromMilliseconds(500);

    private async Task<IResult> CreateSessionAsync(HttpRequest request)
    {
        var create = await BodyAsync<CreateSessionRequest>(request).ConfigureAwait(false);
        var host = await LoopHost.StartAsync(
            LabConfiguration.ForScenario(create.Spec ?? throw new ControlException(400, "A session needs a \"spec\" (the scenario's lab).")),
            new LoopHostOptions { VirtualTime = create.VirtualTime, Log = _log }).ConfigureAwait(false);
        var session = _sessions.Add(host, create.Spec);
        return Results.Json(Describe(session), WireJson.Options, statusCode: 201);
    }

    private async Task<IResult> AdvanceAsync(string id, HttpRequest request)
    {
        var advance = await BodyAsync<AdvanceRequest>(request).ConfigureAwait(false);
        var session = Session(id);
        if ((advance.By is null) == (advance.Until is null))
        {
            throw new ControlException(400, "Give either \"by\" (a time span) or \"until\" (\"change\" or \"flows\") with a \"limit\".");
        }

        if (advance.Until == "flows" && advance.AwaitFlows is not { Count: > 0 })
        {
            throw new ControlException(400, "\"until\": \"flows\" waits for the flows named in \"awaitFlows\": give at least one.");
        }

        if (advance.By is { } span && span < TimeSpan.Zero || advance.Limit is { } l && l < TimeSpan.Zero)
        {
            throw new ControlException(400, "Time only moves forward: \"by\" and \"limit\" must not be negative.");
        }

        return await session.ExclusiveAsync(async () =>
        {
            var host = session.Host;
            var clock = host.Clock ?? throw new ControlException(409, $"Session {id} runs on real time: start the lab with --virtual-time (or create the session with \"virtualTime\": true).");
            foreach (var flow in advance.AwaitFlows ?? [])
            {
                await host.Services.Work.WhenArrivedAsync(flow, ArrivalWatchdog).ConfigureAwait(false);
            }

            var stamp = host.ChangeStamp;
            var limit = advance.Limit ?? DefaultLimit;
            switch (advance.By, advance.Until)
            {
                case ({ } by, _):
                    await clock.AdvanceAsync(by).ConfigureAwait(false);
                    break;
                case (_, "change"):
                    await clock.AdvanceUntilAsync(() => host.ChangeStamp != stamp, limit).ConfigureAwait(false);
                    break;
                case (_, "flows"):
                    var flows = advance.AwaitFlows ?? [];
                    await clock.AdvanceUntilAsync(() => flows.All(f => !host.Services.Work.IsLive(f)), limit).ConfigureAwait(false);
                    break;
                default:
                    throw new ControlException(400, $"\"until\" is \"change\" or \"flows\", not \"{advance.Until}\".");
            }

            return Results.Json(TimeOf(session, host.ChangeStamp != stamp), WireJson.Options);
        }).ConfigureAwait(false);
    }

    private async Task<IResult> OnBoardAsync<T>(string id, string board, Func<LabBoard, T> operation)
    {
        var session = Session(id);
        var host = session.Host;
        var target = host.Boards.FirstOrDefault(b => b.Id == board) ?? throw new ControlException(404, $"Session {id} has no board {board}.");
        var result = await session.ExclusiveAsync(() => host.OnBoardsAsync(() => operation(target))).ConfigureAwait(false);
        return Results.Json(result, WireJson.Options);
    }

    /// <summary>RESET: a power cycle now; a board behind a tty re-enumerates, so its serial port goes away for a moment.</summary>
    private Task<IResult> ResetAsync(string id, string board) => OnBoardAsync(id, board, b =>
    {
        if (b.Serial is { } pty)
        {
            // The host's open fd dies with the old USB device: the rebooted firmware's waitFor(Serial.isConnected)
            // waits until a host opens the new port (the scheduler notes that), as on Device OS.
            pty.Unplug();
            b.Device.SetSerialHostAttached(false);
            _ = ReplugAfterAsync(pty, ResetReenumeration);
        }

        b.Device.ResetAsync().GetAwaiter().GetResult(); // synchronous in the emulator
        return Describe(b);
    });

    /// <summary>The board's USB serial goes away (a pulled cable) and comes back after the requested time; the board runs on.</summary>
    private async Task<IResult> UnplugAsync(string id, string board, HttpRequest request)
    {
        var unplug = await BodyAsync<UnplugRequest>(request).ConfigureAwait(false);
        if (unplug.For <= TimeSpan.Zero || unplug.For > TimeSpan.FromMinutes(10))
        {
            throw new ControlException(400, "\"for\" is how long the port stays away: more than 0 and at most 00:10:00.");
        }

        return await OnBoardAsync(id, board, b =>
        {
            var pty = b.Serial ?? throw new ControlException(409, $"Board {b.Id} has no serial tty (give it \"serialPty\" in the lab file).");
            pty.Unplug();
            _ = ReplugAfterAsync(pty, unplug.For);
            return Describe(b);
        }).ConfigureAwait(false);
    }

    // Wall time: a tty coming back is a real-time thing, whatever the session's clock.
    private static async Task ReplugAfterAsync(SerialBridge.PseudoTerminal pty, TimeSpan after)
    {
        await Task.Delay(after).ConfigureAwait(false);
        pty.Replug();
    }

    /// <summary>The journal as JSON lines: every hop so far, then each one as it is recorded or completed, until the reader leaves or the session stops.</summary>
    private async Task StreamJournalAsync(string id, HttpContext context)
    {
        var session = Session(id);
        var journal = session.Host.Journal;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Stopping);
        var hops = Channel.CreateUnbounded<Hop>(new UnboundedChannelOptions { SingleReader = true });
        void OnHop(Hop hop) => hops.Writer.TryWrite(hop);
        journal.HopRecorded += OnHop;
        try
        {
            context.Response.ContentType = "application/x-ndjson";
            foreach (var hop in journal.Hops)
            {
                await context.Response.WriteAsync(WireJson.Serialize(hop) + "\n", reading.Token).ConfigureAwait(false);
            }

            await context.Response.Body.FlushAsync(reading.Token).ConfigureAwait(false);
            await foreach (var hop in hops.Reader.ReadAllAsync(reading.Token).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(WireJson.Serialize(hop) + "\n", reading.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(reading.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The reader went away, or the session was deleted (the stream then ends).
        }
        finally
        {
            journal.HopRecorded -= OnHop;
        }
    }
}
