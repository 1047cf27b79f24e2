using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.Loop;
using ParticleBlynk.ParticleCloud;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost;

/// <summary>When an emulated board gets power.</summary>
public enum PowerOn
{
    /// <summary>When the lab starts; READY waits until it has booted, connected and registered its functions.</summary>
    AtStart,

    /// <summary>When a driver says so (a scenario step, the control API): READY lists it as off.</summary>
    Manual,
}

/// <summary>One emulated board of a lab: its Particle identity, its firmware, and how it boots.</summary>
public sealed record BoardOptions
{
    /// <summary>24 lowercase hex characters.</summary>
    public required string Id { get; init; }

    /// <summary>The Particle device name.</summary>
    public required string Name { get; init; }

    /// <summary>The board (a name such as "Boron", or the PLATFORM_ID).</summary>
    [JsonConverter(typeof(PlatformJsonConverter))]
    public required Platform Platform { get; init; }

    /// <summary>seed (the doc's firmware, defects kept) or fixed.</summary>
    public SketchKind Sketch { get; init; } = SketchKind.Seed;

    /// <summary>The firmware's BLYNK_AUTH_TOKEN.</summary>
    public required string Token { get; init; }

    /// <summary>The Particle account it is claimed to (default: the first).</summary>
    public string? Owner { get; init; }

    public int? ProductId { get; init; }

    /// <summary>Device OS version, e.g. "6.2.1" (default: the emulator's).</summary>
    public string? DeviceOs { get; init; }

    /// <summary>When its cloud session comes up after power-on; null: never by itself.</summary>
    public TimeSpan? CloudConnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A USB serial host has the port open at boot (setup's waitFor(Serial.isConnected, 30000) returns at once).</summary>
    public bool SerialHostAttached { get; init; } = true;

    /// <summary>millis() at power-on.</summary>
    public uint MillisAtBoot { get; init; }

    /// <summary>Time one loop() takes.</summary>
    public TimeSpan LoopInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    public PowerOn PowerOn { get; init; } = PowerOn.AtStart;

    /// <summary>A path where the lab puts a pseudo-terminal carrying the board's USB serial (a board behind a tty).</summary>
    public string? SerialPty { get; init; }

    /// <summary>The emulator's options for this board.</summary>
    public EmulatorOptions ToEmulatorOptions()
    {
        var options = new EmulatorOptions
        {
            DeviceId = Id,
            Platform = Platform,
            Sketch = Sketch,
            BlynkToken = Token,
            CloudConnectDelay = CloudConnectDelay,
            SerialHostAttached = SerialHostAttached,
            MillisAtBoot = MillisAtBoot,
            LoopInterval = LoopInterval,
        };
        return DeviceOs is { } version ? options with { DeviceOsVersion = Version.Parse(version) } : options;
    }
}

/// <summary>
/// A lab: the Particle mock's options, the Blynk mock's options and the emulated boards (README "Configuration file").
/// Read with System.Text.Json from one file; an unknown key is an error naming the key and the file. Boards are claimed
/// to their owner on the Particle side when the lab starts.
/// </summary>
public sealed record LabConfiguration
{
    public ParticleCloudOptions Particle { get; init; } = ParticleCloudOptions.Empty;

    /// <summary>The emulated boards.</summary>
    public ImmutableArray<BoardOptions> Devices { get; init; } = [];

    public BlynkCloudOptions Blynk { get; init; } = new();

    /// <summary>The demo lab's file as copied next to the executable.</summary>
    public static string DemoFile => Path.Combine(AppContext.BaseDirectory, "Lab", "demo-lab.json");

    /// <summary>The first account's first token.</summary>
    public string? ParticleToken => Particle.Accounts.SelectMany(a => a.AccessTokens).FirstOrDefault();

    /// <summary>Every token of the lab, for redaction.</summary>
    public IEnumerable<string> Tokens() =>
        Particle.Accounts.SelectMany(a => a.AccessTokens)
            .Concat(Blynk.Devices.Select(d => d.Token))
            .Concat(Devices.Select(d => d.Token))
            .Concat(Blynk.Webhooks.SelectMany(w => w.Headers.Values).Select(v => v.StartsWith("Bearer ", StringComparison.Ordinal) ? v[7..] : v));

