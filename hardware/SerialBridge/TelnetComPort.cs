using System.Buffers.Binary;

namespace ParticleBlynk.SerialBridge;

/// <summary>
/// The client side of Telnet with COM-PORT-CONTROL (RFC 854/855, RFC 2217): separates serial data from Telnet
/// commands (IAC IAC is a data 0xFF), answers option negotiation without loops, and sets the baud rate once the
/// server agrees to option 44. One instance per connection; <see cref="Decode"/> is called by one reader at a time.
/// </summary>
internal sealed class TelnetComPort(int baudRate)
{
    public const byte Iac = 255;
    public const byte Dont = 254;
    public const byte Do = 253;
    public const byte Wont = 252;
    public const byte Will = 251;
    public const byte Sb = 250;
    public const byte Se = 240;
    public const byte Binary = 0;
    public const byte Echo = 1;
    public const byte SuppressGoAhead = 3;
    public const byte ComPortOption = 44;

    /// <summary>RFC 2217 client→server commands; the server answers with the same number + 100.</summary>
    public const byte SetBaudRate = 1;
    public const byte SetDataSize = 2;
    public const byte SetParity = 3;
    public const byte SetStopSize = 4;
    private const byte ServerOffset = 100;

    private enum State
    {
        Data,
        Iac,
        Verb,
        Subnegotiation,
        SubnegotiationIac,
    }

    private readonly bool[] _localEnabled = new bool[256];
    private readonly bool[] _localPending = new bool[256];
    private readonly bool[] _remoteEnabled = new bool[256];
    private readonly bool[] _remotePending = new bool[256];
    private readonly List<byte> _subnegotiation = [];
    private State _state = State.Data;
    private byte _verb;
    private bool _lastDataWasCarriageReturn;

    /// <summary>The server agreed to COM-PORT-CONTROL (sent DO 44).</summary>
    public bool ComPortAccepted => _localEnabled[ComPortOption];

    /// <summary>The server refused COM-PORT-CONTROL (DONT 44): data still flows, the baud rate is the server's.</summary>
    public bool ComPortRefused { get; private set; }

    /// <summary>The baud rate the server confirmed (SET-BAUDRATE reply), once it has.</summary>
    public int? AcknowledgedBaudRate { get; private set; }

    /// <summary>The client's opening: WILL COM-PORT-OPTION, and binary transmission both ways (no CR NUL stuffing).</summary>
    public byte[] Start()
    {
        _localPending[ComPortOption] = true;
        _localPending[Binary] = true;
        _remotePending[Binary] = true;
        _remotePending[SuppressGoAhead] = true;
        return [Iac, Will, ComPortOption, Iac, Will, Binary, Iac, Do, Binary, Iac, Do, SuppressGoAhead];
    }

    /// <summary>
    /// Decodes received bytes: serial data goes to <paramref name="data"/> (never longer than the input), what must be
    /// sent back (negotiation answers, COM-PORT settings) is appended to <paramref name="reply"/>. Returns the data length.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> data, List<byte> reply)
    {
        var count = 0;
        foreach (var b in input)
        {
            switch (_state)
            {
                case State.Data when b == Iac:
                    _state = State.Iac;
                    break;
                case State.Data:
                    // Outside binary mode a bare CR is sent as CR NUL (RFC 854); the NUL is not data.
                    if (!(b == 0 && _lastDataWasCarriageReturn && !_remoteEnabled[Binary]))
                    {
                        data[count++] = b;
                    }

                    _lastDataWasCarriageReturn = b == (byte)'\r';
                    break;
                case State.Iac:
                    switch (b)
                    {
                        case Iac:
                            data[count++] = Iac;
                            _lastDataWasCarriageReturn = false;
                            _state = State.Data;
                            break;
                        case Will or Wont or Do or Dont:
                            _verb = b;
                            _state = State.Verb;
                            break;
                        case Sb:
                            _subnegotiation.Clear();
                            _state = State.Subnegotiation;
                            break;
                        default:
                            // NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, or a stray SE: two bytes, nothing to do.
                            _state = State.Data;
                            break;
                    }

                    break;
                case State.Verb:
                    Negotiate(_verb, b, reply);
                    _state = State.Data;
                    break;
                case State.Subnegotiation when b == Iac:
                    _state = State.SubnegotiationIac;
                    break;
                case State.Subnegotiation:
                    _subnegotiation.Add(b);
                    break;
                case State.SubnegotiationIac:
                    if (b == Iac)
                    {
                        _subnegotiation.Add(Iac);
                        _state = State.Subnegotiation;
                    }
                    else if (b == Se)
                    {
                        Subnegotiated();
                        _state = State.Data;
                    }
                    else
                    {
                        // IAC <command> inside SB without SE: a broken server; drop the subnegotiation and resync.
                        _state = State.Data;
                    }

                    break;
            }
        }

        return count;
    }

