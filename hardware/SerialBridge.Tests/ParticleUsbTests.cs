namespace ParticleBlynk.SerialBridge.Tests;

/// <summary>A sysfs and /dev tree laid out as the kernel and udev lay them out, with relative symlinks.</summary>
internal sealed class FakeUsbTree : IDisposable
{
    private readonly ScratchDirectory _root = new();

    public FakeUsbTree()
    {
        Directory.CreateDirectory(SysRoot + "/class/tty");
        Directory.CreateDirectory(SysRoot + "/bus/usb/devices");
        Directory.CreateDirectory(DevRoot + "/serial/by-id");
    }

    public string SysRoot => _root["sys"];

    public string DevRoot => _root["dev"];

    /// <summary>A USB device at bus port <paramref name="port"/> (e.g. "1-2") with a CDC-ACM interface and its tty.</summary>
    public FakeUsbTree WithAcmDevice(string port, string tty, int vendor, int product, string? serial, string? byIdName = null, bool devNode = true)
    {
        var device = AddUsbDevice(port, vendor, product, serial);
        var ttyDir = $"{device}/{port}:1.0/tty/{tty}";
        Directory.CreateDirectory(ttyDir);
        // /sys/devices/.../1-2/1-2:1.0/tty/ttyACM0/device -> ../../../1-2:1.0
        File.CreateSymbolicLink(ttyDir + "/device", $"../../../{port}:1.0");
        File.WriteAllText(ttyDir + "/dev", "166:0\n");
        // /sys/class/tty/ttyACM0 -> ../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/tty/ttyACM0
        File.CreateSymbolicLink($"{SysRoot}/class/tty/{tty}", $"../../devices/pci0000:00/0000:00:14.0/usb1/{port}/{port}:1.0/tty/{tty}");
        if (devNode)
        {
            File.WriteAllText($"{DevRoot}/{tty}", "");
        }

        if (byIdName is not null)
        {
            File.CreateSymbolicLink($"{DevRoot}/serial/by-id/{byIdName}", $"../../{tty}");
        }

        return this;
    }

    /// <summary>A USB device without a tty (a board in DFU mode, or anything else).</summary>
    public FakeUsbTree WithUsbDevice(string port, int vendor, int product, string? serial)
    {
        AddUsbDevice(port, vendor, product, serial);
        return this;
    }

    /// <summary>A non-USB tty (a UART), as every PC has.</summary>
    public FakeUsbTree WithPlatformTty(string tty)
    {
        var ttyDir = $"{SysRoot}/devices/platform/serial8250/tty/{tty}";
        Directory.CreateDirectory(ttyDir);
        File.CreateSymbolicLink(ttyDir + "/device", "../../../serial8250");
        File.CreateSymbolicLink($"{SysRoot}/class/tty/{tty}", $"../../devices/platform/serial8250/tty/{tty}");
        return this;
    }

    public void Dispose() => _root.Dispose();

    private string AddUsbDevice(string port, int vendor, int product, string? serial)
    {
        var device = $"{SysRoot}/devices/pci0000:00/0000:00:14.0/usb1/{port}";
        Directory.CreateDirectory(device);
        File.WriteAllText(device + "/idVendor", $"{vendor:x4}\n");
        File.WriteAllText(device + "/idProduct", $"{product:x4}\n");
        if (serial is not null)
        {
            File.WriteAllText(device + "/serial", serial + "\n");
        }

        File.WriteAllText(device + "/manufacturer", vendor == ParticleUsb.VendorId ? "Particle\n" : "FTDI\n");
        File.WriteAllText(device + "/product", vendor == ParticleUsb.VendorId ? "Boron\n" : "FT232R USB UART\n");
        // /sys/bus/usb/devices/1-2 -> ../../../devices/pci0000:00/0000:00:14.0/usb1/1-2
        File.CreateSymbolicLink($"{SysRoot}/bus/usb/devices/{port}", $"../../../devices/pci0000:00/0000:00:14.0/usb1/{port}");
        return device;
    }
}