    public static LabConfiguration Load(string path)
    {
        var full = Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), full, Path.GetDirectoryName(full)!);
    }

    /// <summary>Reads a lab file; <c>integrationFile</c> paths resolve against <paramref name="baseDirectory"/>; errors name <paramref name="source"/>.</summary>
    public static LabConfiguration Parse(string json, string source, string baseDirectory)
    {
        var configuration = ConfigJson.Read<LabConfiguration>(json, source, ConfigJson.Options(ParticleCloudOptions.JsonConverters(baseDirectory)));
        try
        {
            return configuration.Validated();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>The account a scenario's boards are claimed to.</summary>
    private const string ScenarioAccount = "lab@example.com";

    /// <summary>
    /// One scenario's lab: the account with its token, the board claimed to it, the scenario's Particle webhook, and the
    /// doc's Blynk template, device and V16 webhook. The board powers on when the scenario says.
    /// </summary>
    public static LabConfiguration ForScenario(LabSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Fleet is { } fleet)
        {
            return ForFleet(spec, fleet);
        }

        var blynk = ScenarioBlynk(spec)
            .WithSeedIntegration(spec.BlynkToken, spec.DeviceId, spec.EffectiveWebhookAccessToken, spec.BlynkRegion)
            .Build();
        var board = ScenarioBoard(spec, spec.DeviceId, spec.DeviceName, spec.EffectiveFirmwareToken);
        return new LabConfiguration { Particle = ScenarioParticle(spec), Blynk = blynk, Devices = [board] }.Validated();
    }

    /// <summary>The scenario's account (its token) with the scenario's Particle webhook.</summary>
    private static ParticleCloudOptions ScenarioParticle(LabSpec spec) =>
        new ParticleCloudBuilder()
            .WithAccount(ScenarioAccount, spec.ParticleAccessToken)
            .WithWebhook(spec.ParticleWebhookJson, ScenarioAccount)
            .Build();

    /// <summary>The scenario's Blynk quota and its UNCONFIRMED webhook choices, before any template or device.</summary>
    private static BlynkCloudBuilder ScenarioBlynk(LabSpec spec) =>
        new BlynkCloudBuilder()
            .WithQuota(new WebhookQuotaPolicy(spec.BlynkWebhookQuotaRequests, spec.BlynkWebhookQuotaWindow))
            .WithBehaviour(b => b with { HttpApiWriteFiresWebhook = spec.BlynkHttpApiWriteFiresWebhook, WebhookDispatchDelay = spec.BlynkWebhookDispatchDelay });

    /// <summary>A board of the scenario: its identity and firmware token; everything else as the scenario says. Powers on when a step says.</summary>
    private static BoardOptions ScenarioBoard(LabSpec spec, string id, string name, string firmwareToken) => new()
    {
        Id = id,
        Name = name,
        Platform = spec.Platform,
        Sketch = spec.Firmware == FirmwareKind.Fixed ? SketchKind.Fixed : SketchKind.Seed,
        Token = firmwareToken,
        Owner = ScenarioAccount,
        DeviceOs = spec.DeviceOsVersion?.ToString(),
        CloudConnectDelay = spec.CloudConnectDelay,
        SerialHostAttached = spec.SerialHostAttached,
        MillisAtBoot = spec.MillisAtBoot,
        LoopInterval = spec.LoopInterval,
        PowerOn = PowerOn.Manual,
    };

    /// <summary>
    /// A fleet's lab (<see cref="FleetSpec"/>): the scenario's account and Particle webhook, and <see cref="FleetSpec.Boards"/>
    /// boards claimed to it. Board 1 is the scenario's own (its id, name and tokens); board n gets the id
    /// <c>&lt;first 12 hex of board 1&gt;&lt;n in 12 hex&gt;</c>, the name <c>&lt;name&gt;_nnn</c> and a fresh random Blynk
    /// token. Each board has its own Blynk device (named as the board) with its own V16 webhook, so Blynk's quota (per
    /// webhook) is per board. The first <see cref="FleetSpec.MisflashedBoards"/> carry a token no Blynk device has.
    /// </summary>
    public static LabConfiguration ForFleet(LabSpec spec, FleetSpec fleet)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(fleet);
        if (fleet.Boards < 1 || fleet.MisflashedBoards < 0 || fleet.MisflashedBoards > fleet.Boards || fleet.PowerOnStagger < TimeSpan.Zero)
        {
            throw new ArgumentException($"A fleet has at least 1 board, at most as many misflashed boards, and no negative stagger (got {fleet}).", nameof(fleet));
        }

        var blynk = ScenarioBlynk(spec).WithTemplate(BlynkCloudBuilder.SeedTemplate());
        var devices = new List<DeviceOptions>(fleet.Boards);
        var webhooks = new List<WebhookOptions>(fleet.Boards);
        var boards = ImmutableArray.CreateBuilder<BoardOptions>(fleet.Boards);
        for (var n = 1; n <= fleet.Boards; n++)
        {
            var first = n == 1;
            var id = first ? spec.DeviceId : spec.DeviceId[..12] + n.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
            var name = first ? spec.DeviceName : spec.DeviceName + "_" + n.ToString("000", System.Globalization.CultureInfo.InvariantCulture);
            var blynkToken = first ? spec.BlynkToken : LabSpec.NewBlynkToken();
            var firmwareToken = fleet.IsMisflashed(n) ? LabSpec.NewBlynkToken() : first ? spec.EffectiveFirmwareToken : blynkToken;
            devices.Add(new DeviceOptions { Id = n, Token = blynkToken, Name = name, TemplateId = BlynkCloudBuilder.SeedTemplateId, RegionHost = spec.BlynkRegion });
            webhooks.Add(BlynkCloudBuilder.SeedWebhook(n, id, spec.EffectiveWebhookAccessToken) with { Name = $"particle blynk_led {name}" });
            boards.Add(ScenarioBoard(spec, id, name, firmwareToken));
        }

        var options = blynk.Build() with { Devices = [.. devices], Webhooks = [.. webhooks] };
        BlynkCloudBuilder.Validate(options);
        return new LabConfiguration { Particle = ScenarioParticle(spec), Blynk = options, Devices = boards.MoveToImmutable() }.Validated();
    }

    /// <summary>The Particle options with every board claimed to its owner (so the cloud lists it before it connects).</summary>
    public ParticleCloudOptions ParticleWithBoards()
    {
        var builder = new ParticleCloudBuilder(Particle);
        foreach (var board in Devices)
        {
            var owner = OwnerOf(board);
            if (!Particle.Accounts.Any(a => a.Devices.Any(d => d.Id == board.Id)))
            {
                builder = builder.WithDevice(owner, new ParticleDeviceDefinition
                {
                    Id = board.Id,
                    Name = board.Name,
                    PlatformId = board.Platform.Id,
                    ProductId = board.ProductId,
                    SystemFirmwareVersion = board.ToEmulatorOptions().SystemVersionString,
                });
            }
        }

        return builder.Build();
    }

    private string OwnerOf(BoardOptions board) =>
        board.Owner ?? Particle.Accounts.FirstOrDefault()?.Username
        ?? throw new ArgumentException($"Board {board.Id} needs an owner: add a Particle account.");

    private LabConfiguration Validated()
    {
        var errors = new List<string>();
        foreach (var board in Devices)
        {
            if (board.Id.Length != 24 || !board.Id.All(char.IsAsciiHexDigitLower))
            {
                errors.Add($"Board id '{board.Id}' is not 24 lowercase hex characters.");
            }

            if (board.Owner is { } owner && Particle.Accounts.All(a => a.Username != owner))
            {
                errors.Add($"Board {board.Id}: owner '{owner}' is not a Particle account of the lab.");
            }

            if (board.Owner is null && Particle.Accounts.Length == 0)
            {
                errors.Add($"Board {board.Id} needs an owner: add a Particle account.");
            }

            if (board.DeviceOs is { } version && !Version.TryParse(version, out _))
            {
                errors.Add($"Board {board.Id}: '{version}' is not a Device OS version.");
            }

            if (board.LoopInterval < TimeSpan.FromMilliseconds(1) || board.LoopInterval.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                errors.Add($"Board {board.Id}: a loop takes a whole number of milliseconds, at least 1.");
            }
        }

        errors.AddRange(Devices.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => $"Board id {g.Key} is used twice."));
        errors.AddRange(Devices.Where(d => d.SerialPty is not null).GroupBy(d => d.SerialPty).Where(g => g.Count() > 1).Select(g => $"Serial pty {g.Key} is used twice."));
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }

        _ = ParticleWithBoards(); // claims validate against the Particle options (ids, names, platforms)
        return this;
    }
}

/// <summary>A platform written as a name ("Boron", "Photon 2") or a PLATFORM_ID.</summary>
public sealed class PlatformJsonConverter : JsonConverter<Platform>
{
    public override Platform Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType switch
            {
                System.Text.Json.JsonTokenType.Number => Platforms.ById(reader.GetInt32()),
                System.Text.Json.JsonTokenType.String => Platforms.Parse(reader.GetString()!),
                _ => throw new System.Text.Json.JsonException("A platform is a name such as \"Boron\" or a PLATFORM_ID."),
            };
        }
        catch (ArgumentException ex)
        {
            throw new System.Text.Json.JsonException(ex.Message, ex);
        }
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, Platform value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Name);
    }
}
