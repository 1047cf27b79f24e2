using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.UserSecrets;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.SerialBridge;

namespace ParticleBlynk.Targets.Hardware.Tests;

/// <summary>
/// The bench's settings, read through <see cref="HardwareSettings.Read"/> from an in-memory configuration whose keys are
/// the environment variables' names (the environment and user-secrets providers hand them over unchanged).
/// </summary>
public sealed class HardwareSettingsTests
{
    private const string ParticleToken = "38bb7b318cc6898c80317decb34525844bc9db55";
    private const string BlynkToken = "Xq3vT9kLmN2pR7sW4yZ1aB6cD8eF0gHj";
    private const string DeviceId = "e00fce68a1b2c3d4e5f60718";

    [Fact]
    public void A_bench_with_the_four_required_settings_gets_the_documented_defaults()
    {
        // Given / When
        var settings = ReadUsable();

        // Then
        settings.Port.Should().Be("/dev/ttyACM0");
        settings.DeviceId.Should().Be(DeviceId);
        settings.ParticleToken.Should().Be(ParticleToken);
        settings.BlynkToken.Should().Be(BlynkToken);
        settings.BlynkHost.Should().Be("ny3.blynk.cloud");
        settings.ParticleApi.Should().Be(new Uri("https://api.particle.io"));
        settings.BlynkApi.Should().BeNull();
        settings.EffectiveBlynkApi.Should().Be(new Uri("https://ny3.blynk.cloud/"));
        settings.Platform.Should().BeNull("the board type is read from its USB product id when not set");
        settings.Firmware.Should().Be(FirmwareKind.Seed);
        settings.ResetCommand.Should().BeNull();
        settings.UnplugCommand.Should().BeNull();
        settings.LinkLog.Should().BeNull("the serial link logs nowhere unless asked");
        settings.ParticleCli.Should().BeNull();
        settings.BlynkWebhookQuota.Should().Be((1, TimeSpan.FromMinutes(1)), "the doc's quota is 1 request a minute");
    }

