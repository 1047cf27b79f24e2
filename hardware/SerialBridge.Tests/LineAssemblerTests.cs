using System.Text;

namespace ParticleBlynk.SerialBridge.Tests;

public sealed class LineAssemblerTests
{
    private static List<AssembledLine> Feed(LineAssembler assembler, params string[] chunks)
    {
        var lines = new List<AssembledLine>();
        foreach (var chunk in chunks)
        {
            assembler.Feed(Encoding.UTF8.GetBytes(chunk), lines);
        }

        return lines;
    }

    [Fact]
    public void CRLF_and_LF_both_end_a_line_and_only_one_trailing_CR_is_removed()
    {
        // Given an assembler
        var assembler = new LineAssembler(1024);

        // When CRLF, LF, CRCRLF and an empty line arrive
        var lines = Feed(assembler, "a\r\nb\nc\r\r\n\r\n");

        // Then each is a whole line
        lines.Should().Equal(new AssembledLine("a", false), new AssembledLine("b", false), new AssembledLine("c\r", false), new AssembledLine("", false));
    }

    [Fact]
    public void A_partial_line_is_kept_across_reads_and_flushed_as_partial()
    {
        // Given an assembler that got a line in three pieces, CR and LF split, then a cut line
        var assembler = new LineAssembler(1024);
        var lines = Feed(assembler, "Setup com", "plete\r", "\nSending to", " Bl");

        // When the connection ends
        var partial = assembler.Flush();

        // Then the whole line came out once and the cut one is partial
        lines.Should().Equal(new AssembledLine("Setup complete", false));
        partial.Should().Be(new AssembledLine("Sending to Bl", true));
        assembler.Flush().Should().BeNull();
    }

    [Fact]
    public void A_multibyte_character_split_across_reads_is_decoded_whole()
    {
        // Given "°" (C2 B0) split between two reads
        var assembler = new LineAssembler(1024);
        var lines = new List<AssembledLine>();

        // When both halves arrive
        assembler.Feed(new byte[] { (byte)'x', 0xC2 }, lines);
        assembler.Feed(new byte[] { 0xB0, (byte)'\n', 0xFF, (byte)'\n' }, lines);

        // Then it is one character, and an invalid byte becomes U+FFFD
        lines.Should().Equal(new AssembledLine("x°", false), new AssembledLine("\uFFFD", false));
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_emitted_in_partial_pieces_without_losing_bytes()
    {
        // Given a cap of 16 bytes
        var assembler = new LineAssembler(16);

        // When 40 bytes without a line end arrive, then a line end
        var lines = Feed(assembler, new string('a', 20), new string('b', 20), "\n");

        // Then two full pieces are partial and the rest ends the line
        lines.Should().Equal(new AssembledLine(new string('a', 16), true), new AssembledLine("aaaa" + new string('b', 12), true), new AssembledLine("bbbbbbbb", false));
    }
}
