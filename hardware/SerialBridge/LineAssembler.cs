using System.Text;

namespace ParticleBlynk.SerialBridge;

/// <summary>A line cut out of the byte stream.</summary>
/// <param name="Text">UTF-8 decoded (invalid bytes become U+FFFD), without "\n" and one trailing "\r".</param>
/// <param name="IsPartial">No line end followed: the connection ended, or the line grew past the length cap and was split.</param>
internal readonly record struct AssembledLine(string Text, bool IsPartial);

/// <summary>Splits one connection's bytes into lines (LF or CRLF), keeping a partial line across reads.</summary>
internal sealed class LineAssembler(int maxLineBytes)
{
    private readonly List<byte> _pending = [];

    public bool HasPartial => _pending.Count > 0;

    public void Feed(ReadOnlySpan<byte> bytes, List<AssembledLine> into)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var chunk = newline < 0 ? bytes : bytes[..newline];
            var room = maxLineBytes - _pending.Count;
            if (chunk.Length > room)
            {
                // A line with no end in sight: emit what fits rather than grow without bound (nothing is dropped).
                _pending.AddRange(chunk[..room]);
                into.Add(new AssembledLine(Decode(_pending, stripCarriageReturn: false), IsPartial: true));
                _pending.Clear();
                bytes = bytes[room..];
                continue;
            }

            _pending.AddRange(chunk);
            if (newline < 0)
            {
                return;
            }

            into.Add(new AssembledLine(Decode(_pending, stripCarriageReturn: true), IsPartial: false));
            _pending.Clear();
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>The bytes after the last line end, as a partial line, at the end of a connection; null when there are none.</summary>
    public AssembledLine? Flush()
    {
        if (_pending.Count == 0)
        {
            return null;
        }

        var line = new AssembledLine(Decode(_pending, stripCarriageReturn: true), IsPartial: true);
        _pending.Clear();
        return line;
    }

    private static string Decode(List<byte> bytes, bool stripCarriageReturn)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (stripCarriageReturn && span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        return Encoding.UTF8.GetString(span);
    }
}
