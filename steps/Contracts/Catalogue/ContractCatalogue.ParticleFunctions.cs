using System.Text.Json;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    /// <summary>What the doc's firmware does with an argument it does not know: returns -1, changes nothing (contracts.md §0 L43).</summary>
    private const string Harmless = "probe";

    private const string NoSuchFunction = "contractprobe_nofn";

    private const string SwitchesLedOff =
        "calls blynk_led \"off\": the LED ends off; the board republishes, so Blynk's V6 and V14…V17 get fresh telemetry (V16/V17 read 0)";

    private static IEnumerable<Probe> ParticleFunctionCalls()
    {
        yield return new Probe
        {
            Id = "particle.function.unknown-function",
            Fact = "A function the device does not expose gets 404 {\"ok\":false,\"error\":\"Function <name> not found\"}",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 134, "Function not found | PCLI maps HTTP **404**"),
            Alternatives = ["404 Function <name> not found", "400 …", "404 …"],
            MockAnswer = _ => "404 Function <name> not found",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = "none (the function does not exist)",
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync(NoSuchFunction, Harmless);
                return new Observation(ParticleError(answer, NoSuchFunction), $"POST …/{NoSuchFunction}: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.unknown-device-id",
            Fact = "A call to a device id the account does not have gets 403 Permission Denied",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 135, "Device not owned / unknown ID"),
            Alternatives = ["403 Permission Denied", "404 …"],
            MockAnswer = _ => "403 Permission Denied",
            MaxRequests = 1,
            Changes = "none (no device has this id)",
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync("blynk_led", Harmless, device: "000000000000000000000000");
                return new Observation(ParticleError(answer), "POST /v1/devices/000000000000000000000000/blynk_led: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.unknown-device-name",
            Fact = "A call to a device name the account does not have: the mock answers 403 Permission Denied (particle-cli's e2e saw 404)",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§2.2", 134, "e2e: unknown device name → same 404 message"),
            AlsoCites = [C("§2.2", 135, "\"Permission Denied\" (403 per P-API \"Sneaky Pete\" example)")],
            Alternatives = ["403 Permission Denied", "404 Function <name> not found", "404 …"],
            MockAnswer = _ => "403 Permission Denied",
            MaxRequests = 1,
            Changes = "none (no device has this name)",
            Note = "contracts.md gives 404 for an unknown name (L134) and 403 for an unknown id (L135); the mock answers 403 for both.",
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync("blynk_led", Harmless, device: "contractprobe-no-such-device");
                return new Observation(ParticleError(answer, "blynk_led"), "POST /v1/devices/contractprobe-no-such-device/blynk_led: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.arg-form",
            Fact = "The argument is read from the documented parameter `arg` (form body)",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 128, "docs: `arg` (\"Function argument\""),
            Alternatives = ["arg read (return_value 0)", "arg ignored (return_value -1)"],
            MockAnswer = _ => "arg read (return_value 0)",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = SwitchesLedOff,
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Post, $"/v1/devices/{ctx.DeviceId}/blynk_led", form: [new("arg", "off")]);
                return new Observation(ArgumentLabel("arg", answer), "POST …/blynk_led form arg=off: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.args-json",
            Fact = "The argument is read from `args` in a JSON body (what particle-api-js and Blynk's webhook send)",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 128, "official JS client sends `args`"),
            AlsoCites = [C("§7", 362, "body `{\"args\":\"1\"}` or `{\"args\":\"0\"}`")],
            Alternatives = ["args read (return_value 0)", "args ignored (return_value -1)"],
            MockAnswer = _ => "args read (return_value 0)",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = SwitchesLedOff,
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync("blynk_led", "off");
                return new Observation(ArgumentLabel("args", answer), "POST …/blynk_led {\"args\":\"off\"}: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.success-shape",
            Fact = "A call answers 200 {id, name, connected, return_value}, also when the firmware returns -1",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 131, "fields id, name, connected, return_value (Number)"),
            AlsoCites = [C("§2.2", 132, "any int returned by firmware; still HTTP 200")],
            Alternatives = ["200 {id, name, connected, return_value: -1}", "200 missing fields"],
            MockAnswer = _ => "200 {id, name, connected, return_value: -1}",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = "calls blynk_led with \"probe\": the doc's firmware returns -1 and changes nothing",
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync("blynk_led", Harmless);
                if (answer.Status != 200 || answer.Json() is not { ValueKind: JsonValueKind.Object } body)
                {
                    return new Observation(ParticleError(answer), answer.Summary);
                }

                string[] fields = ["id", "name", "connected", "return_value"];
                var missing = fields.Where(f => !body.TryGetProperty(f, out _)).ToList();
                var label = missing.Count > 0 ? "200 missing fields"
                    : ProbeContext.ReturnValue(answer) == -1 ? "200 {id, name, connected, return_value: -1}"
                    : I($"200 return_value {ProbeContext.ReturnValue(answer)}");
                return new Observation(label, missing.Count > 0 ? "missing " + string.Join(", ", missing) : answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.format-raw",
            Fact = "format=raw answers the bare return value",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 129, "Optional `format=raw` | response body is just the integer"),
            Alternatives = ["the bare integer", "JSON body"],
            MockAnswer = _ => "the bare integer",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = "calls blynk_led with \"probe\": the doc's firmware returns -1 and changes nothing",
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Post, $"/v1/devices/{ctx.DeviceId}/blynk_led",
                    json: new Dictionary<string, string> { ["args"] = Harmless, ["format"] = "raw" });
                var label = answer.Status != 200 ? ParticleError(answer)
                    : answer.Body.Trim() == "-1" ? "the bare integer"
                    : answer.Json().ValueKind == JsonValueKind.Object ? "JSON body" : I($"body '{ProbeResponse.Short(answer.Body, 40)}'");
                return new Observation(label, answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.function.argument-too-long",
            Fact = "An argument over the platform limit (1024 on Device OS ≥ 3) is refused: the mock answers 400 {\"ok\":false,\"error\":\"Argument too long\"}",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§1.1", 68, "| Function argument | 63 | 622 | 864 / 1024 | 1024 |"),
            Alternatives = ["400 Argument too long", "another status or error", "200 (passed on)"],
            MockAnswer = m => MockError(m.Particle.FunctionCalls.ArgumentTooLongStatus, m.Particle.FunctionCalls.ArgumentTooLongBody),
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = "calls blynk_led with 1100 'x': refused, or passed to the firmware, which returns -1 and changes nothing",
            Note = "The limit is documented (P-FW); the answer is not (docs/contract-choices.md).",
            Run = async ctx =>
            {
                var answer = await ctx.CallAsync("blynk_led", new string('x', 1100));
                if (answer.Status == 200)
                {
                    return new Observation(I($"200 (passed on, return_value {ProbeContext.ReturnValue(answer)})"), answer.Summary);
                }

                return new Observation(ParticleError(answer), answer.Summary)
                {
                    Settings = Settings(Set("particle.functionCalls.argumentTooLongStatus", answer.Status), Set("particle.functionCalls.argumentTooLongBody", answer.Body)),
                };
            },
        };

        yield return new Probe
        {
            Id = "particle.function.offline-device",
            Fact = "A call to an offline device: the mock answers 400 {\"ok\":false,\"error\":\"Timed out.\"} (what Blynk's guide saw)",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§2.2", 133, "Blynk's guide observed **400 Bad Request**"),
            AlsoCites = [C("§9", 391, "Particle function-call error for an offline device")],
            Alternatives = ["400 Timed out.", "404 …", "408 …"],
            MockAnswer = m => MockError(m.Particle.FunctionCalls.OfflineStatus, m.Particle.FunctionCalls.OfflineBody),
            Needs = [Need.ParticleToken, Need.ParticleOfflineDevice],
            MaxRequests = 2,
            Changes = "calls blynk_led with \"probe\" on the offline device (the firmware would return -1 and change nothing); may wait for the cloud's timeout (≤ 60 s)",
            Run = async ctx =>
            {
                var device = ctx.Target.ParticleOfflineDeviceId!;
                var state = await ctx.ParticleAsync(HttpMethod.Get, $"/v1/devices/{device}");
                if (state.Json() is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("online", out var online) && online.ValueKind == JsonValueKind.True)
                {
                    throw new ProbeSetupException("the 'offline' device is online now: unplug it (or name an offline device) and run again");
                }

                var answer = await ctx.CallAsync("blynk_led", Harmless, device, TimeSpan.FromSeconds(60));
                if (answer.Status == 200)
                {
                    return new Observation("200 (the device answered)", answer.Summary);
                }

                return new Observation(ParticleError(answer), answer.Summary)
                {
                    Settings = Settings(Set("particle.functionCalls.offlineStatus", answer.Status), Set("particle.functionCalls.offlineBody", answer.Body)),
                };
            },
        };
    }

    private static string ArgumentLabel(string parameter, ProbeResponse answer) => ProbeContext.ReturnValue(answer) switch
    {
        0 => parameter + " read (return_value 0)",
        -1 => parameter + " ignored (return_value -1)",
        { } other => I($"{parameter}: return_value {other}"),
        null => ParticleError(answer),
    };
}