    [Fact]
    public void Every_optional_setting_is_read_from_its_variable()
    {
        // Given / When
        var settings = ReadUsable(
            ("BLYNK_HOST", "fra1.blynk.cloud"),
            ("PARTICLE_API", "http://127.0.0.1:8080"),
            ("BLYNK_API", "http://127.0.0.1:9090/external/api"),
            ("PLATFORM", "Photon 2"),
            ("FIRMWARE", "fixed"),
            ("RESET_COMMAND", "uhubctl -l 1-1 -p 2 -a cycle"),
            ("UNPLUG_COMMAND", "uhubctl -l 1-1 -p 2 -a off; sleep $E2E_UNPLUG_SECONDS; uhubctl -l 1-1 -p 2 -a on"),
            ("PARTICLE_CLI", "/opt/particle/bin/particle"),
            ("LINK_LOG", "/var/log/bench/serial-link.log"),
            ("BLYNK_WEBHOOK_QUOTA", "10/60"));

        // Then
        settings.BlynkHost.Should().Be("fra1.blynk.cloud");
        settings.ParticleApi.Should().Be(new Uri("http://127.0.0.1:8080/"));
        settings.BlynkApi.Should().Be(new Uri("http://127.0.0.1:9090/external/api/"), "the base gets its trailing slash");
        settings.EffectiveBlynkApi.Should().Be(settings.BlynkApi, "an explicit API base wins over the region host");
        settings.Platform.Should().Be(Platforms.Photon2);
        settings.Firmware.Should().Be(FirmwareKind.Fixed);
        settings.ResetCommand.Should().Be("uhubctl -l 1-1 -p 2 -a cycle");
        settings.UnplugCommand.Should().Contain("$E2E_UNPLUG_SECONDS");
        settings.ParticleCli.Should().Be("/opt/particle/bin/particle");
        settings.LinkLog.Should().Be("/var/log/bench/serial-link.log");
        settings.BlynkWebhookQuota.Should().Be((10, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void The_region_host_alone_makes_the_Blynk_API_base()
    {
        ReadUsable(("BLYNK_HOST", "sgp1.blynk.cloud")).EffectiveBlynkApi.Should().Be(new Uri("https://sgp1.blynk.cloud/"));
    }

    [Fact]
    public void A_Blynk_API_base_that_already_ends_with_a_slash_keeps_one()
    {
        ReadUsable(("BLYNK_API", "https://blynk.example/")).BlynkApi!.AbsoluteUri.Should().Be("https://blynk.example/");
    }

    [Fact]
    public void Values_are_trimmed()
    {
        // Given / When
        var settings = ReadUsable(("PORT", "  socket://127.0.0.1:3333 \n"), ("PLATFORM", " Boron "));

        // Then
        settings.Port.Should().Be("socket://127.0.0.1:3333");
        settings.Platform.Should().Be(Platforms.Boron);
    }

    public static TheoryData<string, Type, string> Ports => new()
    {
        { "/dev/ttyACM0", typeof(DevicePathEndpoint), "/dev/ttyACM0" },
        { "/dev/serial/by-id/usb-Particle_Boron_e00fce68a1b2c3d4e5f60718-if00", typeof(DevicePathEndpoint), "/dev/serial/by-id/usb-Particle_Boron_e00fce68a1b2c3d4e5f60718-if00" },
        { "usb", typeof(UsbDiscoveryEndpoint), "usb" },
        { "usb:e00fce68a1b2c3d4e5f60718", typeof(UsbDiscoveryEndpoint), "usb:e00fce68a1b2c3d4e5f60718" },
        { "socket://bench-pi.local:3333", typeof(TcpRawEndpoint), "socket://bench-pi.local:3333" },
        { "SOCKET://10.0.0.7:2000/", typeof(TcpRawEndpoint), "socket://10.0.0.7:2000" },
        { "rfc2217://bench-pi.local:4000", typeof(Rfc2217Endpoint), "rfc2217://bench-pi.local:4000" },
        { "rfc2217://[::1]:4000", typeof(Rfc2217Endpoint), "rfc2217://[::1]:4000" },
    };

    [Theory]
    [MemberData(nameof(Ports))]
    public void Every_kind_of_serial_port_is_accepted(string port, Type kind, string display)
    {
        // Given / When
        var settings = ReadUsable(("PORT", port));

        // Then
        var endpoint = SerialEndpoint.Parse(settings.Port);
        endpoint.Should().BeOfType(kind);
        endpoint.Display.Should().Be(display);
    }

    public static TheoryData<string, Platform> PlatformNames => new()
    {
        { "Boron", Platforms.Boron },
        { "boron", Platforms.Boron },
        { "photon2", Platforms.Photon2 },
        { "Photon 2", Platforms.Photon2 },
        { "P2", Platforms.P2 },
        { "B-SoM", Platforms.BSom },
        { "bsom", Platforms.BSom },
        { "13", Platforms.Boron },
        { "32", Platforms.Photon2 },
    };

    [Theory]
    [MemberData(nameof(PlatformNames))]
    public void The_platform_is_read_by_name_or_PLATFORM_ID(string text, Platform platform)
    {
        ReadUsable(("PLATFORM", text)).Platform.Should().Be(platform);
    }

    [Theory]
    [InlineData("seed", FirmwareKind.Seed)]
    [InlineData("Seed", FirmwareKind.Seed)]
    [InlineData("fixed", FirmwareKind.Fixed)]
    [InlineData("FIXED", FirmwareKind.Fixed)]
    public void The_firmware_kind_is_read_in_any_case(string text, FirmwareKind kind)
    {
        ReadUsable(("FIRMWARE", text)).Firmware.Should().Be(kind);
    }

    [Theory]
    [InlineData("1/60", 1, 60.0)]
    [InlineData("10/60", 10, 60.0)]
    [InlineData("2/0.5", 2, 0.5)]
    [InlineData("1/3600", 1, 3600.0)]
    public void The_webhook_quota_is_requests_per_seconds(string text, int requests, double seconds)
    {
        ReadUsable(("BLYNK_WEBHOOK_QUOTA", text)).BlynkWebhookQuota.Should().Be((requests, TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void An_empty_configuration_cannot_run_and_names_every_required_variable()
    {
        // Given / When
        var (settings, reason) = HardwareSettings.Read(Configuration());

        // Then
        settings.Should().BeNull();
        reason.Should().Be(
            "no board attached: set E2E_HARDWARE_PORT, E2E_HARDWARE_DEVICE_ID, E2E_HARDWARE_PARTICLE_TOKEN, E2E_HARDWARE_BLYNK_TOKEN "
            + "(environment or dotnet user-secrets; hardware/README.md)");
    }

    [Theory]
    [InlineData("PORT")]
    [InlineData("DEVICE_ID")]
    [InlineData("PARTICLE_TOKEN")]
    [InlineData("BLYNK_TOKEN")]
    public void A_missing_required_setting_is_named_alone(string variable)
    {
        // Given
        var values = Required().Where(v => v.Name != variable).ToArray();

        // When
        var (settings, reason) = HardwareSettings.Read(Configuration(values));

        // Then
        settings.Should().BeNull();
        reason.Should().StartWith("no board attached: set E2E_HARDWARE_" + variable + " (");
        reason.Should().NotContain(ParticleToken).And.NotContain(BlynkToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_or_blank_value_counts_as_missing(string blank)
    {
        // Given / When
        var (settings, reason) = HardwareSettings.Read(Configuration(Required().Select(v => v.Name == "BLYNK_TOKEN" ? (v.Name, blank) : v).ToArray()));

        // Then
        settings.Should().BeNull();
        reason.Should().StartWith("no board attached: set E2E_HARDWARE_BLYNK_TOKEN (");
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "PORT", "ttyACM0", "'ttyACM0' is neither an absolute device path nor a URL (did you mean /dev/ttyACM0?)" },
        { "PORT", "socket://bench-pi.local", "give host:port" },
        { "PORT", "socket://bench-pi.local:70000", "the port '70000' is not a number from 1 to 65535" },
        { "PORT", "telnet://bench-pi.local:23", "unsupported scheme 'telnet'" },
        { "PORT", "usb:", "after usb: give the board's USB serial number or device id" },
        { "PARTICLE_API", "api.particle.io", "E2E_HARDWARE_PARTICLE_API is an http(s) URL such as https://api.particle.io, not 'api.particle.io'" },
        { "PARTICLE_API", "ftp://api.particle.io", "E2E_HARDWARE_PARTICLE_API is an http(s) URL" },
        { "BLYNK_API", "not a url", "E2E_HARDWARE_BLYNK_API is an http(s) URL" },
        { "BLYNK_HOST", "ny3 blynk cloud", "E2E_HARDWARE_BLYNK_HOST is a host name" },
        { "DEVICE_ID", "e00fce68", "E2E_HARDWARE_DEVICE_ID is the board's Particle device id, 24 hex characters" },
        { "DEVICE_ID", "g00fce68d3b2a1c4f5e6a7b8", "24 hex characters" },
        { "FIRMWARE", "7", "E2E_HARDWARE_FIRMWARE is seed or fixed, not '7'" },
        { "FIRMWARE", "Seed,Fixed", "E2E_HARDWARE_FIRMWARE is seed or fixed" },
        { "PLATFORM", "Toaster", "Unknown platform 'Toaster'. Known: Core, Photon, P1, Electron, E Series, Argon, Boron" },
        { "PLATFORM", "99", "Unknown PLATFORM_ID" },
        { "FIRMWARE", "banana", "banana" },
        { "BLYNK_WEBHOOK_QUOTA", "1-60", "E2E_HARDWARE_BLYNK_WEBHOOK_QUOTA is requests/seconds, e.g. 1/60 or 10/60, not '1-60'." },
        { "BLYNK_WEBHOOK_QUOTA", "0/60", "not '0/60'" },
        { "BLYNK_WEBHOOK_QUOTA", "1/0", "not '1/0'" },
        { "BLYNK_WEBHOOK_QUOTA", "-1/60", "not '-1/60'" },
        { "BLYNK_WEBHOOK_QUOTA", "one/60", "not 'one/60'" },
        { "BLYNK_WEBHOOK_QUOTA", "1/60/2", "not '1/60/2'" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_cannot_run_and_says_what_is_wrong(string variable, string value, string expected)
    {
        // Given
        var values = Required().Where(v => v.Name != variable).Append((variable, value)).ToArray();

        // When
        var (settings, reason) = HardwareSettings.Read(Configuration(values));

        // Then
        settings.Should().BeNull();
        reason.Should().StartWith("the hardware settings are not usable: ").And.Contain(expected);
        reason.Should().NotContain(ParticleToken).And.NotContain(BlynkToken);
    }

    [Fact]
    public void ToString_names_the_board_and_the_endpoints_but_no_token()
    {
        // Given
        var settings = ReadUsable(("PORT", "rfc2217://bench-pi.local:4000"));

        // When
        var text = settings.ToString();

        // Then
        text.Should().Be("board e00fce68a1b2c3d4e5f60718 on rfc2217://bench-pi.local:4000, Particle API https://api.particle.io/, Blynk https://ny3.blynk.cloud/");
        text.Should().NotContain(ParticleToken[..8]).And.NotContain(BlynkToken[..8]);
    }

    [Fact]
    public void Both_tokens_are_handed_over_for_redaction_and_show_masked_first4_last4()
    {
        // Given
        var settings = ReadUsable();
        var secrets = new Secrets(settings.Tokens());

        // When
        var redacted = secrets.Redact($"GET /v1/devices?access_token={settings.ParticleToken} then /external/api/get?token={settings.BlynkToken}&V16 ({settings})");

        // Then
        settings.Tokens().Should().BeEquivalentTo([ParticleToken, BlynkToken]);
        redacted.Should().Contain("38bb…db55").And.Contain("Xq3v…0gHj");
        redacted.Should().NotContain(ParticleToken).And.NotContain(BlynkToken);
    }

    [Fact]
    public void Settings_read_from_user_secrets_use_the_hardware_projects_secrets_id()
    {
        // dotnet user-secrets set E2E_HARDWARE_PORT … --project steps/Targets/Hardware stores under this id.
        typeof(HardwareSettings).Assembly.GetCustomAttribute<UserSecretsIdAttribute>()!.UserSecretsId.Should().Be("particle-blynk-e2e-hardware");
    }

    internal static IReadOnlyList<(string Name, string Value)> Required() =>
    [
        ("PORT", "/dev/ttyACM0"),
        ("DEVICE_ID", DeviceId),
        ("PARTICLE_TOKEN", ParticleToken),
        ("BLYNK_TOKEN", BlynkToken),
    ];

    /// <summary>The configuration as environment variables would give it: E2E_HARDWARE_&lt;name&gt; = value.</summary>
    internal static IConfiguration Configuration(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(HardwareSettings.Prefix + v.Name, v.Value)))
            .Build();

    /// <summary>The required settings, overridden or extended by <paramref name="values"/>; fails when not usable.</summary>
    internal static HardwareSettings ReadUsable(params (string Name, string Value)[] values)
    {
        var all = Required().Where(r => values.All(v => v.Name != r.Name)).Concat(values).ToArray();
        var (settings, reason) = HardwareSettings.Read(Configuration(all));
        reason.Should().BeNull();
        return settings!;
    }
}
