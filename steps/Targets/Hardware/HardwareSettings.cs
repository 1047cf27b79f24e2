using System.Globalization;
using Microsoft.Extensions.Configuration;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.SerialBridge;

namespace ParticleBlynk.Targets.Hardware;

/// <summary>
/// The bench a hardware run uses, from environment variables or dotnet user-secrets (never a file in the repository):
/// the board's serial port, the Particle account, the Blynk device. hardware/README.md lists every setting.
/// </summary>
public sealed record HardwareSettings
{
    public const string Prefix = "E2E_HARDWARE_";

    /// <summary>E2E_HARDWARE_PORT: a tty path, /dev/serial/by-id/…, "usb", "usb:&lt;serial&gt;", socket://host:port or rfc2217://host:port.</summary>
    public required string Port { get; init; }

    /// <summary>E2E_HARDWARE_DEVICE_ID: the board's 24-hex Particle device id.</summary>
    public required string DeviceId { get; init; }

    /// <summary>E2E_HARDWARE_PARTICLE_TOKEN: an access token of the account that owns the board.</summary>
    public required string ParticleToken { get; init; }

    /// <summary>E2E_HARDWARE_BLYNK_TOKEN: the Blynk device's auth token (the one flashed into the firmware).</summary>
    public required string BlynkToken { get; init; }

    /// <summary>E2E_HARDWARE_BLYNK_HOST: the device's region server (default ny3.blynk.cloud).</summary>
    public string BlynkHost { get; init; } = "ny3.blynk.cloud";

    /// <summary>E2E_HARDWARE_PARTICLE_API: the Particle API (default https://api.particle.io).</summary>
    public Uri ParticleApi { get; init; } = new("https://api.particle.io");

    /// <summary>E2E_HARDWARE_BLYNK_API: the Blynk HTTPS API base (default https://{BlynkHost}).</summary>
    public Uri? BlynkApi { get; init; }

    /// <summary>E2E_HARDWARE_PLATFORM: the board ("Boron", "Photon 2"…); default: from its USB product id.</summary>
    public Platform? Platform { get; init; }

    /// <summary>E2E_HARDWARE_FIRMWARE: what is flashed, seed (default) or fixed.</summary>
    public FirmwareKind Firmware { get; init; } = FirmwareKind.Seed;

    /// <summary>E2E_HARDWARE_RESET_COMMAND: resets the board (a relay, a hub port); default `particle usb reset`.</summary>
    public string? ResetCommand { get; init; }

    /// <summary>E2E_HARDWARE_UNPLUG_COMMAND: takes the USB port away for $E2E_UNPLUG_SECONDS seconds (uhubctl…); default: none.</summary>
    public string? UnplugCommand { get; init; }

    /// <summary>
    /// E2E_HARDWARE_BLYNK_WEBHOOK_QUOTA: the bench's Blynk webhook quota as "requests/seconds" (default "1/60", the doc's).
    /// A V16 write the harness makes may fire the webhook; the next switch waits until the quota has room again.
    /// </summary>
    public (int Requests, TimeSpan Window) BlynkWebhookQuota { get; init; } = (1, TimeSpan.FromMinutes(1));

    /// <summary>
    /// E2E_HARDWARE_LINK_LOG: a file the serial link appends its own log to (port opened, lost and why, cannot open and why),
    /// one UTC-stamped line each; default: none. What to read when the board's serial stays silent.
    /// </summary>
    public string? LinkLog { get; init; }

    /// <summary>E2E_HARDWARE_PARTICLE_CLI: particle-cli's path, when not on PATH.</summary>
    public string? ParticleCli { get; init; }

    /// <summary>The Blynk API base with a trailing slash.</summary>
    public Uri EffectiveBlynkApi => BlynkApi ?? new Uri($"https://{BlynkHost}/");

