using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    private const string Fires = "fires (the board echoed)";
    private const string DoesNotFire = "does not fire";
    private const string UnchangedValueFires = "blynk webhook fires on an unchanged value";
    private const string HttpWriteFires = "blynk webhook fires on an HTTPS-API write";
    private const string AtOnce = "at once (under 1 s)";

    private static IEnumerable<Probe> BlynkWebhooks()
    {
        yield return new Probe
        {
            Id = "blynk.webhook.fires-on-unchanged-value",
            Fact = "A write of the value V16 already holds fires no webhook (the mock: only a change does)",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§7", 358, "Trigger on same value / on HTTP-API writes | **UNCONFIRMED**"),
            AlsoCites = [C("§0", 53, "Potential feedback loop")],
            Alternatives = [DoesNotFire, Fires],
            MockAnswer = m => m.Blynk.HttpApiWriteFiresWebhook && m.Blynk.WebhookFiresOnUnchangedValue ? Fires : DoesNotFire,
            Needs = [Need.ParticleToken, Need.ParticleDevice, Need.BlynkToken, Need.Integration],
            MaxRequests = 40,
            Pause = TimeSpan.FromSeconds(1),
            Changes = "writes V16=0 while it is 0 (against real services after a 60 s pause, for the webhook quota); if it fires, the board gets \"0\" and republishes",
            Note = "Evidence is a republish (V6 moves). The board also publishes every 5 minutes: the probe avoids that window. If it fires, every republish fires it again (the loop of contracts.md §0, bounded by the quota) — the integration does so anyway.",
            Run = async ctx =>
            {
                await RequireSwitchOffAsync(ctx);
                if (ctx.Target.IsRealService)
                {
                    await Task.Delay(TimeSpan.FromSeconds(60), ctx.Cancellation); // the quota may be 1 per minute (contracts.md §7 L351)
                }

                var before = await AwayFromPeriodicPublishAsync(ctx);
                var write = await ctx.WritePinAsync("V16", "0");
                if (write.Status != 200)
                {
                    return new Observation(BlynkAnswer(write), "update?V16=0: " + write.Summary);
                }

                var after = await ctx.WaitForPinAsync("V6", v => v != before, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
                ctx.Remember(UnchangedValueFires, after != before);
                return after != before
                    ? new Observation(Fires, "update?V16=0 while 0, then the board republished (V6 moved)")
                    {
                        Settings = Settings(Set("blynk.behaviour.webhookFiresOnUnchangedValue", true)),
                    }
                    : new Observation(DoesNotFire, "update?V16=0 while 0, and no republish within 10 s (V6 unchanged)")
                    {
                        Settings = Settings(Set("blynk.behaviour.webhookFiresOnUnchangedValue", false)),
                    };
            },
        };

        yield return new Probe
        {
            Id = "blynk.webhook.fires-on-http-write",
            Fact = "A write of V16 through the device HTTPS API fires the V16 webhook (→ blynk_led → the LED echo on V17)",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§0", 55, "**UNCONFIRMED**; the docs only say the trigger is the datastream update"),
            AlsoCites = [C("§7", 358, "Trigger on same value / on HTTP-API writes"), C("§9", 389, "Whether an HTTP-API write to V16 fires")],
            Alternatives = [Fires, DoesNotFire],
            MockAnswer = m => m.Blynk.HttpApiWriteFiresWebhook ? Fires : DoesNotFire,
            Needs = [Need.ParticleToken, Need.ParticleDevice, Need.BlynkToken, Need.Integration],
            MaxRequests = 42,
            Pause = TimeSpan.FromSeconds(1),
            Changes = "switches V16 on through the HTTPS API (the LED may light for a few seconds), then calls blynk_led \"off\": V16, V17 and the LED end at 0/off as they started",
            Run = async ctx =>
            {
                if (ctx.Recall(UnchangedValueFires) == true)
                {
                    // Switching V16 on now would start the publish → webhook → republish loop with the LED on.
                    return new Observation(Fires, "shown by blynk.webhook.fires-on-unchanged-value: an HTTPS-API write of V16 fired the webhook (V16 was not switched on: with the webhook firing on every write that would keep the LED looping on)")
                    {
                        Settings = Settings(Set("blynk.behaviour.httpApiWriteFiresWebhook", true)),
                    };
                }

                await RequireSwitchOffAsync(ctx);
                ctx.OnRestore(() => SwitchOffAsync(ctx));
                var write = await ctx.WritePinAsync("V16", "1");
                if (write.Status != 200)
                {
                    return new Observation(BlynkAnswer(write), "update?V16=1: " + write.Summary);
                }

                var echo = await ctx.WaitForPinAsync("V17", v => v == "1", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1));
                ctx.Remember(HttpWriteFires, echo == "1");
                return echo == "1"
                    ? new Observation(Fires, "update?V16=1, then V17 read 1: the webhook called blynk_led and the board echoed")
                    {
                        Settings = Settings(Set("blynk.behaviour.httpApiWriteFiresWebhook", true)),
                    }
                    : new Observation(DoesNotFire, "update?V16=1, and V17 still read " + echo + " 15 s later")
                    {
                        Settings = Settings(Set("blynk.behaviour.httpApiWriteFiresWebhook", false)),
                    };
            },
        };

        yield return new Probe
        {
            Id = "blynk.webhook.dispatch-delay",
            Fact = "How soon the V16 webhook goes out after the datastream changes (the mock: at once)",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§7", 355, "Status `OK` / `Waiting` / `Failed`"),
            AlsoCites = [C("§7", 341, "Triggers | Template Datastream Update; Device Datastream Update")],
            Alternatives = [AtOnce, "after about N s (N = the delay, rounded)"],
            MockAnswer = m => DispatchDelay(m.Blynk.WebhookDispatchDelay),
            Needs = [Need.ParticleToken, Need.ParticleDevice, Need.BlynkToken, Need.Integration],
            MaxRequests = 40,
            Pause = TimeSpan.FromSeconds(1),
            Changes = "calls blynk_led \"off\" while the LED is off (the board republishes the same state), then switches V16 on through the HTTPS API (the LED may light for a few seconds) and calls blynk_led \"off\": V16, V17 and the LED end at 0/off as they started",
            Note = "Timed on the board's event stream: Particle's own leg (function call → board → republish → stream) is timed first and taken off. On a cellular board that leg swings by a second or more; a delay under 1 s reads as \"at once\".",
            Run = async ctx =>
            {
                if (ctx.Recall(UnchangedValueFires) == true)
                {
                    throw new ProbeSetupException("the webhook fires on every write of V16 (blynk.webhook.fires-on-unchanged-value): switching V16 on would keep the LED looping on");
                }

                if (ctx.Recall(HttpWriteFires) == false)
                {
                    throw new ProbeSetupException("an HTTPS-API write of V16 fires no webhook (blynk.webhook.fires-on-http-write): nothing to time");
                }

                await RequireSwitchOffAsync(ctx);
                ctx.OnRestore(() => SwitchOffAsync(ctx));
                await using var stream = await ctx.ParticleStreamAsync($"/v1/devices/{ctx.DeviceId}/events/blynk_https_get");
                if (stream.Status != 200)
                {
                    throw new InvalidOperationException(I($"the board's event stream answered {stream.Status}: {stream.ErrorBody}"));
                }

                // Particle's own leg: blynk_led "off" while off → the board republishes v16 0 (unchanged on Blynk: no webhook). The
                // board publishes at most once a second: a call right after the last probe's restore would find its republish refused.
                await ctx.DelayAsync(TimeSpan.FromSeconds(1.5));
                var seen = stream.Events.Count;
                var called = stream.Elapsed;
                var call = await ctx.CallAsync("blynk_led", "off");
                if (ProbeContext.ReturnValue(call) != 0)
                {
                    throw new InvalidOperationException("blynk_led \"off\" did not return 0: " + call.Summary);
                }

                var particleLeg = await RepublishedAsync(ctx, stream, seen, "\"v16\":0") - called;

                // A pause for the board's 1-per-second publish limit and, on a real service, Blynk's webhook quota (1 a minute).
                await ctx.DelayAsync(ctx.Target.IsRealService ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(1.5));
                seen = stream.Events.Count;
                var written = stream.Elapsed;
                var write = await ctx.WritePinAsync("V16", "1");
                if (write.Status != 200)
                {
                    return new Observation(BlynkAnswer(write), "update?V16=1: " + write.Summary);
                }

                var whole = await RepublishedAsync(ctx, stream, seen, "\"v16\":1") - written;
                var delay = whole > particleLeg ? whole - particleLeg : TimeSpan.Zero; // less: the legs' jitter
                var answer = DispatchDelay(delay);
                return new Observation(answer, I($"blynk_led \"off\" → the board's republish on the stream after {particleLeg.TotalMilliseconds:0} ms; update?V16=1 → the republish with v16 1 after {whole.TotalMilliseconds:0} ms: Blynk's part ≈ {delay.TotalMilliseconds:0} ms"))
                {
                    Settings = Settings(Set("blynk.behaviour.webhookDispatchDelay", (answer == AtOnce ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Round(delay.TotalSeconds))).ToString("c", CultureInfo.InvariantCulture))),
                };
            },
        };
    }

    /// <summary>"at once (under 1 s)" for a delay under a second, otherwise "after about N s".</summary>
    private static string DispatchDelay(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1) ? AtOnce : I($"after about {Math.Round(delay.TotalSeconds)} s");

    /// <summary>When (on the stream's clock) the board's next blynk_https_get whose data contains <paramref name="state"/> arrived.</summary>
    private static async Task<TimeSpan> RepublishedAsync(ProbeContext ctx, SseSession stream, int seen, string state)
    {
        bool Matches(SseEvent e) => e.Name == "blynk_https_get" && EventData(e)?.Contains(state, StringComparison.Ordinal) == true;
        var patience = ctx.Patience(TimeSpan.FromSeconds(30));
        if (!await stream.WaitForAsync(s => s.Events.Skip(seen).Any(Matches), patience))
        {
            throw new InvalidOperationException(I($"no republish with {state} on the board's event stream within {ProbeRun.Seconds(patience)} s ({stream.Events.Count - seen} other events)"));
        }

        return stream.Events.Skip(seen).First(Matches).At;
    }

    /// <summary>The event's own data (an SSE event's data is the JSON envelope {"data":…,"ttl":…,"published_at":…,"coreid":…}).</summary>
    private static string? EventData(SseEvent e)
    {
        try
        {
            using var envelope = JsonDocument.Parse(e.Data);
            return Text(envelope.RootElement, "data");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The loop probes start from the switch off and the LED echo off — the state they leave behind.</summary>
    private static async Task RequireSwitchOffAsync(ProbeContext ctx)
    {
        var v16 = await ctx.ReadPinAsync("V16");
        var v17 = await ctx.ReadPinAsync("V17");
        if (v16 != "0" || v17 != "0")
        {
            throw new ProbeSetupException($"the switch is not off (V16={v16}, V17={v17}): switch V16 off (and let the LED echo 0) before the loop probes");
        }
    }

    /// <summary>blynk_led "off" (args, else arg: the restore must work whichever the cloud reads), then waits until the echo shows V16 = V17 = 0.</summary>
    private static async Task SwitchOffAsync(ProbeContext ctx)
    {
        var call = await ctx.CallAsync("blynk_led", "off");
        if (ProbeContext.ReturnValue(call) == -1)
        {
            call = await ctx.ParticleAsync(HttpMethod.Post, $"/v1/devices/{ctx.DeviceId}/blynk_led", form: [new("arg", "off")]);
        }

        if (ProbeContext.ReturnValue(call) != 0)
        {
            throw new InvalidOperationException("blynk_led \"off\" did not return 0: " + call.Summary);
        }

        var v17 = await ctx.WaitForPinAsync("V17", v => v == "0", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1));
        var v16 = await ctx.WaitForPinAsync("V16", v => v == "0", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        if (v16 != "0" || v17 != "0")
        {
            throw new InvalidOperationException($"after blynk_led \"off\" V16={v16}, V17={v17}: switch V16 off by hand");
        }
    }

    /// <summary>
    /// V6 holds the last publish's time (the doc's webhook writes PARTICLE_PUBLISHED_AT). Waits until V6 has stood still
    /// for a while (an echo chain of an earlier probe has settled) and, when the board's 5-minute publish falls due
    /// within the next 15 s, waits that out too — so a republish the probe then sees is the one it caused. Returns V6.
    /// </summary>
    private static async Task<string?> AwayFromPeriodicPublishAsync(ProbeContext ctx)
    {
        var quiet = ctx.Target.IsRealService ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(1);
        var poll = ctx.Target.IsRealService ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250);
        var giveUp = DateTime.UtcNow + ctx.Patience(TimeSpan.FromSeconds(20)) + quiet;
        var v6 = await ctx.ReadPinAsync("V6");
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < quiet && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(poll, ctx.Cancellation);
            var now = await ctx.ReadPinAsync("V6");
            if (now != v6)
            {
                (v6, since) = (now, DateTime.UtcNow);
            }
        }

        if (DateTimeOffset.TryParse(v6, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var last))
        {
            var due = last + TimeSpan.FromMinutes(5) - DateTimeOffset.UtcNow;
            if (due > TimeSpan.FromSeconds(-5) && due < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(due + TimeSpan.FromSeconds(5), ctx.Cancellation);
                v6 = await ctx.ReadPinAsync("V6");
            }
        }

        return v6;
    }
}
