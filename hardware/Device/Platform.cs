namespace ParticleBlynk.Device;

/// <summary>A Particle hardware platform as Device OS knows it (contracts.md §4, @particle/device-constants).</summary>
/// <param name="Id">PLATFORM_ID.</param>
/// <param name="Name">Display name (the integration doc's name where it names the board).</param>
/// <param name="Generation">Hardware generation (1 Core, 2 Photon/Electron, 3 Boron/Argon, 4 P2/Photon 2).</param>
/// <param name="HasUserLedOnD7">The board itself carries a user LED on D7 (the physical truth, not what the seed sketch believes).</param>
/// <param name="IsCellular">Connects over cellular (Boron, Electron, B-SoM, Tracker).</param>
/// <param name="DefaultDeviceOs">
/// The Device OS version an emulated board of this platform runs unless a scenario picks another: the last line the
/// platform is supported on (contracts.md §10; exact patch versions UNCONFIRMED, see docs/platforms.md).
/// </param>
public sealed record Platform(int Id, string Name, int Generation, bool HasUserLedOnD7, bool IsCellular, Version DefaultDeviceOs)
{
    /// <summary>Maximum event data length for a Device OS version (P-FW "Overview of API field limits").</summary>
    public int MaxEventDataLength(Version deviceOs) =>
        deviceOs.Major >= 3 ? (Generation <= 2 ? 864 : 1024)
        : deviceOs >= new Version(0, 8, 0) ? 622
        : 255;

    /// <summary>Maximum function argument length for a Device OS version (same table as event data).</summary>
    public int MaxFunctionArgumentLength(Version deviceOs) =>
        deviceOs.Major >= 3 ? (Generation <= 2 ? 864 : 1024)
        : deviceOs >= new Version(0, 8, 0) ? 622
        : 63;

    /// <summary>
    /// Whether Device OS <paramref name="deviceOs"/> exists for this platform as far as the table knows: boards whose
    /// default is an old line (Core 1.x, Gen 2 2.x, Xenon 1.5) run nothing after that line (contracts.md §4, §10).
    /// </summary>
    public bool SupportsDeviceOs(Version deviceOs)
    {
        ArgumentNullException.ThrowIfNull(deviceOs);
        return DefaultDeviceOs >= DeviceOsReleases.SystemThreadAlwaysOnSince
            || (deviceOs.Major, deviceOs.Minor).CompareTo((DefaultDeviceOs.Major, DefaultDeviceOs.Minor)) <= 0;
    }

    /// <summary>The publish size limit (event data bytes) on the platform's default Device OS.</summary>
    public int PublishLimit => MaxEventDataLength(DefaultDeviceOs);

    public override string ToString() => $"{Name} ({Id})";
}

/// <summary>What the Device OS version changes for the doc's firmware (contracts.md §10).</summary>
public static class DeviceOsReleases
{
    /// <summary>6.2.0: the system thread is always on (SYSTEM_THREAD(ENABLED) no longer needs to be written).</summary>
    public static readonly Version SystemThreadAlwaysOnSince = new(6, 2, 0);

    /// <summary>
    /// Whether setup() and loop() run before the cloud connects for firmware that, like the doc's, uses AUTOMATIC mode
    /// and does not write SYSTEM_THREAD(ENABLED): from 6.2.0 yes; before, setup() waits for the cloud and loop() runs
    /// only while connected (contracts.md §10, "non-threaded system mode" table).
    /// </summary>
    public static bool RunsApplicationBeforeCloud(Version deviceOs)
    {
        ArgumentNullException.ThrowIfNull(deviceOs);
        return deviceOs >= SystemThreadAlwaysOnSince;
    }

    /// <summary>Parses "4.2.0" (a 'v' prefix and a pre-release suffix such as "-rc.1" are ignored).</summary>
    public static Version Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var core = text.Trim().TrimStart('v', 'V');
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            core = core[..dash];
        }

        return Version.TryParse(core, out var version) && version.Build >= 0
            ? version
            : throw new FormatException($"'{text}' is not a Device OS version such as 6.2.1.");
    }
}

/// <summary>
/// The platform table of contracts.md §4: every board the integration doc names ("Tracker One, Tracker SoM, Boron,
/// B Series SoM, Photon 2, P2, Argon, Photon, Electron, E Series, and Core") and the other public platforms §4 lists.
/// Immutable. docs/platforms.md renders it with its sources.
/// </summary>
public static class Platforms
{
    // Default Device OS versions (contracts.md §10: "Gen 1/Gen 2 … stop at 2.x (Core at 1.x); Gen 3 and later run 6.x";
    // exact last versions UNCONFIRMED there): the last release of each line as the harness assumes it.
    private static readonly Version CoreLast = new(1, 4, 4);     // UNCONFIRMED: the last 1.x release, as Core's last.
    private static readonly Version Gen2Last = new(2, 3, 1);     // UNCONFIRMED: the last 2.x LTS release.
    private static readonly Version XenonLast = new(1, 5, 2);    // UNCONFIRMED: §4 has 14 only in ≤ 1.5 headers.
    private static readonly Version Current = new(6, 2, 1);     // §4: in 6.2.0's platforms.h; 6.2.1 as before (contract-choices.md).

