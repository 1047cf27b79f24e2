using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Contracts.Labs;

/// <summary>The tokens a probe lab is configured with (fresh per run unless the script exports E2E_PARTICLE_TOKEN / E2E_BLYNK_TOKEN).</summary>
public sealed record LabTokens(string Particle, string Blynk)
{
    public static LabTokens Fresh() => new(LabSpec.NewParticleToken(), LabSpec.NewBlynkToken());

    public static LabTokens FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var fresh = Fresh();
        return new LabTokens(
            environment("E2E_PARTICLE_TOKEN") is { Length: 40 } p ? p : fresh.Particle,
            environment("E2E_BLYNK_TOKEN") is { Length: 32 } b ? b : fresh.Blynk);
    }
}

/// <summary>Where a running lab listens (from READY, or from the in-process loop host).</summary>
public sealed record LabEndpoints(Uri ParticleUrl, Uri BlynkUrl);

/// <summary>
/// The lab the probes run against: the doc's integration exactly as a team sets it up (the Particle webhook read from
/// mocks/SeedIntegration, the Blueprint template, the V16 webhook), one board online on the doc's firmware, one board
/// that stays off (the offline device), and the two probe webhooks of docs/contract-probes.md. Every UNCONFIRMED
/// behaviour is at its documented default; the one setting that is not the mock's default is the Blynk webhook quota,
/// set to Blynk's current 10 per minute (the loop probes switch V16 twice within a minute).
/// </summary>
public static class ProbeLab
{
    public const string Account = "probes@example.com";

    /// <summary>The board online on the doc's firmware.</summary>
    public const string DeviceId = "c0ffee000000000000000001";

    /// <summary>The board that never powers on: the offline device.</summary>
    public const string OfflineDeviceId = "c0ffee000000000000000002";

    /// <summary>The lab file (JSON) for <paramref name="tokens"/>; the Blynk device lives on <paramref name="region"/>.</summary>
    public static JsonObject Configuration(LabTokens tokens, string region = BlynkRegions.Ny3)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var other = BlynkRegions.RegionHosts.First(h => h != region);
        var seed = File.ReadAllText(SeedIntegrationFile).Replace(BlynkRegions.Ny3, region, StringComparison.Ordinal);
        JsonObject Webhook(string integration) => new() { ["owner"] = Account, ["integration"] = JsonNode.Parse(integration) };
        JsonObject Board(string id, string name, bool manual)
        {
            var board = new JsonObject
            {
                ["id"] = id, ["name"] = name, ["platform"] = "Boron", ["sketch"] = "seed", ["token"] = tokens.Blynk, ["owner"] = Account,
            };
            if (manual)
            {
                board["powerOn"] = "Manual";
            }

            return board;
        }

        var blynk = new BlynkCloudBuilder()
            .WithSeedIntegration(tokens.Blynk, DeviceId, tokens.Particle, region, "Probe Boron")
            .WithQuota(WebhookQuotaPolicy.CurrentLimits)
            .Build();
        return new JsonObject
        {
            ["particle"] = new JsonObject
            {
                ["accounts"] = new JsonArray(new JsonObject { ["username"] = Account, ["accessTokens"] = new JsonArray(tokens.Particle) }),
                ["webhooks"] = new JsonArray(
                    Webhook(seed),
                    Webhook(ContractCatalogue.ProbeWebhookJson(ContractCatalogue.RenderEvent, region, tokens.Blynk)),
                    Webhook(ContractCatalogue.ProbeWebhookJson(ContractCatalogue.RegionEvent, other, tokens.Blynk))),
            },
            ["devices"] = new JsonArray(Board(DeviceId, "probe_boron", manual: false), Board(OfflineDeviceId, "probe_offline", manual: true)),
            ["blynk"] = JsonNode.Parse(blynk.ToJson())!.AsObject(),
        };
    }

    /// <summary>The doc's Particle webhook, verbatim (copied beside the lab with its build).</summary>
    public static string SeedIntegrationFile => Path.Combine(AppContext.BaseDirectory, "SeedIntegration", "particle-webhook.json");

    /// <summary>The target a running probe lab is: real host names routed to its loopback ports, the lab's tokens and boards.</summary>
    public static ProbeTarget Target(string name, LabEndpoints endpoints, LabTokens tokens, string region = BlynkRegions.Ny3)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(tokens);
        var routes = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase) { ["api.particle.io"] = endpoints.ParticleUrl };
        foreach (var host in BlynkRegions.AllHosts)
        {
            routes[host] = endpoints.BlynkUrl;
        }

        return new ProbeTarget
        {
            Name = name,
            BlynkRegion = region,
            Routes = routes,
            ParticleToken = tokens.Particle,
            ParticleDeviceId = DeviceId,
            ParticleOfflineDeviceId = OfflineDeviceId,
            BlynkToken = tokens.Blynk,
            Setups = new HashSet<Need> { Need.Integration, Need.RenderWebhook, Need.RegionWebhook },
        };
    }

    public static string ToText(JsonObject configuration) =>
        configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
