using System.Text;

namespace ParticleBlynk.Emulator;

/// <summary>Receives the raw bytes the firmware writes to its USB serial port.</summary>
public delegate void SerialBytesHandler(ReadOnlySpan<byte> bytes);

/// <summary>
/// The USB CDC serial port (Serial): print/println/printlnf write the byte stream a host would read
/// (println ends lines with "\r\n", Particle's Print::println); the stream is also cut into lines.
/// </summary>
public sealed class UsbSerial
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly List<byte> _partialLine = [];

    internal UsbSerial(bool hostAttached) => HostAttached = hostAttached;

    /// <summary>A USB host has the port open (Serial.isConnected()).</summary>
    public bool HostAttached { get; set; }

    /// <summary>The baud rate passed to begin() (ignored by USB CDC, recorded for completeness).</summary>
    public int? Baud { get; private set; }

    /// <summary>Raised for every write, with the bytes written.</summary>
    public event SerialBytesHandler? BytesWritten;

    /// <summary>Raised when a line ends ("\n"; a preceding "\r" is not part of the line).</summary>
    public event Action<string>? LineCompleted;

    public void Begin(int baud) => Baud = baud;

    public bool IsConnected() => HostAttached;

    public void Print(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Println(string text)
    {
        Print(text);
        Write(CrLf);
    }

    public void Println() => Write(CrLf);

    /// <summary>Serial.printlnf: printf then "\r\n".</summary>
    public void Printlnf(string format, params ReadOnlySpan<CArg> args) => Println(CFormatter.Format(format, args));

    /// <summary>Serial.printf.</summary>
    public void Printf(string format, params ReadOnlySpan<CArg> args) => Print(CFormatter.Format(format, args));

    private void Write(ReadOnlySpan<byte> bytes)
    {
        BytesWritten?.Invoke(bytes);
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                var count = _partialLine.Count;
                if (count > 0 && _partialLine[count - 1] == (byte)'\r')
                {
                    count--;
                }

                var line = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partialLine)[..count]);
                _partialLine.Clear();
                LineCompleted?.Invoke(line);
            }
            else
            {
                _partialLine.Add(b);
            }
        }
    }
}
