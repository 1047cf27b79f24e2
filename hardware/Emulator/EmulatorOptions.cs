using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>Which firmware the emulated board runs.</summary>
public enum SketchKind
{
    /// <summary>The integration doc's firmware, ported line by line, defects included.</summary>
    Seed,

    /// <summary>The same behaviour with the seed's defects corrected (see FixedSketch).</summary>
    Fixed,
}

/// <summary>
/// Everything that defines one emulated board. Immutable: derive variants with <c>with</c>.
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>The seed firmware's placeholder token (BLYNK_AUTH_TOKEN, seed line 19).</summary>
    public const string PlaceholderToken = "your Blynk 32 char auth token";

    /// <summary>24-hex device id.</summary>
    public string DeviceId { get; init; } = "e00fce680000000000000001";

    public Platform Platform { get; init; } = Platforms.Boron;

    public SketchKind Sketch { get; init; } = SketchKind.Seed;

    /// <summary>The firmware's BLYNK_AUTH_TOKEN.</summary>
    public string BlynkToken { get; init; } = PlaceholderToken;

    /// <summary>Initial newlib rand() state (newlib starts at 1; Device OS's cloud reseed is not modelled).</summary>
    public uint RandomSeed { get; init; } = 1;

    /// <summary>
    /// Device OS version: System.version(), the publish/function limits and whether the application runs before the
    /// cloud connects (<see cref="DeviceOsReleases.RunsApplicationBeforeCloud"/>). Unset: the platform's default
    /// (<see cref="Platform.DefaultDeviceOs"/>), so a Photon runs 2.x and a Boron 6.2.1.
    /// </summary>
    public Version DeviceOsVersion
    {
        get => field ?? Platform.DefaultDeviceOs;
        init;
    }

    /// <summary>
    /// The system thread runs the cloud beside the application (Device OS ≥ 6.2.0 for the doc's firmware, which writes
    /// no SYSTEM_THREAD line): setup() and loop() run before and without the cloud. False: setup() starts once the
    /// cloud connects and loop() runs only while connected (contracts.md §10).
    /// </summary>
    public bool ApplicationRunsBeforeCloud => DeviceOsReleases.RunsApplicationBeforeCloud(DeviceOsVersion);

    /// <summary>System.freeMemory(); null = a plausible default for the platform.</summary>
    public uint? FreeMemory { get; init; }

    /// <summary>Virtual time one loop() iteration takes (the gap between loop starts).</summary>
    public TimeSpan LoopInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The cloud session comes up this long after power-on; null = never on its own (use RestoreCloudConnection).</summary>
    public TimeSpan? CloudConnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A USB host has the serial port open (setup's waitFor(Serial.isConnected, 30000) returns at once).</summary>
    public bool SerialHostAttached { get; init; } = true;

    /// <summary>Device OS's publish rate limiter is active.</summary>
    public bool RateLimiterEnabled { get; init; } = true;

    /// <summary>Publishes reach the cloud and are acknowledged; false = they are lost and Particle.publish returns false.</summary>
    public bool PublishAcknowledged { get; init; } = true;

    /// <summary>millis() at power-on (0 on a real board; set near 2^32 to reach the wrap quickly).</summary>
    public uint MillisAtBoot { get; init; }

    /// <summary>System.version() as the firmware prints it.</summary>
    public string SystemVersionString =>
        DeviceOsVersion.Build >= 0
            ? $"{DeviceOsVersion.Major}.{DeviceOsVersion.Minor}.{DeviceOsVersion.Build}"
            : $"{DeviceOsVersion.Major}.{DeviceOsVersion.Minor}.0";

    /// <summary>System.freeMemory(): the configured value or the platform's plausible default.</summary>
    public uint EffectiveFreeMemory => FreeMemory ?? DefaultFreeMemory(Platform);

    /// <summary>
    /// Plausible free heap of a small user app (order of magnitude from Particle's datasheets, not measured):
    /// Core ~ 10 KB, Gen 2 ~ 50 KB, Gen 3 ~ 80 KB, Gen 4 (P2, Photon 2, M-SoM) ~ 3 MB of PSRAM-backed heap.
    /// </summary>
    public static uint DefaultFreeMemory(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return platform.Generation switch
        {
            1 => 12_384u,
            2 => platform.IsCellular ? 47_760u : 52_928u,
            3 => platform.IsCellular ? 79_432u : 83_160u,
            _ => 3_064_896u,
        };
    }

    /// <summary>Checks the options a board cannot run with.</summary>
    public EmulatorOptions Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(DeviceId);
        ArgumentNullException.ThrowIfNull(Platform);
        ArgumentNullException.ThrowIfNull(BlynkToken);
        ArgumentNullException.ThrowIfNull(DeviceOsVersion);
        if (LoopInterval < TimeSpan.FromMilliseconds(1) || LoopInterval.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LoopInterval), LoopInterval, "A loop takes a whole number of milliseconds, at least 1.");
        }

        if (CloudConnectDelay is { } d && d < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CloudConnectDelay), d, "Cannot connect before power-on.");
        }

        return this;
    }
}
