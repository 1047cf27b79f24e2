using System.Text.Json;
using System.Text.RegularExpressions;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    private const string DevicesList = "GET /v1/devices (Bearer)";

    private static IEnumerable<Probe> ParticleAuthAndDevices()
    {
        yield return new Probe
        {
            Id = "particle.token.format",
            Fact = "An access token is 40 lowercase hex characters (what the mock accepts in a lab file)",
            Service = Service.Particle,
            Kind = ProbeKind.Choice,
            Source = C("§2.1", 121, "Token format: every doc example is 40 lowercase hex chars"),
            Alternatives = ["40 lowercase hex", "another shape"],
            MockAnswer = _ => "40 lowercase hex",
            MaxRequests = 0,
            Changes = "none (sends nothing: looks at the token given)",
            Run = ctx => Task.FromResult(TokenShape().IsMatch(ctx.ParticleToken)
                ? new Observation("40 lowercase hex", "the token given is 40 lowercase hex characters")
                : new Observation("another shape", I($"the token given is {ctx.ParticleToken.Length} characters, not 40 lowercase hex: the mock's lab file would refuse it"))),
        };

        yield return new Probe
        {
            Id = "particle.auth.invalid-token",
            Fact = "An invalid token gets 401 {\"error\":\"invalid_token\",\"error_description\":…}",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.2", 136, "Invalid/expired token | **401**"),
            AlsoCites = [C("§2.2", 137, "OAuth-style `{error, error_description}` for auth")],
            Alternatives = ["401 invalid_token", "401 without invalid_token"],
            MockAnswer = _ => "401 invalid_token",
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Get, "/v1/devices", token: UnknownParticleToken());
                var label = answer.Status != 401 ? ParticleError(answer)
                    : answer.JsonText("error") == "invalid_token" ? "401 invalid_token" : "401 without invalid_token";
                return new Observation(label, "GET /v1/devices with an unknown token: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.auth.bearer-header",
            Fact = "Authorization: Bearer <token> is accepted",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.1", 117, "Token transport: `Authorization: Bearer <token>` (always works)"),
            Alternatives = ["accepted", "refused (401)"],
            MockAnswer = _ => "accepted",
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ListDevicesAsync(ctx);
                return new Observation(Accepted(answer), DevicesList + ": " + ShortStatus(answer));
            },
        };

        yield return new Probe
        {
            Id = "particle.auth.query-token",
            Fact = "access_token in the query string (GET) is still accepted (deprecated)",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.1", 117, "**deprecated but accepted**: `access_token` in query string (GET)"),
            Alternatives = ["accepted", "refused (401)"],
            MockAnswer = _ => "accepted",
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Get, "/v1/devices", TokenIn.Query);
                return new Observation(Accepted(answer), "GET /v1/devices?access_token=…: " + ShortStatus(answer));
            },
        };

        yield return new Probe
        {
            Id = "particle.auth.form-token",
            Fact = "access_token in a form-encoded POST body is still accepted (deprecated)",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.1", 117, "or in form-encoded body (POST/PUT)"),
            Alternatives = ["accepted", "refused (401)"],
            MockAnswer = _ => "accepted",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Changes = "calls blynk_led with \"probe\": the doc's firmware returns -1 and changes nothing",
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Post, $"/v1/devices/{ctx.DeviceId}/blynk_led", TokenIn.Form, form: [new("arg", "probe")]);
                return new Observation(Accepted(answer), "POST …/blynk_led, form access_token=…&arg=probe: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "particle.devices.list-array",
            Fact = "GET /v1/devices answers a JSON array of device objects",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.5", 167, "`GET /v1/devices` → **JSON array** of device objects"),
            Alternatives = ["JSON array", "JSON object", "not JSON"],
            MockAnswer = _ => "JSON array",
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ListDevicesAsync(ctx);
                var label = answer.Status != 200 ? ParticleError(answer) : answer.Json().ValueKind switch
                {
                    JsonValueKind.Array => "JSON array",
                    JsonValueKind.Object => "JSON object",
                    _ => "not JSON",
                };
                return new Observation(label, DevicesList + ": " + ShortStatus(answer));
            },
        };

        yield return new Probe
        {
            Id = "particle.devices.get-fields",
            Fact = "GET /v1/devices/:id answers one object with id, name, online, connected, platform_id, product_id, functions, variables",
            Service = Service.Particle,
            Kind = ProbeKind.Fact,
            Source = C("§2.5", 170, "`GET /v1/devices/:deviceId` → single object"),
            AlsoCites = [C("§2.5", 168, "\"product_id\",\"online\",\"platform_id\"")],
            Alternatives = ["object with every field", "object missing fields"],
            MockAnswer = _ => "object with every field",
            Needs = [Need.ParticleToken, Need.ParticleDevice],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var answer = await ctx.ParticleAsync(HttpMethod.Get, $"/v1/devices/{ctx.DeviceId}");
                if (answer.Status != 200 || answer.Json() is not { ValueKind: JsonValueKind.Object } device)
                {
                    return new Observation(ParticleError(answer), answer.Summary);
                }

                string[] fields = ["id", "name", "online", "connected", "platform_id", "product_id", "functions", "variables"];
                var missing = fields.Where(f => !device.TryGetProperty(f, out _)).ToList();
                return missing.Count == 0
                    ? new Observation("object with every field", "has " + string.Join(", ", fields))
                    : new Observation("object missing fields", "missing " + string.Join(", ", missing));
            },
        };
    }

    private static Task<ProbeResponse> ListDevicesAsync(ProbeContext ctx) =>
        ctx.SharedAsync(DevicesList, c => c.ParticleAsync(HttpMethod.Get, "/v1/devices"));

    private static string Accepted(ProbeResponse answer) =>
        answer.Status == 401 ? "refused (401)"
        : answer.Status == 400 && answer.Body.Contains("token", StringComparison.OrdinalIgnoreCase) ? "refused (400)"
        : "accepted";

    // A device list names the account's devices: evidence keeps the status and shape only.
    private static string ShortStatus(ProbeResponse answer) => I($"HTTP {answer.Status}, {answer.Json().ValueKind} body");

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex TokenShape();
}
