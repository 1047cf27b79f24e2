using System.Text.Json;
using System.Text.RegularExpressions;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    private static IEnumerable<Probe> BlynkReads()
    {
        yield return new Probe
        {
            Id = "blynk.auth.invalid-token",
            Fact = "An unknown token gets 400 {\"error\":{\"message\":\"Invalid token.\"}}",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 276, "`{\"error\":{\"message\":\"Invalid token.\"}}`"),
            Alternatives = ["400 error \"Invalid token.\"", "400 text \"Invalid token.\""],
            MockAnswer = _ => "400 error \"Invalid token.\"",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("get", [("V14", null)], token: UnknownBlynkToken());
                return new Observation(BlynkAnswer(answer), "get with an unknown token: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.get.single-pin",
            Fact = "get of one pin answers 200 with the value as plain text",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 278, "200, value as text"),
            Alternatives = ["200 the value as text", "200 JSON"],
            MockAnswer = _ => "200 the value as text",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("get", [("V14", null)]);
                var label = answer.Status != 200 ? BlynkAnswer(answer)
                    : IntegerText().IsMatch(answer.Body) ? "200 the value as text"
                    : answer.Json().ValueKind is JsonValueKind.Object or JsonValueKind.Array ? "200 JSON" : I($"200 text '{ProbeResponse.Short(answer.Body, 30)}'");
                return new Observation(label, "get?V14: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.get.multi-pin",
            Fact = "get of two pins answers a JSON object keyed by pin (the mock: {\"v14\":…,\"v15\":…})",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§5.1", 278, "multi-pin JSON UNCONFIRMED"),
            Alternatives = ["JSON object keyed v14, v15", "another shape"],
            MockAnswer = _ => "JSON object keyed v14, v15",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Note = "No lab option: the mock answers as getAll types values.",
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("get", [("V14", null), ("V15", null)]);
                if (answer.Status != 200)
                {
                    return new Observation(BlynkAnswer(answer), answer.Summary);
                }

                var json = answer.Json();
                var label = json.ValueKind == JsonValueKind.Object
                    ? "JSON object keyed " + string.Join(", ", json.EnumerateObject().Select(p => p.Name))
                    : json.ValueKind == JsonValueKind.Array ? "JSON array" : I($"text '{ProbeResponse.Short(answer.Body, 30)}'");
                return new Observation(label, "get?V14&V15: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.get.pin-case",
            Fact = "A pin may be written v14 as well as V14",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 285, "accept both cases"),
            Alternatives = ["v14 reads as V14", "v14 refused"],
            MockAnswer = _ => "v14 reads as V14",
            Needs = [Need.BlynkToken],
            MaxRequests = 2,
            Run = async ctx =>
            {
                var upper = await ctx.BlynkAsync("get", [("V14", null)]);
                var lower = await ctx.BlynkAsync("get", [("v14", null)]);
                return lower.Status == 200 && upper.Status == 200 && lower.Body == upper.Body
                    ? new Observation("v14 reads as V14", "both answered " + lower.Summary)
                    : new Observation(lower.Status == 200 ? "v14 reads another value" : "v14 refused", "V14: " + upper.Summary + "; v14: " + lower.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.get.wrong-pin-format",
            Fact = "get of a parameter that is no pin gets 400 \"Wrong pin format.\"",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 278, "`Wrong pin format.`"),
            Alternatives = ["400 error \"Wrong pin format.\""],
            MockAnswer = _ => "400 error \"Wrong pin format.\"",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("get", [("X1", null)]);
                return new Observation(BlynkAnswer(answer), "get?X1: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.getall.object",
            Fact = "getAll answers a JSON object keyed v<pin>",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 279, "`getAll` | `token` | 200 JSON"),
            Alternatives = ["JSON object keyed v<pin>", "another shape"],
            MockAnswer = _ => "JSON object keyed v<pin>",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("getAll", []);
                var json = answer.Json();
                var label = answer.Status != 200 ? BlynkAnswer(answer)
                    : json.ValueKind == JsonValueKind.Object && json.EnumerateObject().All(p => LowerPin().IsMatch(p.Name)) ? "JSON object keyed v<pin>"
                    : json.ValueKind == JsonValueKind.Object ? "JSON object keyed " + string.Join(", ", json.EnumerateObject().Select(p => p.Name).Take(5))
                    : "another shape";
                return new Observation(label, I($"getAll: HTTP {answer.Status}, {json.ValueKind} with {(json.ValueKind == JsonValueKind.Object ? json.EnumerateObject().Count() : 0)} pins"));
            },
        };

        yield return new Probe
        {
            Id = "blynk.hardware-connected.text",
            Fact = "isHardwareConnected answers 200 with true or false as text",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 280, "`isHardwareConnected` | `token` | 200 body `true` / `false`"),
            Alternatives = ["200 true/false as text", "another body"],
            MockAnswer = _ => "200 true/false as text",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("isHardwareConnected", []);
                var label = answer.Status == 200 && answer.Body.Trim() is "true" or "false" ? "200 true/false as text" : BlynkAnswer(answer);
                return new Observation(label, answer.Summary);
            },
        };
    }

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^v\d+$")]
    private static partial Regex LowerPin();
}
