using System.Text.Json.Nodes;

namespace ParticleBlynk.Contracts.Labs;

/// <summary>
/// One change of the probe lab's file for the mutation self-test: an UNCONFIRMED choice flipped to its other documented
/// alternative through the mocks' own options, or (IsMutation) a documented fact broken through the test-only
/// <c>mutations</c> option. At least one probe must report drift for it.
/// </summary>
public sealed record LabFlip(string Name, string Change, Action<JsonObject> Apply)
{
    /// <summary>The probes expected to catch it (slow probes run in the self-test only for the flips they concern).</summary>
    public IReadOnlyList<string> Concerns { get; init; } = [];

    public bool IsMutation { get; init; }

    /// <summary>The flipped lab file.</summary>
    public JsonObject On(JsonObject baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var copy = baseline.DeepClone().AsObject();
        Apply(copy);
        return copy;
    }
}

/// <summary>Every flip of the self-test: each lab option behind a probed choice, and a few deliberately broken facts.</summary>
public static class LabFlips
{
    public static IReadOnlyList<LabFlip> All { get; } =
    [
        Particle("numberRendering", "Verbatim", "particle.webhook.number-rendering"),
        Particle("escaping", "MustacheJs", "particle.webhook.html-escaping"),
        new("particle.functionCalls.offline = 404", "a call to an offline device answers 404 (P-API's generic table) instead of 400 Timed out.",
            lab => Section(lab, "particle")["functionCalls"] = new JsonObject { ["offlineStatus"] = 404, ["offlineBody"] = """{"ok":false,"error":"Device is not connected"}""" })
        {
            Concerns = ["particle.function.offline-device"],
        },
        new("particle.functionCalls.argumentTooLongStatus = 413", "an argument over the limit answers 413",
            lab => Section(lab, "particle")["functionCalls"] = new JsonObject { ["argumentTooLongStatus"] = 413 })
        {
            Concerns = ["particle.function.argument-too-long"],
        },
        Particle("apiPublishCoreId", "0123456789abcdef01234567", "particle.publish.api-coreid"),
        Particle("hookEventsOnDeviceStream", true, "particle.sse.hook-events-on-device-stream"),
        Particle("sseKeepAlive", "00:00:03", "particle.sse.keepalive-period"),
        Blynk("batchWithBadPin", "ApplyValidPins", "blynk.batch.bad-pin"),
        Blynk("integerOverflow", "Clamp", "blynk.integer.overflow"),
        Blynk("acceptIntegralDoubleForInteger", true, "blynk.integer.integral-double"),
        Blynk("stringOverLimit", "Reject", "blynk.string.over-limit"),
        Blynk("httpApiWriteFiresWebhook", false, "blynk.webhook.fires-on-http-write"),
        Blynk("webhookFiresOnUnchangedValue", true, "blynk.webhook.fires-on-unchanged-value"),
        Blynk("webhookDispatchDelay", "00:00:02", "blynk.webhook.dispatch-delay"),
        Blynk("geoDnsRegion", "fra1.blynk.cloud", "blynk.region.geodns"),
        new("blynk.templates[0].logWhenDeviceReportsAnyData = true", "the Blueprint template logs when the device reports any data: Online after a write",
            lab => ((JsonArray)Section(Section(lab, "blynk"), "templates", array: true))[0]!["logWhenDeviceReportsAnyData"] = true)
        {
            Concerns = ["blynk.hardware-connected.http-only"],
        },
        Mutation("particle", "InvalidTokenWithoutErrorCode", "a 401 without invalid_token", "particle.auth.invalid-token"),
        Mutation("particle", "EventStreamWithoutOk", "event streams without the leading :ok", "particle.sse.ok-first"),
        Mutation("particle", "IgnoreArgsParameter", "function calls ignore args (only arg is read)", "particle.function.args-json"),
        Mutation("blynk", "RedirectWithoutLocation", "the wrong-region 308 without Location", "blynk.region.wrong-region"),
        Mutation("blynk", "InvalidTokenAsPlainText", "\"Invalid token.\" as plain text", "blynk.auth.invalid-token"),
    ];

    public static LabFlip ByName(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException($"No flip '{name}'.");

    private static LabFlip Particle(string key, JsonNode value, string probe) =>
        new($"particle.{key} = {value.ToJsonString()}", $"the Particle mock's {key} set to {value.ToJsonString()}", lab => Section(lab, "particle")[key] = value.DeepClone())
        {
            Concerns = [probe],
        };

    private static LabFlip Blynk(string key, JsonNode value, string probe) =>
        new($"blynk.behaviour.{key} = {value.ToJsonString()}", $"the Blynk mock's behaviour.{key} set to {value.ToJsonString()}",
            lab => Section(Section(lab, "blynk"), "behaviour")[key] = value.DeepClone())
        {
            Concerns = [probe],
        };

    private static LabFlip Mutation(string mock, string mutation, string change, string probe) =>
        new($"{mock}.mutations = [{mutation}]", "TEST-ONLY mutation: " + change,
            lab => Section(lab, mock)["mutations"] = new JsonArray(mutation))
        {
            Concerns = [probe],
            IsMutation = true,
        };

    private static JsonNode Section(JsonNode parent, string key, bool array = false)
    {
        if (parent[key] is { } existing)
        {
            return existing;
        }

        JsonNode created = array ? new JsonArray() : new JsonObject();
        parent[key] = created;
        return created;
    }
}
