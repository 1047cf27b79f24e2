using System.Text.Json;
using System.Text.RegularExpressions;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    /// <summary>How long the keep-alive probes listen to an idle stream (two keep-alives at ≈ 12 s fit).</summary>
    public static readonly TimeSpan KeepAliveListening = TimeSpan.FromSeconds(35);

    private static IEnumerable<Probe> ParticleEventStreams()
    {
        yield return new Probe
        {
            Id = "particle.events.prefix-required",
            Fact = "GET /v1/events without a prefix gets 400 {\"ok\":false,\"error\":\"event prefix filter is required\"}",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.3", 144, "prefix **required** since April 2018"),
            Alternatives = ["400 event prefix filter is required", "200 stream opened"],
            MockAnswer = _ => "400 event prefix filter is required",
            MaxRequests = 1,
            Run = async ctx =>
            {
                await using var stream = await ctx.ParticleStreamAsync("/v1/events");
                return stream.Status == 200
                    ? new Observation("200 stream opened", "GET /v1/events opened a stream")
                    : new Observation(ParticleError(new ProbeResponse(stream.Status, stream.ErrorBody)), I($"GET /v1/events: HTTP {stream.Status} {stream.ErrorBody}"));
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.ok-first",
            Fact = "An event stream starts with the comment line :ok",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.3", 157, "First line is the SSE comment `:ok`"),
            Alternatives = [":ok first", "another first line", "no first line in time"],
            MockAnswer = _ => ":ok first",
            MaxRequests = 1,
            Changes = "none (listens to a stream for a prefix no event has, closed at the end of the run)",
            Run = async ctx =>
            {
                var stream = await IdleStreamAsync(ctx);
                if (stream.Status != 200)
                {
                    return new Observation(I($"HTTP {stream.Status}"), stream.ErrorBody);
                }

                var wait = ctx.Patience(TimeSpan.FromSeconds(10));
                await stream.WaitForAsync(s => s.Lines.Count > 0, wait);
                var first = stream.Lines.FirstOrDefault();
                return first is null
                    ? new Observation("no first line in time", I($"the stream sent no line in {wait.TotalSeconds} s"))
                    : first.Text == ":ok"
                        ? new Observation(":ok first", I($"first line ':ok' after {ProbeRun.Seconds(first.At)} s"))
                        : new Observation("another first line", I($"first line '{ProbeResponse.Short(first.Text, 40)}'"));
            },
        };

        yield return new Probe
        {
            Id = "particle.publish.ok",
            Fact = "POST /v1/devices/events answers 200 {\"ok\":true}",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.4", 163, "Success `200 {\"ok\": true}`"),
            Alternatives = ["200 {\"ok\":true}", "200 other body"],
            MockAnswer = _ => "200 {\"ok\":true}",
            MaxRequests = 4,
            Changes = PublishChanges,
            Run = async ctx =>
            {
                var published = await ApiPublishAsync(ctx);
                var answer = published.Answer;
                var label = answer.Status != 200 ? ParticleError(answer)
                    : answer.Json() is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True
                        ? "200 {\"ok\":true}" : "200 other body";
                return new Observation(label, answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.event-format",
            Fact = "An event arrives as `event: <name>` + `data: {\"data\",\"ttl\",\"published_at\",\"coreid\"}`",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.3", 157, "then `event:` + `data:` + blank line per event"),
            AlsoCites = [C("§2.3", 158, "JSON fields: `data` (string)")],
            Alternatives = ["event: + data: {data, ttl, published_at, coreid}", "data lacks fields", "not delivered"],
            MockAnswer = _ => "event: + data: {data, ttl, published_at, coreid}",
            MaxRequests = 4,
            Changes = PublishChanges,
            Run = async ctx =>
            {
                var published = await ApiPublishAsync(ctx);
                if (published.Event is not { } evt)
                {
                    return new Observation("not delivered", published.Evidence);
                }

                string[] fields = ["data", "ttl", "published_at", "coreid"];
                var missing = evt.Data.ValueKind == JsonValueKind.Object ? fields.Where(f => !evt.Data.TryGetProperty(f, out _)).ToList() : [.. fields];
                return missing.Count == 0
                    ? new Observation("event: + data: {data, ttl, published_at, coreid}", published.Evidence)
                    : new Observation("data lacks fields", "missing " + string.Join(", ", missing) + "; " + published.Evidence);
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.published-at",
            Fact = "published_at is ISO 8601 UTC with milliseconds and Z",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.3", 158, "`published_at` (ISO 8601 UTC, ms, `Z`)"),
            Alternatives = ["ISO 8601 UTC with milliseconds and Z", "another format", "not delivered"],
            MockAnswer = _ => "ISO 8601 UTC with milliseconds and Z",
            MaxRequests = 4,
            Changes = PublishChanges,
            Run = async ctx =>
            {
                var published = await ApiPublishAsync(ctx);
                if (published.Event is not { } evt)
                {
                    return new Observation("not delivered", published.Evidence);
                }

                var at = Text(evt.Data, "published_at");
                return at is not null && IsoMillisZ().IsMatch(at)
                    ? new Observation("ISO 8601 UTC with milliseconds and Z", "published_at " + at)
                    : new Observation("another format", "published_at " + (at ?? "missing"));
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.ttl-type",
            Fact = "ttl is a JSON number (particle-api-js types it so; the API docs show \"60\")",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§2.3", 158, "`ttl` (docs show string `\"60\"`; PAJS types it `number`)"),
            Alternatives = ["number", "string", "absent", "not delivered"],
            MockAnswer = _ => "number",
            MaxRequests = 4,
            Changes = PublishChanges,
            Note = "No lab option: the mock always writes a number (docs/contract-choices.md \"SSE ttl\").",
            Run = async ctx =>
            {
                var published = await ApiPublishAsync(ctx);
                if (published.Event is not { } evt)
                {
                    return new Observation("not delivered", published.Evidence);
                }

                var label = evt.Data.ValueKind == JsonValueKind.Object && evt.Data.TryGetProperty("ttl", out var ttl)
                    ? ttl.ValueKind switch { JsonValueKind.Number => "number", JsonValueKind.String => "string", _ => ttl.ValueKind.ToString() }
                    : "absent";
                return new Observation(label, "ttl " + (evt.Data.ValueKind == JsonValueKind.Object && evt.Data.TryGetProperty("ttl", out var t) ? t.GetRawText() : "missing"));
            },
        };

        yield return new Probe
        {
            Id = "particle.publish.api-coreid",
            Fact = "The coreid of an event published through the API (the mock: \"api\")",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = new Citation("finding 5", 114, "Which `coreid` the real cloud gives events published through the API") { Document = "particle-clients.md" },
            AlsoCites = [C("§2.3", 158, "`coreid` (device id)")],
            Alternatives = ["\"api\"", "\"particle-internal\"", "a device id", "another value", "not delivered"],
            MockAnswer = m => CoreIdLabel(m.Particle.ApiPublishCoreId),
            MaxRequests = 4,
            Changes = PublishChanges,
            Run = async ctx =>
            {
                var published = await ApiPublishAsync(ctx);
                if (published.Event is not { } evt)
                {
                    return new Observation("not delivered", published.Evidence);
                }

                var coreId = Text(evt.Data, "coreid") ?? "";
                return new Observation(CoreIdLabel(coreId), "coreid " + (DeviceIdShape().IsMatch(coreId) ? "<a 24-hex device id>" : "'" + coreId + "'"))
                {
                    Settings = Settings(Set("particle.apiPublishCoreId", coreId)),
                };
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.hook-events-on-device-stream",
            Fact = "hook-sent/hook-response/hook-error do not appear on /v1/devices/:id/events (the mock: not shown)",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§3.4", 226, "but not in the device-specific event log"),
            Alternatives = ["not shown", "shown"],
            MockAnswer = m => m.Particle.HookEventsOnDeviceStream ? "shown" : "not shown",
            Needs = [Need.ParticleToken, Need.ParticleDevice, Need.Integration],
            MaxRequests = 2,
            Changes = SwitchesLedOff + "; the doc's Particle webhook writes that telemetry to Blynk",
            Run = async ctx =>
            {
                await using var stream = await ctx.ParticleStreamAsync($"/v1/devices/{ctx.DeviceId}/events");
                if (stream.Status != 200)
                {
                    return new Observation(I($"HTTP {stream.Status}"), stream.ErrorBody);
                }

                await stream.WaitForAsync(s => s.Lines.Count > 0, ctx.Patience(TimeSpan.FromSeconds(10)));
                var call = await ctx.CallAsync("blynk_led", "off");
                if (ProbeContext.ReturnValue(call) != 0)
                {
                    throw new ProbeSetupException("blynk_led \"off\" did not return 0: is the board online on the doc's firmware? " + call.Summary);
                }

                if (!await stream.WaitForAsync(s => s.Events.Any(e => e.Name == "blynk_https_get"), ctx.Patience(TimeSpan.FromSeconds(15))))
                {
                    throw new InvalidOperationException("the board did not republish blynk_https_get within 15 s of blynk_led \"off\"");
                }

                // The webhook's hook-sent comes within a second or two on the account's stream; give the device stream as long.
                await stream.WaitForAsync(s => s.Events.Any(e => e.Name.StartsWith("hook-", StringComparison.Ordinal)), ctx.Patience(TimeSpan.FromSeconds(10)));
                var hooks = stream.Events.Where(e => e.Name.StartsWith("hook-", StringComparison.Ordinal)).Select(e => e.Name).Distinct().ToList();
                var shown = hooks.Count > 0;
                return new Observation(shown ? "shown" : "not shown", shown ? "on the device stream: " + string.Join(", ", hooks) : "no hook-* event on the device stream within 10 s of the republish")
                {
                    Settings = Settings(Set("particle.hookEventsOnDeviceStream", shown)),
                };
            },
        };
    }

    /// <summary>Last in the run: the idle stream opened early has been listening meanwhile, so real runs wait no longer for it.</summary>
    private static IEnumerable<Probe> ParticleKeepAlive()
    {
        yield return new Probe
        {
            Id = "particle.sse.keepalive-comment",
            Fact = "An idle stream is kept alive with SSE comment lines",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.3", 159, "keep-alive lines are SSE comments"),
            Alternatives = ["comment lines", "no keep-alive within 35 s", "other lines"],
            MockAnswer = _ => "comment lines",
            MaxRequests = 1,
            Slow = true,
            Changes = "none (listens to an idle stream for up to 35 s)",
            Run = async ctx =>
            {
                var keepAlives = await KeepAlivesAsync(ctx);
                var stream = await IdleStreamAsync(ctx);
                var others = stream.Lines.Skip(1).Where(l => l.Text.Length > 0 && !l.IsComment).ToList();
                return others.Count > 0
                    ? new Observation("other lines", "e.g. '" + ProbeResponse.Short(others[0].Text, 40) + "'")
                    : keepAlives.Count == 0
                        ? new Observation("no keep-alive within 35 s", "only ':ok' in 35 s")
                        : new Observation("comment lines", I($"{keepAlives.Count} comment line(s): '{ProbeResponse.Short(keepAlives[0].Text, 20)}'"));
            },
        };

        yield return new Probe
        {
            Id = "particle.sse.keepalive-period",
            Fact = "The keep-alive period of an idle stream (the mock: every 10 s; particle-api-js gives up after 15 s of silence)",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§2.3", 159, "Exact keep-alive period UNCONFIRMED"),
            AlsoCites = [C("§9", 393, "exact SSE keep-alive period")],
            Alternatives = ["about N s (N = the period, rounded)", "no keep-alive within 35 s"],
            MockAnswer = m => I($"about {Math.Round(m.Particle.SseKeepAlive.TotalSeconds)} s"),
            MaxRequests = 1,
            Slow = true,
            Changes = "none (listens to an idle stream for up to 35 s)",
            Run = async ctx =>
            {
                var keepAlives = await KeepAlivesAsync(ctx);
                var stream = await IdleStreamAsync(ctx);
                if (keepAlives.Count == 0)
                {
                    return new Observation("no keep-alive within 35 s", "only ':ok' in 35 s");
                }

                // Steady state: between two keep-alives; with one, from the stream's first line.
                var start = keepAlives.Count >= 2 ? keepAlives[^2].At : stream.Lines[0].At;
                var period = keepAlives[^1].At - start;
                var seconds = Math.Max(1, Math.Round(period.TotalSeconds));
                return new Observation(I($"about {seconds} s"), I($"keep-alives at {string.Join(", ", keepAlives.Select(k => ProbeRun.Seconds(k.At) + " s"))} after opening"))
                {
                    Settings = Settings(Set("particle.sseKeepAlive", TimeSpan.FromSeconds(seconds).ToString("c"))),
                };
            },
        };

    }

    private const string PublishChanges =
        "publishes one private event \"contractprobe-<random>\" with data \"probe\" (no webhook of the integration listens to it)";

    private sealed record ApiPublished(ProbeResponse Answer, ParsedEvent? Event, string Evidence);

    private sealed record ParsedEvent(string Name, JsonElement Data);

    /// <summary>
    /// One API publish seen on the account's stream: /v1/devices/events/&lt;name&gt; first; if it does not come there, a second
    /// publish on /v1/events/&lt;name&gt; (which stream shows API publishes is itself UNCONFIRMED).
    /// </summary>
    private static Task<ApiPublished> ApiPublishAsync(ProbeContext ctx) => ctx.SharedAsync("api-publish", async c =>
    {
        var name = "contractprobe-" + ProbeContext.Nonce();
        ProbeResponse? answer = null;
        foreach (var path in (string[])[$"/v1/devices/events/{name}", $"/v1/events/{name}"])
        {
            await using var stream = await c.ParticleStreamAsync(path);
            if (stream.Status != 200)
            {
                continue;
            }

            await stream.WaitForAsync(s => s.Lines.Count > 0, c.Patience(TimeSpan.FromSeconds(10)));
            answer = await c.ParticleAsync(HttpMethod.Post, "/v1/devices/events",
                json: new Dictionary<string, object> { ["name"] = name, ["data"] = "probe", ["private"] = true });
            if (answer.Status != 200)
            {
                return new ApiPublished(answer, null, "publish refused: " + answer.Summary);
            }

            if (await stream.WaitForAsync(s => s.Events.Any(e => e.Name == name), c.Patience(TimeSpan.FromSeconds(10))))
            {
                var evt = stream.Events.First(e => e.Name == name);
                JsonElement data;
                try
                {
                    using var json = JsonDocument.Parse(evt.Data);
                    data = json.RootElement.Clone();
                }
                catch (JsonException)
                {
                    data = default;
                }

                return new ApiPublished(answer, new ParsedEvent(name, data), I($"delivered on {path.Replace(name, "<name>", StringComparison.Ordinal)}"));
            }
        }

        return new ApiPublished(answer ?? new ProbeResponse(0, ""), null, "the published event came on neither /v1/devices/events nor /v1/events within 10 s");
    });

    /// <summary>The run's idle stream (a prefix no event has), opened once and kept open until the run ends.</summary>
    private static Task<SseSession> IdleStreamAsync(ProbeContext ctx) =>
        ctx.SharedAsync("idle-stream", c => c.KeepOpenAsync(c.ParticleStreamAsync("/v1/devices/events/contractprobe-idle-" + ProbeContext.Nonce())));

    /// <summary>The keep-alive comments of the idle stream: waits until two came or <see cref="KeepAliveListening"/> passed since it opened.</summary>
    private static Task<IReadOnlyList<SseLine>> KeepAlivesAsync(ProbeContext ctx) => ctx.SharedAsync<IReadOnlyList<SseLine>>("keep-alives", async c =>
    {
        var stream = await IdleStreamAsync(c);
        static List<SseLine> Comments(SseSession s) => [.. s.Lines.Skip(1).Where(l => l.IsComment)];
        await stream.WaitForAsync(s => Comments(s).Count >= 2, KeepAliveListening - stream.Elapsed);
        return Comments(stream);
    });

    private static string CoreIdLabel(string coreId) =>
        coreId == "api" ? "\"api\""
        : coreId == "particle-internal" ? "\"particle-internal\""
        : DeviceIdShape().IsMatch(coreId) ? "a device id"
        : "'" + ProbeResponse.Short(coreId, 30) + "'";

    private static string? Text(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]
    private static partial Regex IsoMillisZ();

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex DeviceIdShape();
}
