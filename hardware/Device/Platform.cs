namespace ParticleBlynk.Device;

/// <summary>A Particle hardware platform as Device OS knows it (contracts.md §4, @particle/device-constants).</summary>
/// <param name="Id">PLATFORM_ID.</param>
/// <param name="Name">Display name.</param>
/// <param name="Generation">Hardware generation (1 Core, 2 Photon/Electron, 3 Boron/Argon, 4 P2/Photon 2).</param>
/// <param name="HasUserLedOnD7">The board itself carries a user LED on D7 (the physical truth, not what the seed sketch believes).</param>
/// <param name="IsCellular">Connects over cellular (Boron, Electron, B-SoM, Tracker).</param>
public sealed record Platform(int Id, string Name, int Generation, bool HasUserLedOnD7, bool IsCellular)
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

    public override string ToString() => $"{Name} ({Id})";
}

/// <summary>The platform table of contracts.md §4. Immutable.</summary>
public static class Platforms
{
    public static readonly Platform Core = new(0, "Core", 1, HasUserLedOnD7: true, IsCellular: false);
    public static readonly Platform Photon = new(6, "Photon", 2, HasUserLedOnD7: true, IsCellular: false);
    public static readonly Platform P1 = new(8, "P1", 2, HasUserLedOnD7: false, IsCellular: false);
    public static readonly Platform Electron = new(10, "Electron", 2, HasUserLedOnD7: true, IsCellular: true);
    public static readonly Platform Argon = new(12, "Argon", 3, HasUserLedOnD7: true, IsCellular: false);
    public static readonly Platform Boron = new(13, "Boron", 3, HasUserLedOnD7: true, IsCellular: true);
    public static readonly Platform ESomX = new(15, "E-SoM-X", 3, HasUserLedOnD7: false, IsCellular: true);
    public static readonly Platform BSom = new(23, "B-SoM", 3, HasUserLedOnD7: false, IsCellular: true);
    public static readonly Platform B5Som = new(25, "B5-SoM", 3, HasUserLedOnD7: false, IsCellular: true);
    public static readonly Platform Tracker = new(26, "Tracker", 3, HasUserLedOnD7: false, IsCellular: true);
    /// <summary>Photon 2 and P2 share PLATFORM_ID 32; the Photon 2 board has the blue D7 LED, the P2 module does not.</summary>
    public static readonly Platform Photon2 = new(32, "Photon 2", 4, HasUserLedOnD7: true, IsCellular: false);
    public static readonly Platform P2 = new(32, "P2", 4, HasUserLedOnD7: false, IsCellular: false);
    public static readonly Platform MSom = new(35, "M-SoM", 4, HasUserLedOnD7: false, IsCellular: true);

    public static IReadOnlyList<Platform> All { get; } =
        [Core, Photon, P1, Electron, Argon, Boron, ESomX, BSom, B5Som, Tracker, Photon2, P2, MSom];

    /// <summary>The board for a PLATFORM_ID (for 32, the Photon 2 board).</summary>
    public static Platform ById(int id) =>
        All.FirstOrDefault(p => p.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown PLATFORM_ID (contracts.md §4 lists 0, 6, 8, 10, 12, 13, 15, 23, 25, 26, 32, 35).");

    /// <summary>Looks a platform up by name ("Boron", "photon2", "Photon 2") or by numeric id.</summary>
    public static Platform Parse(string nameOrId)
    {
        if (int.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return ById(id);
        }

        static string Key(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return All.FirstOrDefault(p => Key(p.Name) == Key(nameOrId))
            ?? throw new ArgumentException($"Unknown platform '{nameOrId}'. Known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(nameOrId));
    }
}
