using System.Security.Cryptography;
using ParticleBlynk.Device;

namespace ParticleBlynk.Loop;

/// <summary>Which firmware the board runs.</summary>
public enum FirmwareKind
{
    /// <summary>The integration doc's firmware, defects included.</summary>
    Seed,

    /// <summary>The same firmware with the seed's defects corrected.</summary>
    Fixed,
}

/// <summary>
/// What one scenario's lab is: the board, the tokens, the doc's configuration on both clouds, and how the board
/// behaves. The defaults are "the standard lab" of the features' Background. Immutable: Given steps derive variants
/// with <c>with</c>. Targets that cannot build every variant (a real board is what it is) say so when they start.
/// </summary>
public sealed record LabSpec
{
    /// <summary>A 24-hex Particle device id (contracts.md §2.1).</summary>
    public string DeviceId { get; init; } = "e00fce68d3b2a1c4f5e6a7b8";

    public string DeviceName { get; init; } = "blynk_boron";

    public Platform Platform { get; init; } = Platforms.Boron;

    public FirmwareKind Firmware { get; init; } = FirmwareKind.Seed;

    /// <summary>Device OS version the board runs; null = the platform's default.</summary>
    public Version? DeviceOsVersion { get; init; }

    /// <summary>The Particle account's access token (40 lowercase hex).</summary>
    public required string ParticleAccessToken { get; init; }

    /// <summary>The token the Blynk webhook sends as Bearer (default: the account's).</summary>
    public string? BlynkWebhookAccessToken { get; init; }

    /// <summary>The Blynk device's auth token (32 characters).</summary>
    public required string BlynkToken { get; init; }

    /// <summary>The token compiled into the firmware (default: the Blynk device's, as the doc tells the user).</summary>
    public string? FirmwareToken { get; init; }

    /// <summary>The Blynk region server the device lives on.</summary>
    public string BlynkRegion { get; init; } = "ny3.blynk.cloud";

    /// <summary>The Particle webhook's JSON (default: the doc's custom template, verbatim).</summary>
    public string ParticleWebhookJson { get; init; } = DocParticleWebhookJson;

    /// <summary>The Blynk webhook quota: executions per window (the doc: 1 per minute).</summary>
    public int BlynkWebhookQuotaRequests { get; init; } = 1;

    public TimeSpan BlynkWebhookQuotaWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// UNCONFIRMED choice <c>blynk.webhook.fires-on-http-write</c>: a write that changes V16 through Blynk's HTTPS API (the
    /// republish through the Particle webhook) fires the V16 webhook. Default true, the mock's default (docs/contract-choices.md).
    /// </summary>
    public bool BlynkHttpApiWriteFiresWebhook { get; init; } = true;

    /// <summary>
    /// How long after a datastream change Blynk's webhook request goes out (UNCONFIRMED: not documented; default zero, the
    /// mock's). It is the window in which a function call made elsewhere reaches the device before Blynk's call back.
    /// </summary>
    public TimeSpan BlynkWebhookDispatchDelay { get; init; } = TimeSpan.Zero;

    /// <summary>When the cloud connection comes up after power-on (null: never by itself).</summary>
    public TimeSpan? CloudConnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A USB host has the serial port open when the board boots.</summary>
    public bool SerialHostAttached { get; init; } = true;

    /// <summary>millis() at power-on (0 on a real board).</summary>
    public uint MillisAtBoot { get; init; }

    /// <summary>Virtual time one loop() takes.</summary>
    public TimeSpan LoopInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A fleet (<see cref="Capability.Fleet"/>): this board is the fleet's first, the others are generated. Null: one board.</summary>
    public FleetSpec? Fleet { get; init; }

    /// <summary>The token the firmware actually carries.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveFirmwareToken => FirmwareToken ?? BlynkToken;

    /// <summary>The token the Blynk webhook actually sends.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveWebhookAccessToken => BlynkWebhookAccessToken ?? ParticleAccessToken;

    /// <summary>The doc's Particle webhook JSON (mocks/SeedIntegration/particle-webhook.json, embedded verbatim).</summary>
    public static string DocParticleWebhookJson { get; } = ReadEmbedded("particle-webhook.json");

    /// <summary>The variable that gives the emulated account's access token (else a fresh random one per lab).</summary>
    public const string ParticleTokenVariable = "E2E_PARTICLE_TOKEN";

    /// <summary>The variable that gives the emulated Blynk device's token (else a fresh random one per lab).</summary>
    public const string BlynkTokenVariable = "E2E_BLYNK_TOKEN";

    /// <summary>
    /// The standard lab. Its tokens come from <see cref="ParticleTokenVariable"/> and <see cref="BlynkTokenVariable"/> when
    /// set (a run that scans its artefacts for them), else fresh random ones: no token is ever a constant.
    /// </summary>
    public static LabSpec Standard() => new()
    {
        ParticleAccessToken = FromEnvironment(ParticleTokenVariable, 40, c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)) ?? NewParticleToken(),
        BlynkToken = FromEnvironment(BlynkTokenVariable, 32, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ?? NewBlynkToken(),
    };

    private static string? FromEnvironment(string variable, int length, Func<char, bool> allowed) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value.Length == length && value.All(allowed)
                ? value
                : throw new InvalidOperationException($"{variable} must be {length} characters of the token's alphabet (it is {value.Length} long).")
            : null;

    /// <summary>40 lowercase hex characters, like every Particle access token in the docs.</summary>
    public static string NewParticleToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>32 characters of [A-Za-z0-9_-]: 24 random bytes in base64url (Blynk's security.md).</summary>
    public static string NewBlynkToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Every token of the lab, for redaction.</summary>
    public IEnumerable<string> Tokens() =>
        new[] { ParticleAccessToken, BlynkWebhookAccessToken, BlynkToken, FirmwareToken }.OfType<string>();

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(LabSpec).Assembly.GetManifestResourceStream("SeedIntegration." + name)
            ?? throw new InvalidOperationException($"Embedded resource SeedIntegration.{name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// A fleet of boards in one lab (<see cref="Capability.Fleet"/>): <see cref="Boards"/> boards of the lab's platform and
/// firmware, each claimed to the lab's account, each with its own Blynk device, token and V16 webhook. The lab's own board
/// (<see cref="LabSpec.DeviceId"/>, its tokens) is board 1; the others get distinct ids, names and fresh random tokens.
/// </summary>
public sealed record FleetSpec
{
    /// <summary>How many boards, the lab's own included (at least 1).</summary>
    public required int Boards { get; init; }

    /// <summary>
    /// How many boards (the first ones: 1…n) are flashed with a token no Blynk device has: Blynk answers their
    /// batch/update with 400 "Invalid token." (boards flashed with last year's tokens).
    /// </summary>
    public int MisflashedBoards { get; init; }

    /// <summary>Board n gets power (n - 1) × this after board 1 (time passes while the fleet powers on): zero is a burst at one instant.</summary>
    public TimeSpan PowerOnStagger { get; init; }

    /// <summary>Whether board <paramref name="board"/> (1-based) carries a token Blynk does not know.</summary>
    public bool IsMisflashed(int board) => board <= MisflashedBoards;
}
