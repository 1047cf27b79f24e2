namespace ParticleBlynk.Contracts.Catalogue;

/// <summary>
/// One UNCONFIRMED mark of contracts.md (or one mock choice of docs/contract-choices.md): the probes that show the
/// real behaviour, or why none can.
/// </summary>
public sealed record CoveredFact(string Id, Citation Source, string Summary)
{
    public IReadOnlyList<string> Probes { get; init; } = [];

    /// <summary>Why no probe covers it (null when probes do).</summary>
    public string? NotProbed { get; init; }
}

/// <summary>
/// The index the drift report ends with: every line of contracts.md marked UNCONFIRMED (29) and every mock choice of
/// docs/contract-choices.md and mocks/BlynkCloud/README.md, each mapped to its probes or to the reason none can run.
/// A test keeps it complete: every UNCONFIRMED line of contracts.md has an entry, every probe id named here exists.
/// </summary>
public static class UnconfirmedFacts
{
    private const string Hardware = "a board fact: no cloud API shows it (the emulator's platform table carries the choice)";
    private const string Unsafe = "unsafe against a real account: it needs a webhook to fail on purpose";

    private static Citation C(string section, int line, string quote) => new(section, line, quote);

    /// <summary>Every line of contracts.md marked UNCONFIRMED, in file order.</summary>
    public static IReadOnlyList<CoveredFact> Unconfirmed { get; } =
    [
        new("U01", C("§0", 55, "**UNCONFIRMED**; the docs only say the trigger is the datastream update"), "an HTTP-API write to V16 fires the Blynk webhook") { Probes = ["blynk.webhook.fires-on-http-write"] },
        new("U02", C("§1.1", 75, ">15 UNCONFIRMED on the real cloud"), "more than 15 functions on the real cloud") { NotProbed = "needs a firmware that registers more than 15 functions" },
        new("U03", C("§1.4", 105, "Blynk's reaction (clamp to max vs 400"), "v14 above 2^31-1 after 24.8 days: clamp or 400") { Probes = ["blynk.integer.overflow"] },
        new("U04", C("§2.1", 121, "No formal spec found → format beyond that UNCONFIRMED"), "access-token format beyond 40 lowercase hex") { Probes = ["particle.token.format"] },
        new("U05", C("§2.2", 138, "Timeout duration for a function call | **UNCONFIRMED**"), "how long a function call waits for the device") { NotProbed = "needs a function that never returns; the doc's firmware answers at once (the offline probe shows the offline answer instead)" },
        new("U06", C("§2.3", 159, "Exact keep-alive period UNCONFIRMED"), "the SSE keep-alive period") { Probes = ["particle.sse.keepalive-period"] },
        new("U07", C("§3.2", 196, "Particle-specific confirmation UNCONFIRMED"), "a missing key renders as an empty string") { Probes = ["particle.webhook.missing-key"] },
        new("U08", C("§3.2", 197, "(JS number → string) is **UNCONFIRMED**"), "3.141590 renders as 3.14159") { Probes = ["particle.webhook.number-rendering"] },
        new("U09", C("§3.4", 226, "API behaviour UNCONFIRMED"), "hook-* events on the device-specific stream") { Probes = ["particle.sse.hook-events-on-device-stream"] },
        new("U10", C("§4", 249, "E Series also runs the Electron platform — UNCONFIRMED"), "E Series runs the Electron platform") { NotProbed = Hardware },
        new("U11", C("§4", 252, "| 14 | Xenon | 3 | UNCONFIRMED |"), "Xenon's D7 LED") { NotProbed = Hardware },
        new("U12", C("§4", 259, "| 28 | Tracker-M | 3 | UNCONFIRMED (assume no) |"), "Tracker-M's D7 LED") { NotProbed = Hardware },
        new("U13", C("§4", 261, "| 35 | M-SoM | 4 | UNCONFIRMED (assume no) |"), "M-SoM's D7 LED") { NotProbed = Hardware },
        new("U14", C("§4", 262, "| 37 / 38 | Electron 2 / Sulu | 3 / 4 | UNCONFIRMED |"), "Electron 2 / Sulu's D7 LED") { NotProbed = Hardware },
        new("U15", C("§5.1", 278, "multi-pin JSON UNCONFIRMED"), "get of several pins answers JSON") { Probes = ["blynk.get.multi-pin"] },
        new("U16", C("§5.1", 288, "Batch semantics when one pin fails (all-or-nothing vs partial): **UNCONFIRMED**"), "batch/update with one bad pin") { Probes = ["blynk.batch.bad-pin"] },
        new("U17", C("§5.2", 302, "HTTP 429 / rate-limit response body | **UNCONFIRMED**"), "Blynk's 429 body") { NotProbed = "needs more than 50 requests per second against the device: far over any probe budget" },
        new("U18", C("§5.3", 309, "Whether Particle's webhook client follows a 308 is **UNCONFIRMED**"), "Particle's webhook follows a 308") { Probes = ["particle.webhook.follows-308"] },
        new("U19", C("§5.3", 313, "Invalid-token casing/whitespace: no trimming documented — UNCONFIRMED"), "tokens are not trimmed") { Probes = ["blynk.token.whitespace"] },
        new("U20", C("§6", 332, "clamp vs type error **UNCONFIRMED**"), "Integer above 2^31-1: clamp or type error") { Probes = ["blynk.integer.overflow"] },
        new("U21", C("§6", 333, "exact behaviour UNCONFIRMED"), "\"1.0\" to an Integer datastream") { Probes = ["blynk.integer.integral-double"] },
        new("U22", C("§7", 347, "| Placeholders in URL / headers | UNCONFIRMED |"), "Blynk placeholders in a webhook's URL and headers") { NotProbed = "only the webhook's target sees the URL and headers; Particle's function call does not echo them back" },
        new("U23", C("§7", 354, "Auto-disable after N failures: **not documented → UNCONFIRMED**"), "a failing Blynk webhook is disabled after N failures") { NotProbed = Unsafe + " N times (it could disable the team's integration)" },
        new("U24", C("§7", 357, "Timeout, retries, what counts as failure (non-2xx?) | **UNCONFIRMED**"), "Blynk webhook timeout, retries, what fails") { NotProbed = Unsafe + " or answer slowly" },
        new("U25", C("§7", 358, "Trigger on same value / on HTTP-API writes | **UNCONFIRMED**"), "the webhook fires on an unchanged value / on HTTP-API writes") { Probes = ["blynk.webhook.fires-on-unchanged-value", "blynk.webhook.fires-on-http-write"] },
        new("U26", C("§8", 377, "\"Log when device reports any data\" is on — **UNCONFIRMED**"), "isHardwareConnected of an HTTP-only device") { Probes = ["blynk.hardware-connected.http-only"] },
        new("U27", C("§8", 381, "not on 400 errors (the latter UNCONFIRMED)"), "a refused write does not move \"Last Update\"") { NotProbed = "\"Last Update\" shows only in the console: no device API reads it" },
        new("U28", C("§9", 385, "## 9. Biggest unknowns (all UNCONFIRMED)"), "§9's eight unknowns (each also listed above)")
        {
            Probes = ["blynk.batch.bad-pin", "blynk.integer.overflow", "blynk.webhook.fires-on-http-write", "particle.function.offline-device", "particle.webhook.follows-308", "particle.webhook.number-rendering", "particle.sse.keepalive-period"],
            NotProbed = "item 4 (webhook timeout, retries, auto-disable) and item 8 (retry of throttled events) are unsafe against a real account",
        },
        new("U29", C("§10", 419, "board: UNCONFIRMED beyond this"), "the last Device OS version per board") { NotProbed = Hardware },
    ];

