namespace ParticleBlynk.SerialBridge.Tests;

public sealed class SerialEndpointTests
{
    public static TheoryData<string, SerialEndpoint, string> Endpoints => new()
    {
        { "/dev/ttyACM0", new DevicePathEndpoint("/dev/ttyACM0"), "/dev/ttyACM0" },
        { "/dev/serial/by-id/usb-Particle_Boron_e00fce68-if00", new DevicePathEndpoint("/dev/serial/by-id/usb-Particle_Boron_e00fce68-if00"), "/dev/serial/by-id/usb-Particle_Boron_e00fce68-if00" },
        { "  /dev/pts/3 ", new DevicePathEndpoint("/dev/pts/3"), "/dev/pts/3" },
        { "/tmp/lab/ttyBoron", new DevicePathEndpoint("/tmp/lab/ttyBoron"), "/tmp/lab/ttyBoron" },
        { "socket://127.0.0.1:3333", new TcpRawEndpoint("127.0.0.1", 3333), "socket://127.0.0.1:3333" },
        { "socket://farm-pi-3.lab:2001/", new TcpRawEndpoint("farm-pi-3.lab", 2001), "socket://farm-pi-3.lab:2001" },
        { "SOCKET://localhost:1", new TcpRawEndpoint("localhost", 1), "socket://localhost:1" },
        { "rfc2217://127.0.0.1:65535", new Rfc2217Endpoint("127.0.0.1", 65535), "rfc2217://127.0.0.1:65535" },
        { "rfc2217://[::1]:2217", new Rfc2217Endpoint("::1", 2217), "rfc2217://[::1]:2217" },
        { "usb", new UsbDiscoveryEndpoint(null), "usb" },
        { "USB", new UsbDiscoveryEndpoint(null), "usb" },
        { "usb:e00fce68a1b2c3d4e5f60718", new UsbDiscoveryEndpoint("e00fce68a1b2c3d4e5f60718"), "usb:e00fce68a1b2c3d4e5f60718" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Each_kind_of_endpoint_parses_to_its_record_with_a_display_string(string text, SerialEndpoint expected, string display)
    {
        // Given an endpoint as a lab engineer writes it
        // When it is parsed
        var endpoint = SerialEndpoint.Parse(text);

        // Then it is the right kind, and displays canonically
        endpoint.Should().Be(expected);
        endpoint.Display.Should().Be(display);
        endpoint.ToString().Should().Be(display);
    }

    [Theory]
    [InlineData("", "*empty*")]
    [InlineData("   ", "*empty*")]
    [InlineData("ttyACM0", "*did you mean /dev/ttyACM0*")]
    [InlineData("COM3", "*neither an absolute device path nor a URL*")]
    [InlineData("tcp://127.0.0.1:3333", "*unsupported scheme 'tcp'*")]
    [InlineData("telnet://127.0.0.1:23", "*unsupported scheme 'telnet'*")]
    [InlineData("socket://127.0.0.1", "*host:port*")]
    [InlineData("socket://:3333", "*not a host name*")]
    [InlineData("socket://127.0.0.1:0", "*1 to 65535*")]
    [InlineData("socket://127.0.0.1:65536", "*1 to 65535*")]
    [InlineData("socket://127.0.0.1:-1", "*1 to 65535*")]
    [InlineData("socket://127.0.0.1:port", "*1 to 65535*")]
    [InlineData("socket://127.0.0.1:33 33", "*1 to 65535*")]
    [InlineData("socket://127.0.0.1:3333/dev/ttyACM0", "*only host:port*")]
    [InlineData("rfc2217://host:2217?logging=debug", "*only host:port*")]
    [InlineData("rfc2217://user@host:2217", "*only host:port*")]
    [InlineData("rfc2217://::1:2217", "*[address]:port*")]
    [InlineData("rfc2217://[::1]2217", "*[address]:port*")]
    [InlineData("rfc2217://[farm]:2217", "*not an IPv6 address*")]
    [InlineData("socket://bad host:1", "*not a host name*")]
    [InlineData("usb:", "*serial number*")]
    [InlineData("usb:/dev/ttyACM0", "*serial number*")]
    [InlineData("/dev/tty\0ACM0", "*NUL*")]
    public void Bad_input_is_refused_with_a_message_saying_what_is_wrong(string text, string message)
    {
        // Given a mistyped endpoint
        // When it is parsed
        var parse = () => SerialEndpoint.Parse(text);

        // Then an ArgumentException explains it and lists what is accepted
        parse.Should().Throw<ArgumentException>().WithMessage(message);
    }
}