    public static readonly Platform Core = new(0, "Core", 1, HasUserLedOnD7: true, IsCellular: false, CoreLast);
    public static readonly Platform Photon = new(6, "Photon", 2, HasUserLedOnD7: true, IsCellular: false, Gen2Last);
    public static readonly Platform P1 = new(8, "P1", 2, HasUserLedOnD7: false, IsCellular: false, Gen2Last);
    public static readonly Platform Electron = new(10, "Electron", 2, HasUserLedOnD7: true, IsCellular: true, Gen2Last);

    /// <summary>The E Series module runs the Electron platform (10; UNCONFIRMED in §4) and has no user LED on D7.</summary>
    public static readonly Platform ESeries = new(10, "E Series", 2, HasUserLedOnD7: false, IsCellular: true, Gen2Last);
    public static readonly Platform Argon = new(12, "Argon", 3, HasUserLedOnD7: true, IsCellular: false, Current);
    public static readonly Platform Boron = new(13, "Boron", 3, HasUserLedOnD7: true, IsCellular: true, Current);

    /// <summary>Xenon (mesh, discontinued): its D7 LED is UNCONFIRMED in §4; the harness assumes the Feather's blue LED.</summary>
    public static readonly Platform Xenon = new(14, "Xenon", 3, HasUserLedOnD7: true, IsCellular: false, XenonLast);
    public static readonly Platform ESomX = new(15, "E-SoM-X", 3, HasUserLedOnD7: false, IsCellular: true, Current);

    /// <summary>The doc's "B Series SoM" (B402/B404…; §4 "B-SoM", no LED: "must custom install").</summary>
    public static readonly Platform BSom = new(23, "B Series SoM", 3, HasUserLedOnD7: false, IsCellular: true, Current);
    public static readonly Platform B5Som = new(25, "B5-SoM", 3, HasUserLedOnD7: false, IsCellular: true, Current);

    /// <summary>Tracker SoM and Tracker One share PLATFORM_ID 26; neither has a user LED on D7.</summary>
    public static readonly Platform TrackerSom = new(26, "Tracker SoM", 3, HasUserLedOnD7: false, IsCellular: true, Current);
    public static readonly Platform TrackerOne = new(26, "Tracker One", 3, HasUserLedOnD7: false, IsCellular: true, Current);

    /// <summary>Tracker-M: its D7 LED is UNCONFIRMED in §4 (assumed none).</summary>
    public static readonly Platform TrackerM = new(28, "Tracker-M", 3, HasUserLedOnD7: false, IsCellular: true, Current);

    /// <summary>Photon 2 and P2 share PLATFORM_ID 32; the Photon 2 board has the blue D7 LED, the P2 module does not.</summary>
    public static readonly Platform Photon2 = new(32, "Photon 2", 4, HasUserLedOnD7: true, IsCellular: false, Current);
    public static readonly Platform P2 = new(32, "P2", 4, HasUserLedOnD7: false, IsCellular: false, Current);

    /// <summary>M-SoM: its D7 LED is UNCONFIRMED in §4 (assumed none).</summary>
    public static readonly Platform MSom = new(35, "M-SoM", 4, HasUserLedOnD7: false, IsCellular: true, Current);

    /// <summary>Every platform; for a shared PLATFORM_ID the first listed is what <see cref="ById"/> returns.</summary>
    public static IReadOnlyList<Platform> All { get; } =
        [Core, Photon, P1, Electron, ESeries, Argon, Boron, Xenon, ESomX, BSom, B5Som, TrackerSom, TrackerOne, TrackerM, Photon2, P2, MSom];

    /// <summary>The boards the integration doc names, in its order.</summary>
    public static IReadOnlyList<Platform> NamedByTheDoc { get; } =
        [TrackerOne, TrackerSom, Boron, BSom, Photon2, P2, Argon, Photon, Electron, ESeries, Core];

    // Other names a user or an older table uses for a platform (keys compared without case, spaces or punctuation).
    private static readonly IReadOnlyDictionary<string, Platform> Aliases = new Dictionary<string, Platform>
    {
        ["bsom"] = BSom,
        ["bseries"] = BSom,
        ["tracker"] = TrackerSom,
        ["eseriessom"] = ESeries,
        ["e404x"] = ESomX,
    };

    /// <summary>The board for a PLATFORM_ID (10: the Electron, 26: the Tracker SoM, 32: the Photon 2 board).</summary>
    public static Platform ById(int id) =>
        All.FirstOrDefault(p => p.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"Unknown PLATFORM_ID (contracts.md §4 lists {string.Join(", ", All.Select(p => p.Id).Distinct())}).");

    /// <summary>Looks a platform up by name ("Boron", "photon2", "Photon 2", "B-SoM") or by numeric id.</summary>
    public static Platform Parse(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        if (int.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return ById(id);
        }

        static string Key(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        var key = Key(nameOrId);
        return All.FirstOrDefault(p => Key(p.Name) == key)
            ?? Aliases.GetValueOrDefault(key)
            ?? throw new ArgumentException($"Unknown platform '{nameOrId}'. Known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(nameOrId));
    }
}
