using System.Globalization;
using System.Text;

namespace ParticleBlynk.SerialBridge;

/// <summary>One line the seed firmware prints on USB serial, typed; <see cref="Text"/> gives back the exact line.</summary>
public abstract record FirmwareLine
{
    /// <summary>The line as the firmware printed it, without "\r\n".</summary>
    public abstract string Text { get; }
}

/// <summary>setup(), L112: <c>Serial.printlnf("Device OS v%s", System.version().c_str())</c>.</summary>
public sealed record DeviceOsVersion(string Version) : FirmwareLine
{
    public override string Text => FirmwareLines.DeviceOsPrefix + Version;

    /// <summary>The numeric part ("6.2.1" of "6.2.1-rc.1"), when there is one.</summary>
    public Version? Numeric =>
        System.Version.TryParse(Version.Split('-', '+')[0], out var numeric) ? numeric : null;
}

/// <summary>setup(), L113: <c>Serial.printlnf("Free RAM %lu bytes", System.freeMemory())</c>.</summary>
public sealed record FreeRam(ulong Bytes) : FirmwareLine
{
    public override string Text => string.Create(CultureInfo.InvariantCulture, $"Free RAM {Bytes} bytes");
}

/// <summary>setup(), L114: <c>Serial.printlnf("Firmware version v%s", firmware_version)</c>.</summary>
public sealed record FirmwareVersion(string Version) : FirmwareLine
{
    public override string Text => FirmwareLines.FirmwareVersionPrefix + Version;
}

/// <summary>setup(), L119: <c>Serial.println("Setup complete")</c>: setup() has returned and loop() starts.</summary>
public sealed record SetupComplete : FirmwareLine
{
    public override string Text => FirmwareLines.SetupCompleteText;
}

/// <summary>pubToParticleBlynk(), L72: <c>"Sending to Blynk: '%s' with size of %u bytes"</c>, just before Particle.publish.</summary>
/// <param name="Payload">The event data, verbatim (it may itself contain quotes and spaces).</param>
/// <param name="ReportedSize">strlen(data) as the firmware printed it.</param>
public sealed record SendingToBlynk(string Payload, ulong ReportedSize) : FirmwareLine
{
    public override string Text => string.Create(CultureInfo.InvariantCulture, $"{FirmwareLines.SendingPrefix}{Payload}{FirmwareLines.SendingSizeMarker}{ReportedSize} bytes");

    /// <summary>The reported size is the payload's UTF-8 byte count (strlen), as it always is unless the line was garbled.</summary>
    public bool SizeMatchesPayload => (ulong)Encoding.UTF8.GetByteCount(Payload) == ReportedSize;
}

/// <summary>pubToParticleBlynk(), L80: <c>Serial.println("ERROR: Particle.publish()")</c>: the publish was not acknowledged.</summary>
public sealed record PublishFailed : FirmwareLine
{
    public override string Text => FirmwareLines.PublishFailedText;
}

/// <summary>blynkLED(), L169-171: the cloud function got an argument other than on/off/1/0.</summary>
/// <param name="Value">The argument, verbatim (may be empty or contain quotes).</param>
public sealed record UnexpectedOnOffValue(string Value) : FirmwareLine
{
    public override string Text => FirmwareLines.UnexpectedOnOffPrefix + Value + "'";
}

/// <summary>Anything else: Device OS output, a garbled or cut line, another firmware's output.</summary>
public sealed record UnknownLine(string Line) : FirmwareLine
{
    public override string Text => Line;
}

/// <summary>Parses the seed firmware's serial lines (seed-firmware.ino L72, L80, L112-L114, L119, L169-L171).</summary>
public static class FirmwareLines
{
    internal const string DeviceOsPrefix = "Device OS v";
    internal const string FreeRamPrefix = "Free RAM ";
    internal const string FreeRamSuffix = " bytes";
    internal const string FirmwareVersionPrefix = "Firmware version v";
    internal const string SetupCompleteText = "Setup complete";
    internal const string SendingPrefix = "Sending to Blynk: '";
    internal const string SendingSizeMarker = "' with size of ";
    internal const string PublishFailedText = "ERROR: Particle.publish()";
    internal const string UnexpectedOnOffPrefix = "Unexpected on_off value of: '";

    /// <summary>
    /// Types one line (without its "\r\n"). Exact match only: a prefix alone, a different case, or extra
    /// whitespace around a fixed text gives <see cref="UnknownLine"/>; never throws.
    /// </summary>
    public static FirmwareLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);

        if (line == SetupCompleteText)
        {
            return new SetupComplete();
        }

        if (line == PublishFailedText)
        {
            return new PublishFailed();
        }

        if (line.StartsWith(DeviceOsPrefix, StringComparison.Ordinal) && line.Length > DeviceOsPrefix.Length)
        {
            return new DeviceOsVersion(line[DeviceOsPrefix.Length..]);
        }

        if (line.StartsWith(FirmwareVersionPrefix, StringComparison.Ordinal) && line.Length > FirmwareVersionPrefix.Length)
        {
            return new FirmwareVersion(line[FirmwareVersionPrefix.Length..]);
        }

        if (line.StartsWith(FreeRamPrefix, StringComparison.Ordinal)
            && line.EndsWith(FreeRamSuffix, StringComparison.Ordinal)
            && TryParseCount(line.AsSpan(FreeRamPrefix.Length, Math.Max(0, line.Length - FreeRamPrefix.Length - FreeRamSuffix.Length)), out var free))
        {
            return new FreeRam(free);
        }

        if (TryParseSending(line) is { } sending)
        {
            return sending;
        }

        if (line.StartsWith(UnexpectedOnOffPrefix, StringComparison.Ordinal)
            && line.Length > UnexpectedOnOffPrefix.Length
            && line[^1] == '\'')
        {
            return new UnexpectedOnOffValue(line[UnexpectedOnOffPrefix.Length..^1]);
        }

        return new UnknownLine(line);
    }

    private static SendingToBlynk? TryParseSending(string line)
    {
        if (!line.StartsWith(SendingPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        // The payload may contain "' with size of " itself; the firmware's own marker is the last one.
        // The prefix's quote cannot double as the closing one: "Sending to Blynk: ' with size of 0 bytes" is not the format.
        var marker = line.LastIndexOf(SendingSizeMarker, StringComparison.Ordinal);
        if (marker < SendingPrefix.Length)
        {
            return null;
        }

        var tail = line.AsSpan(marker + SendingSizeMarker.Length);
        if (!tail.EndsWith(FreeRamSuffix, StringComparison.Ordinal)
            || !TryParseCount(tail[..^FreeRamSuffix.Length], out var size))
        {
            return null;
        }

        return new SendingToBlynk(line[SendingPrefix.Length..marker], size);
    }

    /// <summary>A printf %u/%lu: ASCII digits only, no sign, no spaces, fits 64 bits.</summary>
    private static bool TryParseCount(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        return digits.Length is > 0 and <= 20
            && !digits.ContainsAnyExcept("0123456789")
            && ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
