using System.Text.Json;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.ParticleCloud;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    /// <summary>The event the render webhook listens to; its query writes V6 = "[{{n}}|{{v}}]" on the device's region.</summary>
    public const string RenderEvent = "contractprobe_render";

    /// <summary>The event the region webhook listens to; the same query, sent to a region that is not the device's.</summary>
    public const string RegionEvent = "contractprobe_region";

    private const string RendersIntoV6 =
        "publishes one private event that the probe webhook renders into Blynk V6; V6 is written back as it was";

    /// <summary>The probe webhooks' integration JSON (docs/contract-probes.md; the probe lab registers the same).</summary>
    public static string ProbeWebhookJson(string eventName, string blynkHost, string blynkToken) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["name"] = eventName,
        ["event"] = eventName,
        ["url"] = $"https://{blynkHost}/external/api/update",
        ["requestType"] = "GET",
        ["noDefaults"] = true,
        ["rejectUnauthorized"] = true,
        ["query"] = new Dictionary<string, string> { ["token"] = blynkToken, ["V6"] = "[{{n}}|{{v}}]" },
    });

    private static IEnumerable<Probe> ParticleWebhooks()
    {
        yield return new Probe
        {
            Id = "particle.webhook.number-rendering",
            Fact = "{{v}} of a JSON number 3.141590 renders as JavaScript prints it (3.14159), not verbatim",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§3.2", 197, "Whether `3.141590` is re-rendered as `3.14159`"),
            AlsoCites = [C("§9", 393, "Mustache rendering of JSON numbers")],
            Alternatives = ["JavaScript (3.14159)", "verbatim (3.141590)"],
            MockAnswer = m => m.Particle.NumberRendering == JsonNumberRendering.Verbatim ? "verbatim (3.141590)" : "JavaScript (3.14159)",
            Needs = [Need.ParticleToken, Need.BlynkToken, Need.RenderWebhook],
            MaxRequests = 16,
            Pause = TimeSpan.FromSeconds(1),
            Changes = RendersIntoV6,
            Run = async ctx =>
            {
                var rendered = await RenderAsync(ctx, RenderEvent, """{"n":"NONCE","v":3.141590}""");
                return rendered switch
                {
                    "3.14159" => new Observation("JavaScript (3.14159)", "V6 got '3.14159'") { Settings = Settings(Set("particle.numberRendering", "JavaScript")) },
                    "3.141590" => new Observation("verbatim (3.141590)", "V6 got '3.141590'") { Settings = Settings(Set("particle.numberRendering", "Verbatim")) },
                    _ => new Observation("'" + rendered + "'", "V6 got '" + rendered + "'"),
                };
            },
        };

        yield return new Probe
        {
            Id = "particle.webhook.html-escaping",
            Fact = "{{v}} HTML-escapes & < > \" ' (the webhook reference's set), not mustache.js's larger set",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§3.2", 194, "`{{x}}` HTML-escapes `& < > \" '`"),
            Alternatives = ["the docs' set (a&amp;b/c=d)", "mustache.js's set (a&amp;b&#x2F;c&#x3D;d)", "none (a&b/c=d)"],
            MockAnswer = m => m.Particle.Escaping == HtmlEscaping.MustacheJs ? "mustache.js's set (a&amp;b&#x2F;c&#x3D;d)" : "the docs' set (a&amp;b/c=d)",
            Needs = [Need.ParticleToken, Need.BlynkToken, Need.RenderWebhook],
            MaxRequests = 16,
            Pause = TimeSpan.FromSeconds(1),
            Changes = RendersIntoV6,
            Note = "The escaped set is documented; which renderer Particle runs is not (docs/contract-choices.md).",
            Run = async ctx =>
            {
                var rendered = await RenderAsync(ctx, RenderEvent, """{"n":"NONCE","v":"a&b/c=d"}""");
                return rendered switch
                {
                    "a&amp;b/c=d" => new Observation("the docs' set (a&amp;b/c=d)", "V6 got '" + rendered + "'") { Settings = Settings(Set("particle.escaping", "ParticleDocs")) },
                    "a&amp;b&#x2F;c&#x3D;d" => new Observation("mustache.js's set (a&amp;b&#x2F;c&#x3D;d)", "V6 got '" + rendered + "'") { Settings = Settings(Set("particle.escaping", "MustacheJs")) },
                    "a&b/c=d" => new Observation("none (a&b/c=d)", "V6 got '" + rendered + "'"),
                    _ => new Observation("'" + rendered + "'", "V6 got '" + rendered + "'"),
                };
            },
        };

        yield return new Probe
        {
            Id = "particle.webhook.missing-key",
            Fact = "{{v}} of a key the event data lacks renders as an empty string",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§3.2", 196, "Missing key → empty string"),
            Alternatives = ["empty string", "another text"],
            MockAnswer = _ => "empty string",
            Needs = [Need.ParticleToken, Need.BlynkToken, Need.RenderWebhook],
            MaxRequests = 16,
            Pause = TimeSpan.FromSeconds(1),
            Changes = RendersIntoV6,
            Note = "No lab option: the mock's renderer always gives an empty string.",
            Run = async ctx =>
            {
                var rendered = await RenderAsync(ctx, RenderEvent, """{"n":"NONCE"}""");
                return rendered.Length == 0
                    ? new Observation("empty string", "V6 got '[<nonce>|]'")
                    : new Observation("'" + rendered + "'", "V6 got '[<nonce>|" + rendered + "]'");
            },
        };

        yield return new Probe
        {
            Id = "particle.webhook.follows-308",
            Fact = "Particle's webhook does not follow Blynk's 308 to the right region: the delivery is a hook-error",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§5.3", 309, "Whether Particle's webhook client follows a 308 is **UNCONFIRMED**"),
            AlsoCites = [C("§9", 392, "Whether Particle's webhook client follows Blynk's 308")],
            Alternatives = ["not followed (hook-error 308)", "followed (V6 written)", "no effect seen"],
            MockAnswer = _ => "not followed (hook-error 308)",
            Needs = [Need.ParticleToken, Need.BlynkToken, Need.RegionWebhook],
            MaxRequests = 20,
            Pause = TimeSpan.FromSeconds(1),
            Changes = "publishes one private event that the region webhook sends to the wrong Blynk region (one delivery error in the webhook's log); V6 is written back if it changed",
            Note = "No lab option: the mock's webhook never follows a redirect (docs/contract-choices.md).",
            Run = async ctx =>
            {
                await ctx.KeepPinAsync("V6");
                var nonce = ProbeContext.Nonce();
                await using var errors = await ctx.ParticleStreamAsync("/v1/events/hook-error/" + RegionEvent);
                await errors.WaitForAsync(s => s.Lines.Count > 0, ctx.Patience(TimeSpan.FromSeconds(10)));
                var published = await PublishProbeEventAsync(ctx, RegionEvent, """{"n":"NONCE","v":"region"}""".Replace("NONCE", nonce, StringComparison.Ordinal));
                var deadline = DateTime.UtcNow + ctx.Patience(TimeSpan.FromSeconds(12));
                while (DateTime.UtcNow < deadline)
                {
                    if (errors.Events.FirstOrDefault(e => e.Name.StartsWith("hook-error/" + RegionEvent, StringComparison.Ordinal)) is { } error)
                    {
                        var data = Text(ParseObject(error.Data), "data") ?? error.Data;
                        return data.Contains("308", StringComparison.Ordinal)
                            ? new Observation("not followed (hook-error 308)", "hook-error: " + data)
                            : new Observation("not followed (hook-error: " + ProbeResponse.Short(data, 60) + ")", "hook-error: " + data);
                    }

                    if ((await ctx.ReadPinAsync("V6"))?.StartsWith("[" + nonce + "|", StringComparison.Ordinal) == true)
                    {
                        return new Observation("followed (V6 written)", "V6 got the marker: the 308 was followed to the device's region");
                    }

                    await Task.Delay(ctx.Target.IsRealService ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250), ctx.Cancellation);
                }

                return new Observation("no effect seen", "neither a hook-error nor V6 within 12 s of the publish (" + published.Summary + ")");
            },
        };
    }

    /// <summary>
    /// Publishes <paramref name="eventName"/> with <paramref name="dataWithNonce"/> (NONCE replaced), waits for V6 to show
    /// "[nonce|…]" and returns what stands between | and ]. V6 is written back afterwards.
    /// </summary>
    private static async Task<string> RenderAsync(ProbeContext ctx, string eventName, string dataWithNonce)
    {
        await ctx.KeepPinAsync("V6");
        var nonce = ProbeContext.Nonce();
        var published = await PublishProbeEventAsync(ctx, eventName, dataWithNonce.Replace("NONCE", nonce, StringComparison.Ordinal));
        if (published.Status != 200)
        {
            throw new InvalidOperationException("publishing " + eventName + " was refused: " + published.Summary);
        }

        var marker = "[" + nonce + "|";
        var value = await ctx.WaitForPinAsync("V6", v => v?.StartsWith(marker, StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        if (value?.StartsWith(marker, StringComparison.Ordinal) != true || !value.EndsWith(']'))
        {
            throw new InvalidOperationException($"V6 did not show the probe's marker within 10 s: is the webhook {eventName} set up (docs/contract-probes.md)?");
        }

        return value[marker.Length..^1];
    }

    private static Task<ProbeResponse> PublishProbeEventAsync(ProbeContext ctx, string eventName, string data) =>
        ctx.ParticleAsync(HttpMethod.Post, "/v1/devices/events", json: new Dictionary<string, object> { ["name"] = eventName, ["data"] = data, ["private"] = true });

    private static JsonElement ParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
