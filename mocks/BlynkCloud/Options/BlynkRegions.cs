using System.Globalization;

namespace ParticleBlynk.BlynkCloud;

/// <summary>Blynk.Cloud servers (B-DOCS device-https-api/troubleshooting.md).</summary>
public static class BlynkRegions
{
    public const string Ny3 = "ny3.blynk.cloud";
    public const string Fra1 = "fra1.blynk.cloud";
    public const string Lon1 = "lon1.blynk.cloud";
    public const string Sgp1 = "sgp1.blynk.cloud";
    public const string Blr1 = "blr1.blynk.cloud";

    /// <summary>The GeoDNS name: resolves to the nearest region server.</summary>
    public const string GeoDns = "blynk.cloud";

    public static IReadOnlyList<string> RegionHosts { get; } = [Ny3, Fra1, Lon1, Sgp1, Blr1];

    /// <summary>Every host name of the service (for mapping them all in a HostMap).</summary>
    public static IReadOnlyList<string> AllHosts { get; } = [.. RegionHosts, GeoDns];

    public static bool IsRegionHost(string host) => RegionHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Virtual pin names: "V14" and "v14" both accepted, V0…V255.</summary>
public static class BlynkPins
{
    public static bool TryParse(string? name, out int pin)
    {
        pin = -1;
        if (name is null || name.Length < 2 || name.Length > 4 || (name[0] != 'V' && name[0] != 'v'))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (!char.IsAsciiDigit(name[i]))
            {
                return false;
            }
        }

        return int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out pin) && pin <= 255;
    }

    public static string Name(int pin) => "V" + pin.ToString(CultureInfo.InvariantCulture);
}
