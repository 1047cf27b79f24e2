using ParticleBlynk.Device;

namespace ParticleBlynk.Loop;

/// <summary>
/// One defect of the doc's firmware (the <c>@defect:&lt;id&gt;</c> tags of features/defects/seed_defects.feature) and
/// on which boards and Device OS versions it reproduces. docs/platforms.md renders the catalogue as a table.
/// </summary>
public sealed class SeedDefect
{
    private readonly Func<Platform, Version, bool> _reproducesOn;

    internal SeedDefect(string id, string summary, string condition, string boards, string deviceOs, Func<Platform, Version, bool> reproducesOn)
    {
        (Id, Summary, Condition, Boards, DeviceOs, _reproducesOn) = (id, summary, condition, boards, deviceOs, reproducesOn);
    }

    /// <summary>The id of its <c>@defect:</c> tag.</summary>
    public string Id { get; }

    public string Summary { get; }

    /// <summary>What must happen on the board for the defect to show.</summary>
    public string Condition { get; }

    /// <summary>The boards it reproduces on, in words (for the report).</summary>
    public string Boards { get; }

    /// <summary>The Device OS versions it reproduces on, in words (for the report).</summary>
    public string DeviceOs { get; }

    /// <summary>Whether the seed firmware shows the defect on <paramref name="platform"/> running <paramref name="deviceOs"/> (under <see cref="Condition"/>).</summary>
    public bool ReproducesOn(Platform platform, Version deviceOs)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(deviceOs);
        return _reproducesOn(platform, deviceOs);
    }

    /// <summary>The platforms of the table on which it reproduces with their default Device OS.</summary>
    public IReadOnlyList<Platform> BoardsOnTheirDefaultDeviceOs => [.. Platforms.All.Where(p => ReproducesOn(p, p.DefaultDeviceOs))];

    public override string ToString() => Id;
}

/// <summary>The seed firmware's known defects: where each reproduces. Immutable; one place for reports to read.</summary>
public static class SeedDefects
{
    /// <summary>The platforms whose D7 the seed drives: the switch of deviceHasLedOnD7() (seed L45-55).</summary>
    public static IReadOnlySet<int> SeedDrivesD7On { get; } = new HashSet<int> { 13, 12, 0, 6, 10 };

    private static bool Everywhere(Platform platform, Version deviceOs) => true;

    public static SeedDefect Photon2Led { get; } = new(
        "seed-photon2-led",
        "The seed never drives D7 on a board with a D7 LED its switch omits: the LED stays dark.",
        "always (the V16 switch turned on)",
        "Photon 2 (32; the P2 shares the id but has no LED); Xenon (14) too if its D7 LED is there (UNCONFIRMED in contracts.md §4)",
        "every version (the firmware's own switch)",
        (p, _) => p.HasUserLedOnD7 && !SeedDrivesD7On.Contains(p.Id));

    public static SeedDefect BootPublishLost { get; } = new(
        "seed-boot-publish-lost",
        "The boot publish is lost when the cloud connects after the first loop(); the first publish comes after 5 minutes.",
        "the cloud connects after the first loop() (about 1 s after power-on with a USB host attached)",
        "every board running Device OS 6.2.0 or later: on their default versions the Gen 3 and Gen 4 boards; not the Core, Photon, P1, Electron, E Series or Xenon",
        ">= 6.2.0 (before 6.2 setup() and loop() wait for the cloud: contracts.md §10)",
        (_, v) => DeviceOsReleases.RunsApplicationBeforeCloud(v));

    public static SeedDefect FailedPublishNotRetried { get; } = new(
        "seed-failed-publish-not-retried",
        "A failed publish is not retried: the value waits for the next 5-minute timer.",
        "a publish fails (the rate limiter's 5th publish within 1 s, the cloud down, no acknowledgement)",
        "every board",
        "every version",
        Everywhere);

    public static SeedDefect PayloadTruncated { get; } = new(
        "seed-payload-truncated",
        "char data[90] cuts the JSON's closing brace.",
        "a 10-digit millis() (after 11.6 days) and v15 of -10 or less",
        "every board (90 bytes is below every publish limit)",
        "every version",
        Everywhere);

    public static SeedDefect V15OutOfRange { get; } = new(
        "seed-v15-out-of-range",
        "v15 wanders outside 0-3.3 V: at the edges the seed subtracts a delta of either sign.",
        "v15 reaches an edge of the range",
        "every board",
        "every version",
        Everywhere);

    public static SeedDefect WrapGap { get; } = new(
        "seed-wrap-gap",
        "After the millis() wrap the seed resets timer_last: the gap grows to up to about 600 s.",
        "49.7 days of uptime (millis() wraps)",
        "every board",
        "every version",
        Everywhere);

    public static IReadOnlyList<SeedDefect> All { get; } =
        [Photon2Led, BootPublishLost, FailedPublishNotRetried, PayloadTruncated, V15OutOfRange, WrapGap];

    public static SeedDefect ById(string id) =>
        All.FirstOrDefault(d => d.Id == id) ?? throw new ArgumentException($"Unknown seed defect '{id}'. Known: {string.Join(", ", All.Select(d => d.Id))}.", nameof(id));
}