public sealed class ParticleUsbTests
{
    [Fact]
    public void A_board_on_usb_is_found_with_its_tty_by_id_link_platform_and_serial_number()
    {
        // Given a Boron on ttyACM0 with its udev by-id link
        using var tree = new FakeUsbTree()
            .WithAcmDevice("1-2", "ttyACM0", 0x2b04, 0xc00d, "e00fce68a1b2c3d4e5f60718", "usb-Particle_Boron_e00fce68a1b2c3d4e5f60718-if00");

        // When boards are discovered
        var boards = ParticleUsb.Discover(tree.SysRoot, tree.DevRoot);

        // Then it is listed with everything a lab engineer needs
        var board = boards.Should().ContainSingle().Subject;
        board.TtyPath.Should().Be(tree.DevRoot + "/ttyACM0");
        board.ByIdPath.Should().Be(tree.DevRoot + "/serial/by-id/usb-Particle_Boron_e00fce68a1b2c3d4e5f60718-if00");
        board.PortPath.Should().Be(board.ByIdPath);
        board.VendorId.Should().Be(0x2b04);
        board.ProductId.Should().Be(0xc00d);
        board.PlatformId.Should().Be(13);
        board.PlatformName.Should().Be("Boron");
        board.Platform.Should().Be(ParticleBlynk.Device.Platforms.Boron);
        board.InDfuMode.Should().BeFalse();
        board.SerialNumber.Should().Be("e00fce68a1b2c3d4e5f60718");
        board.Manufacturer.Should().Be("Particle");
        board.SysfsPath.Should().EndWith("/usb1/1-2");
    }

    [Fact]
    public void A_board_in_dfu_mode_is_listed_without_a_port_and_flagged()
    {
        // Given an Argon in DFU mode (0xd00c) and nothing else
        using var tree = new FakeUsbTree().WithUsbDevice("1-3", 0x2b04, 0xd00c, "e00fce6800000000000000aa");

        // When boards are discovered
        var board = ParticleUsb.Discover(tree.SysRoot, tree.DevRoot).Should().ContainSingle().Subject;

        // Then it is the Argon, in DFU mode, with no serial port
        board.InDfuMode.Should().BeTrue();
        board.PlatformId.Should().Be(12);
        board.PlatformName.Should().Be("Argon");
        board.TtyPath.Should().BeNull();
        board.PortPath.Should().BeNull();
        board.ToString().Should().Contain("DFU mode");
    }

    [Fact]
    public void Other_vendors_and_non_usb_ttys_are_ignored()
    {
        // Given an FTDI adapter on ttyACM1 (a CDC device from someone else), a UART, and a Photon 2 on ttyACM0
        using var tree = new FakeUsbTree()
            .WithAcmDevice("1-4", "ttyACM1", 0x0403, 0x6001, "FT1234")
            .WithPlatformTty("ttyS0")
            .WithAcmDevice("1-2", "ttyACM0", 0x2b04, 0xc020, "0a10aced202194944a0a1b2c");

        // When boards are discovered
        var boards = ParticleUsb.Discover(tree.SysRoot, tree.DevRoot);

        // Then only the Photon 2 is listed, with no by-id link since udev made none
        var board = boards.Should().ContainSingle().Subject;
        board.PlatformId.Should().Be(32);
        board.PlatformName.Should().Be("Photon 2 / P2");
        board.ByIdPath.Should().BeNull();
        board.PortPath.Should().Be(tree.DevRoot + "/ttyACM0");
    }

    [Fact]
    public void By_id_links_are_matched_to_their_own_tty_among_several_boards()
    {
        // Given two boards whose by-id links are created in the opposite order of their tty numbers
        using var tree = new FakeUsbTree()
            .WithAcmDevice("1-5", "ttyACM1", 0x2b04, 0xc00c, "ARGON-SERIAL", "usb-Particle_Argon_ARGON-SERIAL-if00")
            .WithAcmDevice("1-2", "ttyACM0", 0x2b04, 0xc01c, "TRACKERM-SERIAL", "usb-Particle_Tracker-M_TRACKERM-SERIAL-if00");

        // When boards are discovered
        var boards = ParticleUsb.Discover(tree.SysRoot, tree.DevRoot);

        // Then each by-id link belongs to its own board, and Tracker-M keeps its id and name
        boards.Select(b => (b.TtyPath, b.ByIdPath, b.PlatformId, b.PlatformName)).Should().Equal(
            (tree.DevRoot + "/ttyACM0", tree.DevRoot + "/serial/by-id/usb-Particle_Tracker-M_TRACKERM-SERIAL-if00", 28, "Tracker-M"),
            (tree.DevRoot + "/ttyACM1", tree.DevRoot + "/serial/by-id/usb-Particle_Argon_ARGON-SERIAL-if00", 12, "Argon"));
        boards[0].Platform.Should().Be(ParticleBlynk.Device.Platforms.TrackerM);
    }

