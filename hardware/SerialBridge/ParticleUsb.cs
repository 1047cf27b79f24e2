using System.Globalization;
using ParticleBlynk.Device;

namespace ParticleBlynk.SerialBridge;

/// <summary>A Particle board seen on USB.</summary>
/// <param name="TtyPath">Its CDC-ACM port (/dev/ttyACM0); null in DFU mode, which has no serial port.</param>
/// <param name="ByIdPath">The stable /dev/serial/by-id link to that port, when udev made one.</param>
/// <param name="VendorId">Always 0x2b04.</param>
/// <param name="ProductId">0xc0NN normally, 0xd0NN in DFU mode.</param>
/// <param name="PlatformId">PLATFORM_ID, from the product id (particle-usb.md).</param>
/// <param name="PlatformName">The board's name ("Boron"), or "unknown Particle product 0xNNNN".</param>
/// <param name="InDfuMode">Flashing: no serial port until it re-enumerates as 0xc0NN.</param>
/// <param name="SerialNumber">The USB serial number (the device id on Gen 3 and later), if the device reports one.</param>
/// <param name="Product">The USB product string.</param>
/// <param name="Manufacturer">The USB manufacturer string.</param>
/// <param name="SysfsPath">The USB device directory under /sys/devices it was read from.</param>
public sealed record ParticleBoard(
    string? TtyPath,
    string? ByIdPath,
    int VendorId,
    int ProductId,
    int? PlatformId,
    string PlatformName,
    bool InDfuMode,
    string? SerialNumber,
    string? Product,
    string? Manufacturer,
    string SysfsPath)
{
    /// <summary>The platform from the harness table, when it knows this PLATFORM_ID (for 32: the Photon 2 board).</summary>
    public Platform? Platform => PlatformId is { } id ? Platforms.All.FirstOrDefault(p => p.Id == id) : null;

    /// <summary>The path to open: the by-id link survives re-enumeration as another ttyACM number; else the tty.</summary>
    public string? PortPath => ByIdPath ?? TtyPath;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PlatformName} {VendorId:x4}:{ProductId:x4}")
        + (SerialNumber is null ? "" : " serial " + SerialNumber)
        + (InDfuMode ? " in DFU mode" : " on " + PortPath);
}

/// <summary>Finds Particle boards on USB the way the kernel lays them out in sysfs (no libusb, no udev library).</summary>
public static class ParticleUsb
{
    public const int VendorId = 0x2b04;

    /// <summary>USB product (low byte, normal 0xc0NN and DFU 0xd0NN alike) → PLATFORM_ID and name (particle-usb.md).</summary>
    private static readonly IReadOnlyDictionary<int, (int PlatformId, string Name)> ProductTable = new Dictionary<int, (int, string)>
    {
        [0x06] = (6, "Photon"),
        [0x0a] = (10, "Electron"),
        [0x0c] = (12, "Argon"),
        [0x0d] = (13, "Boron"),
        [0x0f] = (15, "E-SoM-X"),
        [0x17] = (23, "B-SoM"),
        [0x1a] = (26, "Tracker"),
        [0x1c] = (28, "Tracker-M"),
        [0x20] = (32, "Photon 2 / P2"),
    };

    /// <summary>
    /// Particle boards attached now: those with a CDC-ACM port (from &lt;sysRoot&gt;/class/tty/ttyACM*), then those in
    /// DFU mode (from &lt;sysRoot&gt;/bus/usb/devices). Unreadable or foreign entries are skipped.
    /// </summary>
    public static IReadOnlyList<ParticleBoard> Discover(string sysRoot = "/sys", string devRoot = "/dev")
    {
        var byId = ByIdLinks(devRoot);
        var boards = new List<ParticleBoard>();
        var seenUsbDevices = new HashSet<string>(StringComparer.Ordinal);

        foreach (var ttyEntry in Entries(System.IO.Path.Combine(sysRoot, "class", "tty"), "ttyACM*"))
        {
            // <tty>/device is the USB interface (1-2:1.0); its parent is the USB device with the ids.
            var interfaceDir = Libc.RealPath(System.IO.Path.Combine(ttyEntry, "device"));
            var usbDevice = interfaceDir is null ? null : System.IO.Path.GetDirectoryName(interfaceDir);
            if (usbDevice is null || ReadBoard(usbDevice) is not { } ids || ids.InDfuMode)
            {
                continue;
            }

            var name = System.IO.Path.GetFileName(ttyEntry);
            var ttyPath = System.IO.Path.Combine(devRoot, name);
            seenUsbDevices.Add(usbDevice);
            boards.Add(ids with { TtyPath = ttyPath, ByIdPath = byId.GetValueOrDefault(Libc.RealPath(ttyPath) ?? ttyPath) ?? byId.GetValueOrDefault(name) });
        }

        foreach (var device in Entries(System.IO.Path.Combine(sysRoot, "bus", "usb", "devices"), "*"))
        {
            var usbDevice = Libc.RealPath(device);
            if (usbDevice is not null && !seenUsbDevices.Contains(usbDevice) && ReadBoard(usbDevice) is { InDfuMode: true } dfu)
            {
                seenUsbDevices.Add(usbDevice);
                boards.Add(dfu);
            }
        }

        return boards;
    }

    /// <summary>The PLATFORM_ID and name for a Particle USB product id, normal or DFU.</summary>
    public static (int? PlatformId, string Name) PlatformOf(int productId) =>
        ProductTable.TryGetValue(productId & 0xff, out var entry) && (productId & 0xff00) is 0xc000 or 0xd000
            ? (entry.PlatformId, entry.Name)
            : (null, string.Create(CultureInfo.InvariantCulture, $"unknown Particle product 0x{productId:x4}"));

    private static ParticleBoard? ReadBoard(string usbDevice)
    {
        if (ReadHex(usbDevice, "idVendor") != VendorId || ReadHex(usbDevice, "idProduct") is not { } product)
        {
            return null;
        }

        var (platformId, name) = PlatformOf(product);
        return new ParticleBoard(
            TtyPath: null,
            ByIdPath: null,
            VendorId,
            product,
            platformId,
            name,
            InDfuMode: (product & 0xff00) == 0xd000,
            SerialNumber: ReadText(usbDevice, "serial"),
            Product: ReadText(usbDevice, "product"),
            Manufacturer: ReadText(usbDevice, "manufacturer"),
            SysfsPath: usbDevice);
    }

    /// <summary>Canonical target (and tty name) → by-id link, for every link in &lt;devRoot&gt;/serial/by-id.</summary>
    private static Dictionary<string, string> ByIdLinks(string devRoot)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in Entries(System.IO.Path.Combine(devRoot, "serial", "by-id"), "*").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(link).LinkTarget is not { } target)
            {
                continue;
            }

            // Match on the resolved node, or on the tty name when the node is absent (a link to a board just unplugged).
            links.TryAdd(Libc.RealPath(link) ?? link, link);
            links.TryAdd(System.IO.Path.GetFileName(target), link);
        }

        return links;
    }

    private static IEnumerable<string> Entries(string directory, string pattern)
    {
        try
        {
            return Directory.Exists(directory)
                ? Directory.EnumerateFileSystemEntries(directory, pattern).Order(StringComparer.Ordinal).ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static int? ReadHex(string directory, string attribute) =>
        ReadText(directory, attribute) is { } text
        && int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static string? ReadText(string directory, string attribute)
    {
        try
        {
            var path = System.IO.Path.Combine(directory, attribute);
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } text ? text : null : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