    /// <summary>
    /// Every choice the mocks make about contracts.md's facts (docs/contract-choices.md, mocks/BlynkCloud/README.md), its
    /// probes or why none. The bad-input answers added by issue 12 (body limits, malformed requests) are not probed yet.
    /// </summary>
    public static IReadOnlyList<CoveredFact> MockChoices { get; } =
    [
        new("M01", C("§3.2", 197, "Whether `3.141590` is re-rendered"), "Particle: JSON numbers in mustache (numberRendering)") { Probes = ["particle.webhook.number-rendering"] },
        new("M02", C("§3.2", 194, "`{{x}}` HTML-escapes"), "Particle: {{x}} escaping (escaping)") { Probes = ["particle.webhook.html-escaping"] },
        new("M03", C("§3.4", 222, "Retry of skipped events — **conflicting**"), "Particle: events skipped while a host is throttled (throttle.skippedEvents)") { NotProbed = "unsafe: throttling is per target host across every account — making blynk.cloud \"sleep\" would skip other teams' webhooks" },
        new("M04", C("§3.4", 221, "Adaptive throttling **per target hostname across all accounts**"), "Particle: the throttling window (throttle)") { NotProbed = "unsafe, as M03" },
        new("M05", C("§2.2", 133, "Blynk's guide observed **400 Bad Request**"), "Particle: a call to an offline device (functionCalls.offlineStatus/offlineBody)") { Probes = ["particle.function.offline-device"] },
        new("M06", C("§2.2", 138, "Timeout duration for a function call"), "Particle: the function-call timeout (functionCalls.timeout, timeoutStatus/Body)") { NotProbed = "needs a function that never returns" },
        new("M07", C("§1.1", 68, "| Function argument |"), "Particle: an argument over the platform limit (functionCalls.argumentTooLong…)") { Probes = ["particle.function.argument-too-long"] },
        new("M08", C("§2.3", 158, "`ttl` (docs show string `\"60\"`"), "Particle: SSE ttl is a number (no option)") { Probes = ["particle.sse.ttl-type"] },
        new("M09", new Citation("finding 5", 114, "Which `coreid` the real cloud gives events published through the API") { Document = "particle-clients.md" }, "Particle: coreid of API publishes (apiPublishCoreId)") { Probes = ["particle.publish.api-coreid"] },
        new("M10", C("§3.4", 226, "but not in the device-specific event log"), "Particle: hook-* events on /v1/devices/{id}/events (hookEventsOnDeviceStream)") { Probes = ["particle.sse.hook-events-on-device-stream"] },
        new("M11", C("§2.3", 159, "Exact keep-alive period UNCONFIRMED"), "Particle: SSE keep-alive period (sseKeepAlive)") { Probes = ["particle.sse.keepalive-period"] },
        new("M12", C("§5.3", 309, "Whether Particle's webhook client follows a 308"), "Particle: its webhook does not follow a 308 (no option)") { Probes = ["particle.webhook.follows-308"] },
        new("M13", C("§5.1", 288, "Batch semantics when one pin fails"), "Blynk: batch/update with one bad pin (behaviour.batchWithBadPin)") { Probes = ["blynk.batch.bad-pin"] },
        new("M14", C("§6", 332, "Integer value > 2^31-1"), "Blynk: Integer above 2^31-1 (behaviour.integerOverflow)") { Probes = ["blynk.integer.overflow"] },
        new("M15", C("§6", 333, "Non-integer string like `1.0` to Integer"), "Blynk: \"1.0\" to an Integer (behaviour.acceptIntegralDoubleForInteger)") { Probes = ["blynk.integer.integral-double"] },
        new("M16", C("§5.2", 299, "Max string value length | 1024 bytes"), "Blynk: a String over 1024 bytes (behaviour.stringOverLimit)") { Probes = ["blynk.string.over-limit"] },
        new("M17", C("§7", 358, "Trigger on same value / on HTTP-API writes"), "Blynk: an HTTP-API write fires the V16 webhook (behaviour.httpApiWriteFiresWebhook)") { Probes = ["blynk.webhook.fires-on-http-write"] },
        new("M18", C("§7", 358, "Trigger on same value / on HTTP-API writes"), "Blynk: an unchanged value fires no webhook (behaviour.webhookFiresOnUnchangedValue)") { Probes = ["blynk.webhook.fires-on-unchanged-value"] },
        new("M19", C("§7", 351, "**10 requests per minute per webhook**"), "Blynk: the webhook quota, 1/min (the doc) or 10/min (limits page) (quota)") { NotProbed = "documented (two dates), not UNCONFIRMED; measuring it needs many V16 switches in a minute" },
        new("M20", C("§7", 357, "Timeout, retries, what counts as failure"), "Blynk: webhook timeout 10 s, no retry (behaviour.webhookTimeout)") { NotProbed = "unsafe: needs a slow or failing webhook target" },
        new("M21", C("§8", 377, "`isHardwareConnected` for an HTTP-only device"), "Blynk: Offline for an HTTP-only device (templates[].logWhenDeviceReportsAnyData)") { Probes = ["blynk.hardware-connected.http-only"] },
        new("M22", C("§5.1", 278, "multi-pin JSON UNCONFIRMED"), "Blynk: get of several pins answers JSON keyed by pin (no option)") { Probes = ["blynk.get.multi-pin"] },
        new("M23", C("§8", 381, "not on 400 errors (the latter UNCONFIRMED)"), "Blynk: refused writes do not move Last Update (no option)") { NotProbed = "\"Last Update\" shows only in the console" },
        new("M24", C("§7", 346, "`{timestamp_unix}`"), "Blynk: {timestamp_unix} in milliseconds (no option)") { NotProbed = "only the webhook's target sees the rendered body; the doc's firmware ignores it" },
        new("M25", C("§7", 347, "| Placeholders in URL / headers | UNCONFIRMED |"), "Blynk: placeholders in URL and headers are not rendered (no option)") { NotProbed = "only the webhook's target sees them" },
        new("M26", C("§7", 354, "Failure handling"), "Blynk: the failure notification counts consecutive failures (failureNotificationThreshold)") { NotProbed = "the notification is an e-mail" },
        new("M27", C("§5.3", 308, "generic `blynk.cloud` uses GeoDNS"), "Blynk: blynk.cloud lands on the device's own region (behaviour.geoDnsRegion)") { Probes = ["blynk.region.geodns"] },
        new("M28", C("§5.3", 313, "no trimming documented"), "Blynk: tokens are matched exactly (no option)") { Probes = ["blynk.token.whitespace"] },
        new("M29", C("§2.2", 134, "e2e: unknown device name → same 404 message"), "Particle: an unknown device name gets 403 like an unknown id (no option)") { Probes = ["particle.function.unknown-device-name"] },
        new("M30", C("§7", 355, "Status `OK` / `Waiting` / `Failed`"), "Blynk: a webhook goes out at once after the datastream changes (behaviour.webhookDispatchDelay)") { Probes = ["blynk.webhook.dispatch-delay"] },
    ];
}
