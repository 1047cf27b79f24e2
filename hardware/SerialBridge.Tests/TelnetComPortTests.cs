using System.Text;

namespace ParticleBlynk.SerialBridge.Tests;

public sealed class TelnetComPortTests
{
    private const byte Iac = 255, Will = 251, Wont = 252, Do = 253, Dont = 254, Sb = 250, Se = 240, Nop = 241;

    private static (byte[] Data, byte[] Reply) Decode(TelnetComPort telnet, params byte[][] chunks)
    {
        var data = new List<byte>();
        var reply = new List<byte>();
        foreach (var chunk in chunks)
        {
            var buffer = new byte[chunk.Length];
            var n = telnet.Decode(chunk, buffer, reply);
            data.AddRange(buffer[..n]);
        }

        return ([.. data], [.. reply]);
    }

    [Fact]
    public void The_client_offers_com_port_control_and_binary_mode()
    {
        // Given a client for 115200 baud
        var telnet = new TelnetComPort(115200);

        // When it starts
        var opening = telnet.Start();

        // Then it sends WILL COM-PORT-OPTION, WILL/DO BINARY and DO SUPPRESS-GO-AHEAD
        opening.Should().Equal(Iac, Will, 44, Iac, Will, 0, Iac, Do, 0, Iac, Do, 3);
    }

    [Fact]
    public void When_the_server_agrees_to_option_44_the_client_sets_baud_rate_data_size_parity_and_stop_bits()
    {
        // Given a started client for 9600 baud
        var telnet = new TelnetComPort(9600);
        telnet.Start();

        // When the server answers DO 44
        var (data, reply) = Decode(telnet, [Iac, Do, 44]);

        // Then the client (already having said WILL) sends only the settings: SET-BAUDRATE 9600 big-endian, 8 data bits, no parity, 1 stop bit
        data.Should().BeEmpty();
        telnet.ComPortAccepted.Should().BeTrue();
        reply.Should().Equal(
            Iac, Sb, 44, 1, 0, 0, 0x25, 0x80, Iac, Se,
            Iac, Sb, 44, 2, 8, Iac, Se,
            Iac, Sb, 44, 3, 1, Iac, Se,
            Iac, Sb, 44, 4, 1, Iac, Se);
    }

    [Fact]
    public void A_baud_rate_containing_0xFF_is_escaped_inside_the_subnegotiation()
    {
        // Given a client for 255 baud (0x000000FF)
        var telnet = new TelnetComPort(255);
        telnet.Start();

        // When the server agrees to option 44
        var (_, reply) = Decode(telnet, [Iac, Do, 44]);

        // Then the 0xFF value byte is doubled
        reply.Take(11).Should().Equal(Iac, Sb, 44, 1, 0, 0, 0, Iac, Iac, Iac, Se);
    }

    [Fact]
    public void Escaped_0xFF_is_data_and_commands_are_removed_even_when_split_across_reads()
    {
        // Given a started client
        var telnet = new TelnetComPort(9600);
        telnet.Start();

        // When data arrives with IAC IAC split across reads, a NOP, a modem-state notification and a GA in the middle
        var (data, reply) = Decode(telnet,
            [(byte)'a', Iac],
            [Iac, (byte)'b', Iac, Nop, (byte)'c', Iac, Sb, 44, 107, 0x30],
            [Iac],
            [Se, (byte)'d', Iac, 249, (byte)'\r', (byte)'\n']);

        // Then only the serial data is left, with one 0xFF, and nothing needed an answer
        data.Should().Equal((byte)'a', 0xFF, (byte)'b', (byte)'c', (byte)'d', (byte)'\r', (byte)'\n');
        reply.Should().BeEmpty();
    }

    [Fact]
    public void An_escaped_0xFF_inside_a_subnegotiation_does_not_end_it()
    {
        // Given a started client
        var telnet = new TelnetComPort(9600);
        telnet.Start();

        // When the server confirms a baud rate of 0x0001C2FF (115455) with the FF escaped, followed by data
        var (data, _) = Decode(telnet, [Iac, Sb, 44, 101, 0x00, 0x01, 0xC2, Iac, Iac, Iac, Se, (byte)'x']);

        // Then the confirmation is read whole and the data after it is intact
        telnet.AcknowledgedBaudRate.Should().Be(0x0001C2FF);
        data.Should().Equal((byte)'x');
    }

    [Fact]
    public void Unwanted_options_are_refused_once_and_acknowledgements_are_not_answered()
    {
        // Given a started client (it asked DO BINARY, DO SGA)
        var telnet = new TelnetComPort(9600);
        telnet.Start();

        // When the server says WILL ECHO, WILL SGA (an answer), DO TERMINAL-TYPE, WILL LINEMODE, then WILL ECHO again
        var (_, reply) = Decode(telnet, [Iac, Will, 1, Iac, Will, 3, Iac, Do, 24, Iac, Will, 34, Iac, Will, 1]);

        // Then ECHO is accepted once, the SGA answer is not answered, and the rest are refused
        reply.Should().Equal(Iac, Do, 1, Iac, Wont, 24, Iac, Dont, 34);
    }

    [Fact]
    public void A_refusal_of_option_44_is_noted_and_data_still_flows()
    {
        // Given a started client
        var telnet = new TelnetComPort(9600);
        telnet.Start();

        // When the server refuses COM-PORT-CONTROL and then sends data
        var (data, reply) = Decode(telnet, [Iac, Dont, 44, (byte)'o', (byte)'k']);

        // Then the refusal is recorded without a reply loop
        telnet.ComPortRefused.Should().BeTrue();
        telnet.ComPortAccepted.Should().BeFalse();
        reply.Should().BeEmpty();
        Encoding.ASCII.GetString(data).Should().Be("ok");
    }

    [Fact]
    public void Outside_binary_mode_a_CR_NUL_pair_loses_its_NUL()
    {
        // Given a client whose server refused binary mode
        var telnet = new TelnetComPort(9600);
        telnet.Start();
        Decode(telnet, [Iac, Wont, 0]);

        // When a bare CR arrives as CR NUL, and a NUL elsewhere
        var (data, _) = Decode(telnet, [(byte)'a', (byte)'\r', 0, (byte)'b', 0]);

        // Then the stuffing NUL is gone and the other NUL is data
        data.Should().Equal((byte)'a', (byte)'\r', (byte)'b', 0);
    }

    [Fact]
    public void Writing_doubles_every_0xFF()
    {
        // Given data with two 0xFF bytes
        // When it is escaped
        var escaped = TelnetComPort.Escape([1, 0xFF, 2, 0xFF]);

        // Then each is doubled
        escaped.Should().Equal(1, 0xFF, 0xFF, 2, 0xFF, 0xFF);
    }
}
