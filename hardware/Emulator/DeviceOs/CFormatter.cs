using System.Globalization;
using System.Numerics;
using System.Text;

namespace ParticleBlynk.Emulator;

/// <summary>
/// C <c>printf</c>/<c>snprintf</c> as newlib-nano formats on the device (Device OS links nano.specs with
/// <c>-u _printf_float</c>): %d %i %u %x %X %o %c %s %f %F %%, flags <c>-+ 0#</c>, width, precision,
/// length modifiers hh h l ll z (l is 32-bit on ARM). %f is exact: the binary value's decimal expansion,
/// rounded half-to-even at the precision, as newlib's _dtoa_r mode 3 does (1e300 prints all 301 digits).
/// Strings are UTF-8 on the device, so lengths and truncation count bytes.
/// </summary>
public static class CFormatter
{
    /// <summary>
    /// <c>snprintf(buf, bufferSize, format, ...)</c>: the text that lands in the buffer (at most bufferSize − 1 bytes)
    /// and, in <paramref name="fullLength"/>, the return value C would give (the untruncated length).
    /// </summary>
    public static string Snprintf(int bufferSize, out int fullLength, string format, params ReadOnlySpan<CArg> args)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSize);
        var full = Format(format, args);
        fullLength = Encoding.UTF8.GetByteCount(full);
        return bufferSize == 0 ? string.Empty : TruncateUtf8(full, bufferSize - 1, out _);
    }

    /// <summary><c>snprintf</c> with the return value ignored, as the seed firmware does.</summary>
    public static string Snprintf(int bufferSize, string format, params ReadOnlySpan<CArg> args) =>
        Snprintf(bufferSize, out _, format, args);

    /// <summary>Unbounded <c>vsnprintf</c> (what Particle's Print::printf/printlnf ends up printing: it allocates when its stack buffer is short).</summary>
    public static string Format(string format, params ReadOnlySpan<CArg> args)
    {
        ArgumentNullException.ThrowIfNull(format);
        var sb = new StringBuilder(format.Length + 32);
        var next = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i++];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            var spec = ParseSpec(format, ref i);
            if (spec.Conversion == '%')
            {
                sb.Append('%');
                continue;
            }

            if (next >= args.Length)
            {
                throw new FormatException($"Format '{format}' needs more than {args.Length} argument(s).");
            }

            Append(sb, spec, args[next++]);
        }

        return sb.ToString();
    }

    /// <summary>strlen() of a C string holding <paramref name="text"/> (UTF-8 bytes).</summary>
    public static int Strlen(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Keeps at most <paramref name="maxBytes"/> UTF-8 bytes (a cut multi-byte character is dropped whole).</summary>
    public static string TruncateUtf8(string text, int maxBytes, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Fast path: ASCII text up to the limit, the only case the sketches produce.
        if (text.Length <= maxBytes && Ascii.IsValid(text))
        {
            truncated = false;
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= maxBytes)
        {
            truncated = false;
            return text;
        }

        truncated = true;
        var cut = maxBytes;
        // Back off to a character boundary: continuation bytes are 10xxxxxx.
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(bytes, 0, cut);
    }

    /// <summary>%f of a double with the given precision, exactly as newlib prints it (nan without sign, inf with).</summary>
    public static string FormatFixed(double value, int precision = 6, bool upperCase = false)
    {
        if (double.IsNaN(value))
        {
            // newlib-nano's _printf_float prints NaN without a sign, whatever its sign bit.
            return upperCase ? "NAN" : "nan";
        }

        var negative = double.IsNegative(value);
        if (double.IsInfinity(value))
        {
            return (negative ? "-" : string.Empty) + (upperCase ? "INF" : "inf");
        }

        var digits = FixedDigits(Math.Abs(value), precision);
        return negative ? "-" + digits : digits;
    }

    private static string FixedDigits(double magnitude, int precision)
    {
        // Exact: magnitude = mantissa * 2^exponent; scaled = round_half_even(magnitude * 10^precision).
        var bits = BitConverter.DoubleToInt64Bits(magnitude);
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        int exponent;
        if (rawExponent == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = rawExponent - 1075;
        }

        BigInteger scaled;
        var pow10 = BigInteger.Pow(10, precision);
        if (exponent >= 0)
        {
            scaled = new BigInteger(mantissa) * BigInteger.Pow(2, exponent) * pow10;
        }
        else
        {
            var numerator = new BigInteger(mantissa) * pow10;
            var denominator = BigInteger.One << -exponent;
            scaled = BigInteger.DivRem(numerator, denominator, out var remainder);
            var twice = remainder << 1;
            var cmp = twice.CompareTo(denominator);
            if (cmp > 0 || (cmp == 0 && !scaled.IsEven))
            {
                scaled += 1;
            }
        }

        var text = scaled.ToString(CultureInfo.InvariantCulture);
        if (precision == 0)
        {
            return text;
        }

        if (text.Length <= precision)
        {
            text = new string('0', precision - text.Length + 1) + text;
        }

        return string.Concat(text.AsSpan(0, text.Length - precision), ".", text.AsSpan(text.Length - precision));
    }

    private readonly record struct Spec(bool LeftAlign, bool Plus, bool Space, bool Zero, bool Alternate, int Width, int Precision, string Length, char Conversion);

    private static Spec ParseSpec(string format, ref int i)
    {
        bool left = false, plus = false, space = false, zero = false, alt = false;
        for (; i < format.Length; i++)
        {
            switch (format[i])
            {
                case '-': left = true; continue;
                case '+': plus = true; continue;
                case ' ': space = true; continue;
                case '0': zero = true; continue;
                case '#': alt = true; continue;
            }

            break;
        }

        var width = 0;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            width = (width * 10) + (format[i++] - '0');
        }

        var precision = -1;
        if (i < format.Length && format[i] == '.')
        {
            i++;
            precision = 0;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
            {
                precision = (precision * 10) + (format[i++] - '0');
            }
        }

        var start = i;
        while (i < format.Length && format[i] is 'h' or 'l' or 'z' or 't' or 'j')
        {
            i++;
        }

        var length = format[start..i];
        if (i >= format.Length)
        {
            throw new FormatException($"Format '{format}' ends inside a conversion.");
        }

        return new Spec(left, plus, space, zero, alt, width, precision, length, format[i++]);
    }

    private static void Append(StringBuilder sb, Spec spec, CArg arg)
    {
        string body;
        var sign = string.Empty;
        var numeric = true;
        switch (spec.Conversion)
        {
            case 'd' or 'i':
                {
                    var v = SignedValue(arg, spec.Length);
                    sign = v < 0 ? "-" : spec.Plus ? "+" : spec.Space ? " " : string.Empty;
                    body = IntegerDigits(BigInteger.Abs(v).ToString(CultureInfo.InvariantCulture), spec.Precision);
                    break;
                }

            case 'u':
                body = IntegerDigits(UnsignedValue(arg, spec.Length).ToString(CultureInfo.InvariantCulture), spec.Precision);
                break;
            case 'x' or 'X' or 'o':
                {
                    var v = UnsignedValue(arg, spec.Length);
                    var text = spec.Conversion == 'o' ? Convert.ToString((long)v, 8) : v.ToString(spec.Conversion == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                    body = IntegerDigits(text, spec.Precision);
                    if (spec.Alternate && v != 0)
                    {
                        sign = spec.Conversion == 'o' ? "0" : spec.Conversion == 'x' ? "0x" : "0X";
                    }

                    break;
                }

            case 'c':
                numeric = false;
                body = ((char)(byte)Expect(arg, CArgKind.Integer).Integer).ToString();
                break;
            case 's':
                {
                    numeric = false;
                    var s = Expect(arg, CArgKind.Text).Text ?? "(null)";
                    body = spec.Precision >= 0 ? TruncateUtf8(s, spec.Precision, out _) : s;
                    break;
                }

            case 'f' or 'F':
                {
                    var v = Expect(arg, CArgKind.Real).Real;
                    var text = FormatFixed(v, spec.Precision < 0 ? 6 : spec.Precision, spec.Conversion == 'F');
                    if (text[0] == '-')
                    {
                        sign = "-";
                        text = text[1..];
                    }
                    else if (!double.IsNaN(v))
                    {
                        sign = spec.Plus ? "+" : spec.Space ? " " : string.Empty;
                    }

                    if (spec.Alternate && spec.Precision == 0 && double.IsFinite(v))
                    {
                        text += ".";
                    }

                    // Zero padding does not apply to inf/nan.
                    numeric = double.IsFinite(v);
                    body = text;
                    break;
                }

            default:
                throw new FormatException($"Conversion '%{spec.Conversion}' is not supported by the emulator's C formatter.");
        }

        var padding = spec.Width - (sign.Length + body.Length);
        // The 0 flag is ignored with '-', and for integers when a precision is given.
        var zeroPad = spec.Zero && !spec.LeftAlign && numeric && !(spec.Precision >= 0 && spec.Conversion is not ('f' or 'F'));
        if (padding <= 0)
        {
            sb.Append(sign).Append(body);
        }
        else if (spec.LeftAlign)
        {
            sb.Append(sign).Append(body).Append(' ', padding);
        }
        else if (zeroPad)
        {
            sb.Append(sign).Append('0', padding).Append(body);
        }
        else
        {
            sb.Append(' ', padding).Append(sign).Append(body);
        }
    }

    private static string IntegerDigits(string digits, int precision)
    {
        if (precision < 0)
        {
            return digits;
        }

        // "%.0d" of 0 prints nothing.
        if (precision == 0 && digits == "0")
        {
            return string.Empty;
        }

        return digits.Length >= precision ? digits : new string('0', precision - digits.Length) + digits;
    }

    private static CArg Expect(CArg arg, CArgKind kind) =>
        arg.Kind == kind ? arg : throw new FormatException($"Expected a {kind} argument, got {arg.Kind} (C would read garbage here).");

    // int, long and size_t are 32-bit on the device; ll is 64-bit; h/hh narrow.
    private static long SignedValue(CArg arg, string length)
    {
        var raw = Expect(arg, CArgKind.Integer).Integer;
        return length switch
        {
            "ll" or "j" => raw,
            "h" => (short)raw,
            "hh" => (sbyte)raw,
            _ => (int)raw,
        };
    }

    private static ulong UnsignedValue(CArg arg, string length)
    {
        var raw = Expect(arg, CArgKind.Integer).Integer;
        return length switch
        {
            "ll" or "j" => (ulong)raw,
            "h" => (ushort)raw,
            "hh" => (byte)raw,
            _ => (uint)raw,
        };
    }
}
