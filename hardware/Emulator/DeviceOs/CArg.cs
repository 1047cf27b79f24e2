namespace ParticleBlynk.Emulator;

/// <summary>One C vararg as the 32-bit ARM ABI passes it: an integer (int/unsigned/uint8 promoted), a double, or a char*.</summary>
public readonly struct CArg
{
    private CArg(CArgKind kind, long integer, double real, string? text)
    {
        Kind = kind;
        Integer = integer;
        Real = real;
        Text = text;
    }

    public CArgKind Kind { get; }

    /// <summary>The integer's bits (a 32-bit int/unsigned is stored sign- or zero-extended).</summary>
    public long Integer { get; }

    public double Real { get; }

    public string? Text { get; }

    public static CArg FromInt(int value) => new(CArgKind.Integer, value, 0, null);

    public static CArg FromUInt(uint value) => new(CArgKind.Integer, value, 0, null);

    public static CArg FromLong(long value) => new(CArgKind.Integer, value, 0, null);

    public static CArg FromDouble(double value) => new(CArgKind.Real, 0, value, null);

    public static CArg FromString(string? value) => new(CArgKind.Text, 0, 0, value);

    public static implicit operator CArg(int value) => FromInt(value);

    public static implicit operator CArg(uint value) => FromUInt(value);

    // uint8_t is promoted to int in varargs.
    public static implicit operator CArg(byte value) => FromInt(value);

    public static implicit operator CArg(long value) => FromLong(value);

    public static implicit operator CArg(double value) => FromDouble(value);

    // float is promoted to double in varargs.
    public static implicit operator CArg(float value) => FromDouble(value);

    public static implicit operator CArg(string? value) => FromString(value);
}

/// <summary>What a <see cref="CArg"/> holds.</summary>
public enum CArgKind
{
    Integer,
    Real,
    Text,
}
