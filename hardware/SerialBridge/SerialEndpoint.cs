using System.Globalization;

namespace ParticleBlynk.SerialBridge;

/// <summary>Where a board's serial port is: a tty, a raw TCP export, an RFC 2217 export, or "find it on USB".</summary>
public abstract record SerialEndpoint
{
    private const string Usage =
        "Expected a device path (/dev/ttyACM0, /dev/serial/by-id/usb-Particle_…, /dev/pts/3), socket://host:port, rfc2217://host:port, usb or usb:<serial number>.";

    /// <summary>How the endpoint is written on a command line or in a log.</summary>
    public abstract string Display { get; }

    public sealed override string ToString() => Display;

    /// <summary>Parses an endpoint; throws <see cref="ArgumentException"/> saying what was wrong and what is accepted.</summary>
    public static SerialEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new ArgumentException("The serial endpoint is empty. " + Usage, nameof(text));
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The serial endpoint contains a NUL character. " + Usage, nameof(text));
        }

        if (value.Equals("usb", StringComparison.OrdinalIgnoreCase))
        {
            return new UsbDiscoveryEndpoint(null);
        }

        if (value.StartsWith("usb:", StringComparison.OrdinalIgnoreCase))
        {
            var selector = value[4..].Trim();
            return selector.Length == 0 || selector.Contains('/', StringComparison.Ordinal)
                ? throw new ArgumentException($"'{text}': after usb: give the board's USB serial number or device id, or write just usb. " + Usage, nameof(text))
                : new UsbDiscoveryEndpoint(selector);
        }

        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = value[..schemeEnd].ToLowerInvariant();
            var (host, port) = ParseHostPort(text, value[(schemeEnd + 3)..]);
            return scheme switch
            {
                "socket" => new TcpRawEndpoint(host, port),
                "rfc2217" => new Rfc2217Endpoint(host, port),
                _ => throw new ArgumentException($"'{text}': unsupported scheme '{scheme}'. " + Usage, nameof(text)),
            };
        }

        if (value.StartsWith('/'))
        {
            return new DevicePathEndpoint(value);
        }

        throw new ArgumentException(
            $"'{text}' is neither an absolute device path nor a URL (did you mean /dev/{value}?). " + Usage, nameof(text));
    }

    private static (string Host, int Port) ParseHostPort(string original, string authority)
    {
        authority = authority.TrimEnd('/');
        if (authority.IndexOfAny(['/', '?', '#', '@']) >= 0)
        {
            throw new ArgumentException($"'{original}': only host:port may follow the scheme (no path, query or user).", nameof(original));
        }

        string host;
        string portText;
        if (authority.StartsWith('['))
        {
            // [IPv6]:port
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= authority.Length || authority[close + 1] != ':')
            {
                throw new ArgumentException($"'{original}': an IPv6 host is written [address]:port.", nameof(original));
            }

            host = authority[1..close];
            portText = authority[(close + 2)..];
            if (Uri.CheckHostName(host) != UriHostNameType.IPv6)
            {
                throw new ArgumentException($"'{original}': '{host}' is not an IPv6 address.", nameof(original));
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0 || authority.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw new ArgumentException($"'{original}': give host:port (IPv6 as [address]:port).", nameof(original));
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (host.Length == 0 || Uri.CheckHostName(host) is UriHostNameType.Unknown)
            {
                throw new ArgumentException($"'{original}': '{host}' is not a host name or address.", nameof(original));
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{original}': the port '{portText}' is not a number from 1 to 65535.", nameof(original));
        }

        return (host, port);
    }
}

/// <summary>A tty node or any symlink to one: /dev/ttyACM0, /dev/serial/by-id/usb-Particle_…, /dev/pts/3.</summary>
public sealed record DevicePathEndpoint(string Path) : SerialEndpoint
{
    public override string Display => Path;
}

/// <summary>A raw TCP export of a serial port (ser2net "tcp" accepter, labgrid, socat TCP-LISTEN).</summary>
public sealed record TcpRawEndpoint(string Host, int Port) : SerialEndpoint
{
    public override string Display => string.Create(CultureInfo.InvariantCulture, $"socket://{FormatHost(Host)}:{Port}");

    internal static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
}

/// <summary>A Telnet export with COM-PORT-CONTROL (RFC 2217), as ser2net's telnet(rfc2217) accepter serves.</summary>
public sealed record Rfc2217Endpoint(string Host, int Port) : SerialEndpoint
{
    public override string Display => string.Create(CultureInfo.InvariantCulture, $"rfc2217://{TcpRawEndpoint.FormatHost(Host)}:{Port}");
}

/// <summary>Find a Particle board on USB: the only one (or the first by tty name), or the one with this USB serial number / device id.</summary>
public sealed record UsbDiscoveryEndpoint(string? Selector) : SerialEndpoint
{
    public override string Display => Selector is null ? "usb" : "usb:" + Selector;
}