    [Fact]
    public void A_by_id_link_whose_node_is_missing_still_matches_by_tty_name()
    {
        // Given a board whose /dev node udev has not made yet, but whose link is there
        using var tree = new FakeUsbTree()
            .WithAcmDevice("1-2", "ttyACM0", 0x2b04, 0xc006, "PHOTON", "usb-Particle_Photon_PHOTON-if00", devNode: false);

        // When boards are discovered
        var board = ParticleUsb.Discover(tree.SysRoot, tree.DevRoot).Should().ContainSingle().Subject;

        // Then the link is still reported
        board.ByIdPath.Should().Be(tree.DevRoot + "/serial/by-id/usb-Particle_Photon_PHOTON-if00");
        board.PlatformName.Should().Be("Photon");
    }

    [Fact]
    public void No_sysfs_means_no_boards()
    {
        // Given roots that do not exist
        // When boards are discovered
        var boards = ParticleUsb.Discover("/nonexistent/sys", "/nonexistent/dev");

        // Then the list is empty rather than an error
        boards.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0xc006, 6, "Photon")]
    [InlineData(0xc00a, 10, "Electron")]
    [InlineData(0xc00c, 12, "Argon")]
    [InlineData(0xc00d, 13, "Boron")]
    [InlineData(0xc00f, 15, "E-SoM-X")]
    [InlineData(0xc017, 23, "B-SoM")]
    [InlineData(0xc01a, 26, "Tracker")]
    [InlineData(0xc01c, 28, "Tracker-M")]
    [InlineData(0xc020, 32, "Photon 2 / P2")]
    [InlineData(0xd00d, 13, "Boron")]
    [InlineData(0xd020, 32, "Photon 2 / P2")]
    public void Product_ids_map_to_platforms_as_particle_usb_lists_them(int product, int platformId, string name)
    {
        // Given a Particle USB product id, normal or DFU
        // When it is mapped
        var (id, board) = ParticleUsb.PlatformOf(product);

        // Then it is the documented platform
        id.Should().Be(platformId);
        board.Should().Be(name);
    }

    [Fact]
    public void An_unknown_product_is_named_by_its_id()
    {
        // Given a product id not in the table
        // When / Then
        ParticleUsb.PlatformOf(0xc0ee).Should().Be(((int?)null, "unknown Particle product 0xc0ee"));
    }

    [Fact]
    public async Task A_usb_endpoint_says_the_board_is_in_dfu_mode()
    {
        // Given only a Boron in DFU mode, and a link asked to find a board on USB
        using var tree = new FakeUsbTree().WithUsbDevice("1-3", 0x2b04, 0xd00d, "BORON");
        var log = new List<string>();
        await using var link = SerialLink.Open(new SerialLinkOptions
        {
            Endpoint = SerialEndpoint.Parse("usb"),
            SysRoot = tree.SysRoot,
            DevRoot = tree.DevRoot,
            Log = m => { lock (log) { log.Add(m); } },
        });

        // When it tries to open
        await Eventually.True(() => { lock (log) { return log.Count > 0; } }, "an attempt logged");

        // Then it says why, and a write says the link is down for that reason
        lock (log)
        {
            log[0].Should().Contain("Boron is in DFU mode");
        }

        var write = () => link.WriteLineAsync("x");
        await write.Should().ThrowAsync<InvalidOperationException>().WithMessage("*DFU mode*");
    }

    [Fact]
    public async Task A_usb_endpoint_opens_the_selected_boards_port()
    {
        // Given a fake tree whose Boron's by-id link points at a real pty, and a second board
        using var dir = new ScratchDirectory();
        using var pty = PseudoTerminal.Open(dir["boron-pty"]);
        using var tree = new FakeUsbTree()
            .WithAcmDevice("1-2", "ttyACM0", 0x2b04, 0xc00c, "ARGON")
            .WithAcmDevice("1-3", "ttyACM1", 0x2b04, 0xc00d, "BORON", "usb-Particle_Boron_BORON-if00");
        File.Delete(tree.DevRoot + "/ttyACM1");
        File.CreateSymbolicLink(tree.DevRoot + "/ttyACM1", pty.LinkPath!);

        // When a link is opened on usb:boron
        await using var link = SerialLink.Open(new SerialLinkOptions { Endpoint = SerialEndpoint.Parse("usb:boron"), SysRoot = tree.SysRoot, DevRoot = tree.DevRoot });
        await Eventually.True(() => pty.HostAttached, "the Boron's port opened");
        pty.WriteLine("Setup complete");

        // Then it reads the Boron, and says which board it opened
        (await link.WaitForAsync(l => l is SetupComplete, 0, Eventually.Patience)).Should().NotBeNull();
        link.Transcript[0].Event.Should().BeOfType<Opened>().Which.Endpoint.Should().Contain("Boron").And.Contain("BORON");
    }
}