    /// <summary>Doubles every 0xFF so the server does not take data for a command.</summary>
    public static byte[] Escape(ReadOnlySpan<byte> data)
    {
        var extra = data.Count(Iac);
        if (extra == 0)
        {
            return data.ToArray();
        }

        var escaped = new byte[data.Length + extra];
        var at = 0;
        foreach (var b in data)
        {
            escaped[at++] = b;
            if (b == Iac)
            {
                escaped[at++] = Iac;
            }
        }

        return escaped;
    }

    private static bool LocalWanted(byte option) => option is Binary or SuppressGoAhead or ComPortOption;

    private static bool RemoteWanted(byte option) => option is Binary or Echo or SuppressGoAhead;

    private void Negotiate(byte verb, byte option, List<byte> reply)
    {
        switch (verb)
        {
            case Will when _remoteEnabled[option]:
                break;
            case Will when RemoteWanted(option):
                _remoteEnabled[option] = true;
                if (!_remotePending[option])
                {
                    reply.AddRange([Iac, Do, option]);
                }

                _remotePending[option] = false;
                break;
            case Will:
                reply.AddRange([Iac, Dont, option]);
                break;
            case Wont:
                if (_remoteEnabled[option])
                {
                    _remoteEnabled[option] = false;
                    reply.AddRange([Iac, Dont, option]);
                }

                _remotePending[option] = false;
                break;
            case Do when _localEnabled[option]:
                break;
            case Do when LocalWanted(option):
                _localEnabled[option] = true;
                if (!_localPending[option])
                {
                    reply.AddRange([Iac, Will, option]);
                }

                _localPending[option] = false;
                if (option == ComPortOption)
                {
                    ComPortRefused = false;
                    AppendComPortSettings(reply);
                }

                break;
            case Do:
                reply.AddRange([Iac, Wont, option]);
                break;
            case Dont:
                if (_localEnabled[option])
                {
                    _localEnabled[option] = false;
                    reply.AddRange([Iac, Wont, option]);
                }

                if (option == ComPortOption)
                {
                    ComPortRefused = true;
                }

                _localPending[option] = false;
                break;
        }
    }

    private void AppendComPortSettings(List<byte> reply)
    {
        Span<byte> baud = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(baud, baudRate);
        AppendSubnegotiation(reply, SetBaudRate, baud);
        AppendSubnegotiation(reply, SetDataSize, [8]);
        AppendSubnegotiation(reply, SetParity, [1]); // NONE
        AppendSubnegotiation(reply, SetStopSize, [1]); // 1 stop bit
    }

    private static void AppendSubnegotiation(List<byte> reply, byte command, ReadOnlySpan<byte> value)
    {
        reply.AddRange([Iac, Sb, ComPortOption, command]);
        reply.AddRange(Escape(value));
        reply.AddRange([Iac, Se]);
    }

    private void Subnegotiated()
    {
        if (_subnegotiation.Count >= 6
            && _subnegotiation[0] == ComPortOption
            && _subnegotiation[1] == SetBaudRate + ServerOffset)
        {
            AcknowledgedBaudRate = BinaryPrimitives.ReadInt32BigEndian(
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_subnegotiation).Slice(2, 4));
        }
    }
}
