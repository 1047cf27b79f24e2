using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// The lab of one scenario. Defaults are "the standard lab" of the features' Background: a Boron running the seed
/// firmware, the doc's Particle webhook verbatim and the doc's Blynk template and V16 webhook, on ny3.blynk.cloud.
/// </summary>
public sealed record LabOptions
{
    /// <summary>A 24-hex device id (contracts.md §2.1).</summary>
    public string DeviceId { get; init; } = "e00fce68d3b2a1c4f5e6a7b8";

    public string DeviceName { get; init; } = "blynk_boron";

    public Platform Platform { get; init; } = Platforms.Boron;

    public SketchKind Sketch { get; init; } = SketchKind.Seed;

    /// <summary>The account's access token (40 lowercase hex).</summary>
    public string ParticleAccessToken { get; init; } = "38bb7b318cc6898c80317decb34525844bc9db55";

    /// <summary>The token the Blynk webhook sends as Bearer (default: the account's).</summary>
    public string? BlynkWebhookAccessToken { get; init; }

    /// <summary>The Blynk device's auth token (32 chars, Blynk's own example).</summary>
    public string BlynkToken { get; init; } = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";

    /// <summary>The token compiled into the firmware (default: the Blynk device's, as the doc tells the user to do).</summary>
    public string? FirmwareToken { get; init; }

    /// <summary>The region the Blynk device lives in.</summary>
    public string BlynkRegion { get; init; } = BlynkRegions.Ny3;

    /// <summary>The Particle webhook's JSON (default: the doc's custom template, verbatim).</summary>
    public string ParticleWebhookJson { get; init; } = SeedIntegration.ParticleWebhookJson;

    public WebhookQuotaPolicy BlynkWebhookQuota { get; init; } = WebhookQuotaPolicy.SeedDoc;

    /// <summary>When the cloud connection comes up after power-on (null: never by itself).</summary>
    public TimeSpan? CloudConnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public bool SerialHostAttached { get; init; } = true;

    public uint MillisAtBoot { get; init; }

    public TimeSpan LoopInterval { get; init; } = TimeSpan.FromMilliseconds(10);
}

/// <summary>The doc's configuration files (mocks/SeedIntegration), copied next to the tests.</summary>
public static class SeedIntegration
{
    public static string ParticleWebhookJson { get; } =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "SeedIntegration", "particle-webhook.json"));
}