    /// <summary>The settings from the environment and user-secrets; null with the reason when the bench is not configured.</summary>
    public static (HardwareSettings? Settings, string? Missing) Read(IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder()
            .AddUserSecrets(typeof(HardwareSettings).Assembly, optional: true)
            .AddEnvironmentVariables()
            .Build();
        string? Get(string name) => configuration[Prefix + name] is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        var missing = new[] { "PORT", "DEVICE_ID", "PARTICLE_TOKEN", "BLYNK_TOKEN" }.Where(n => Get(n) is null).ToList();
        if (missing.Count > 0)
        {
            return (null, $"no board attached: set {string.Join(", ", missing.Select(m => Prefix + m))} (environment or dotnet user-secrets; hardware/README.md)");
        }

        try
        {
            var host = Get("BLYNK_HOST") ?? "ny3.blynk.cloud";
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                throw new FormatException($"{Prefix}BLYNK_HOST is a host name such as ny3.blynk.cloud, not '{host}'.");
            }

            var deviceId = Get("DEVICE_ID")!;
            if (deviceId.Length != 24 || !deviceId.All(char.IsAsciiHexDigit))
            {
                throw new FormatException($"{Prefix}DEVICE_ID is the board's Particle device id, 24 hex characters, not '{deviceId}'.");
            }

            var settings = new HardwareSettings
            {
                Port = Get("PORT")!,
                DeviceId = deviceId.ToLowerInvariant(),
                ParticleToken = Get("PARTICLE_TOKEN")!,
                BlynkToken = Get("BLYNK_TOKEN")!,
                BlynkHost = host,
                ParticleApi = Get("PARTICLE_API") is { } api ? HttpUrl("PARTICLE_API", api) : new Uri("https://api.particle.io"),
                BlynkApi = Get("BLYNK_API") is { } blynk ? HttpUrl("BLYNK_API", blynk.EndsWith('/') ? blynk : blynk + "/") : null,
                Platform = Get("PLATFORM") is { } platform ? Platforms.Parse(platform) : null,
                Firmware = Get("FIRMWARE") is { } firmware ? ParseFirmware(firmware) : FirmwareKind.Seed,
                ResetCommand = Get("RESET_COMMAND"),
                UnplugCommand = Get("UNPLUG_COMMAND"),
                LinkLog = Get("LINK_LOG"),
                ParticleCli = Get("PARTICLE_CLI"),
                BlynkWebhookQuota = Get("BLYNK_WEBHOOK_QUOTA") is { } quota ? ParseQuota(quota) : (1, TimeSpan.FromMinutes(1)),
            };
            _ = SerialEndpoint.Parse(settings.Port);
            return (settings, null);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            return (null, $"the hardware settings are not usable: {ex.Message}");
        }
    }

    private static Uri HttpUrl(string name, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new FormatException($"{Prefix}{name} is an http(s) URL such as https://api.particle.io, not '{text}'.");

    // Enum.Parse would take "7" or "Seed,Fixed": only the names.
    private static FirmwareKind ParseFirmware(string text) =>
        Enum.GetValues<FirmwareKind>().FirstOrDefault(k => k.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)) is var kind
        && kind.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)
            ? kind
            : throw new FormatException($"{Prefix}FIRMWARE is {string.Join(" or ", Enum.GetNames<FirmwareKind>().Select(n => n.ToLowerInvariant()))}, not '{text}'.");

    private static (int, TimeSpan) ParseQuota(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var requests) && requests > 0
               && double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? (requests, TimeSpan.FromSeconds(seconds))
            : throw new FormatException($"{Prefix}BLYNK_WEBHOOK_QUOTA is requests/seconds, e.g. 1/60 or 10/60, not '{text}'.");
    }

    /// <summary>Every token, for redaction.</summary>
    public IEnumerable<string> Tokens() => [ParticleToken, BlynkToken];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"board {DeviceId} on {Port}, Particle API {ParticleApi}, Blynk {EffectiveBlynkApi}");
}
