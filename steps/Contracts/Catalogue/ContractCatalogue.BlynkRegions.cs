using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    private const string RedirectHome = "308 to the device's region, same path and query, empty body";

    private static IEnumerable<Probe> BlynkRegionsAndTokens()
    {
        yield return new Probe
        {
            Id = "blynk.region.wrong-region",
            Fact = "A request to another region's server gets 308 with Location on the device's region (same path and query) and no body",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.3", 309, "Wrong region → `HTTP/1.1 308 Permanent Redirect`"),
            Alternatives = [RedirectHome, "308 without Location", "308 elsewhere", "200 (any region serves it)", "400 error \"Invalid token.\""],
            MockAnswer = _ => RedirectHome,
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Run = async ctx =>
            {
                var wrong = ctx.Target.OtherRegions[0];
                var answer = await ctx.BlynkAsync("isHardwareConnected", [], host: wrong);
                var expected = $"https://{ctx.Target.BlynkRegion}/external/api/isHardwareConnected?token={Uri.EscapeDataString(ctx.BlynkToken)}";
                var label = answer.Status switch
                {
                    308 when answer.Location is null => "308 without Location",
                    308 when answer.Location == expected && answer.Body.Length == 0 => RedirectHome,
                    308 when answer.Location == expected => "308 to the device's region with a body",
                    308 => "308 elsewhere",
                    200 => "200 (any region serves it)",
                    _ => BlynkAnswer(answer),
                };
                return new Observation(label, $"isHardwareConnected on {wrong}: HTTP {answer.Status}, Location {answer.Location ?? "none"}, {answer.Body.Length} bytes of body");
            },
        };

        yield return new Probe
        {
            Id = "blynk.region.geodns",
            Fact = "blynk.cloud (GeoDNS) serves a device of any region: the mock lands on the device's own region",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§5.3", 308, "generic `blynk.cloud` uses GeoDNS"),
            AlsoCites = [C("§5.3", 309, "an unexpected `Invalid token.` \"could be a GEO DNS issue\"")],
            Alternatives = ["served (lands on the device's region)", "308 to the device's region (lands elsewhere)"],
            MockAnswer = m => m.Blynk.GeoDnsRegion is null ? "served (lands on the device's region)" : "308 to the device's region (lands elsewhere)",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Note = "Against the real cloud this depends on where the probes run from (GeoDNS). The lab's default: the device's own region.",
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("isHardwareConnected", [], host: BlynkRegions.GeoDns);
                return answer.Status switch
                {
                    200 => new Observation("served (lands on the device's region)", answer.Summary) { Settings = Settings(Set("blynk.behaviour.geoDnsRegion", (string?)null)) },
                    308 when answer.Location?.StartsWith($"https://{ctx.Target.BlynkRegion}/", StringComparison.Ordinal) == true =>
                        new Observation("308 to the device's region (lands elsewhere)", $"HTTP 308 to {ctx.Target.BlynkRegion}")
                        {
                            Settings = Settings(Set("blynk.behaviour.geoDnsRegion", ctx.Target.OtherRegions[0])),
                        },
                    _ => new Observation(BlynkAnswer(answer), answer.Summary),
                };
            },
        };

        yield return new Probe
        {
            Id = "blynk.token.whitespace",
            Fact = "A token with a trailing space is not trimmed: 400 \"Invalid token.\"",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§5.3", 313, "Invalid-token casing/whitespace: no trimming documented — UNCONFIRMED"),
            Alternatives = ["not trimmed (Invalid token.)", "trimmed (accepted)"],
            MockAnswer = _ => "not trimmed (Invalid token.)",
            Needs = [Need.BlynkToken],
            MaxRequests = 1,
            Note = "No lab option: the mock matches tokens exactly.",
            Run = async ctx =>
            {
                var answer = await ctx.BlynkAsync("isHardwareConnected", [], token: ctx.BlynkToken + " ");
                var label = answer.Status == 200 ? "trimmed (accepted)"
                    : answer.BlynkErrorMessage == BlynkErrors.InvalidToken ? "not trimmed (Invalid token.)"
                    : BlynkAnswer(answer);
                return new Observation(label, "isHardwareConnected with the token and a trailing space: " + answer.Summary);
            },
        };
    }
}
