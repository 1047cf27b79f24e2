namespace ParticleBlynk.Emulator.Tests;

// Expected strings are what C prints (checked against glibc printf, which rounds %f exactly like newlib's dtoa).
public sealed class CFormatterTests
{
    [Theory]
    [InlineData(3.14159, "3.141590")]
    [InlineData(-0.5, "-0.500000")]
    [InlineData(0.0078125, "0.007812")] // exact tie, half-to-even keeps 2
    [InlineData(0.0234375, "0.023438")] // exact tie, half-to-even rounds 7 up
    [InlineData(-0.0, "-0.000000")]
    [InlineData(1e-7, "0.000000")]
    [InlineData(-1e-7, "-0.000000")] // C keeps the sign of a negative value that rounds to zero
    [InlineData(5e-7, "0.000000")] // 5e-7 is 4.99999…e-7 in binary
    [InlineData(2.5, "2.500000")]
    [InlineData(3.3, "3.300000")]
    [InlineData(-10.01, "-10.010000")]
    [InlineData(1234567.8901234, "1234567.890123")]
    [InlineData(4294967295.0, "4294967295.000000")]
    [InlineData(0.1, "0.100000")]
    [InlineData(1e-320, "0.000000")] // subnormal
    public void Percent_f_prints_six_decimals_exactly_as_newlib(double value, string expected)
    {
        // Given a double
        // When it is formatted with %f
        var text = CFormatter.Format("%f", value);

        // Then the text is C's
        text.Should().Be(expected);
    }

    [Fact]
    public void Percent_f_of_1e300_prints_the_full_301_digit_expansion_of_the_binary_value()
    {
        // Given 1e300, whose nearest double is not a round number
        const string expected =
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000";

        // When it is formatted with %f
        var text = CFormatter.Format("%f", 1e300);

        // Then every digit of the binary value is printed
        text.Should().Be(expected);
        text.IndexOf('.', StringComparison.Ordinal).Should().Be(301);
    }

    [Fact]
    public void Percent_f_of_non_finite_values_prints_nan_and_signed_inf_as_newlib_nano()
    {
        // Given NaN of both signs and the infinities
        var positiveNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

        // When formatted with %f (and %F, and a width)
        // Then nan has no sign (newlib-nano ignores it), inf keeps its sign, and a width pads with spaces
        CFormatter.Format("%f", positiveNaN).Should().Be("nan");
        CFormatter.Format("%f", double.NaN).Should().Be("nan");
        CFormatter.Format("%f", double.PositiveInfinity).Should().Be("inf");
        CFormatter.Format("%f", double.NegativeInfinity).Should().Be("-inf");
        CFormatter.Format("%F", double.NegativeInfinity).Should().Be("-INF");
        CFormatter.Format("%05f", double.PositiveInfinity).Should().Be("  inf");
    }

    [Fact]
    public void Precision_width_and_flags_follow_C()
    {
        // Given the format strings of the C reference program
        // When formatted
        var floats = CFormatter.Format(
            "%.0f|%.0f|%.0f|%.2f|%.3f|%10.3f|%-10.3f|%010.3f|%+f|% f", 0.5, 1.5, 2.5, 2.675, 1.0005, 3.14159, 3.14159, -3.14159, 3.14159, 3.14159);
        var integers = CFormatter.Format(
            "%u|%d|%lu|%5d|%-5d|%05d|%x|%X|%#x|%.3d|%s|%5s|%-5s|%.2s|%%|%c", -1, 2147483648u, 4294967295u, 42, 42, -42, 255u, 255u, 255u, 7, "abc", "ab", "ab", "abcdef", (int)'Z');

        // Then they match glibc/newlib output
        floats.Should().Be("0|2|2|2.67|1.000|     3.142|3.142     |-00003.142|+3.141590| 3.141590");
        integers.Should().Be("4294967295|-2147483648|4294967295|   42|42   |-0042|ff|FF|0xff|007|abc|   ab|ab   |ab|%|Z");
    }

    [Fact]
    public void Snprintf_keeps_size_minus_one_bytes_and_returns_the_untruncated_length()
    {
        // Given a 10-byte buffer
        // When 11 characters are printed into it
        var text = CFormatter.Snprintf(10, out var length, "hello world");

        // Then 9 bytes fit (the 10th is the NUL) and the return value is 11
        text.Should().Be("hello wor");
        length.Should().Be(11);
    }

    [Fact]
    public void Unsupported_conversions_fail_loudly_instead_of_printing_something_else()
    {
        // Given %g, which the emulator does not implement
        // When formatted
        var act = () => CFormatter.Format("%g", 1.0);

        // Then it throws
        act.Should().Throw<FormatException>();
    }
}
