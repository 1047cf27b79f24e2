namespace ParticleBlynk.SerialBridge.Tests;

public sealed class FirmwareLinesTests
{
    public static TheoryData<string, FirmwareLine> FirmwareOutput => new()
    {
        { "Device OS v6.2.1", new DeviceOsVersion("6.2.1") },
        { "Device OS v5.0.0-rc.1", new DeviceOsVersion("5.0.0-rc.1") },
        { "Free RAM 81920 bytes", new FreeRam(81920) },
        { "Free RAM 0 bytes", new FreeRam(0) },
        { "Free RAM 4294967295 bytes", new FreeRam(4294967295) },
        { "Firmware version v0.0.0", new FirmwareVersion("0.0.0") },
        { "Setup complete", new SetupComplete() },
        { "ERROR: Particle.publish()", new PublishFailed() },
        {
            "Sending to Blynk: '{\"t\":\"your Blynk 32 char auth token\",\"v14\":0,\"v15\":3.141590,\"v16\":0,\"v17\":0}' with size of 88 bytes",
            new SendingToBlynk("{\"t\":\"your Blynk 32 char auth token\",\"v14\":0,\"v15\":3.141590,\"v16\":0,\"v17\":0}", 88)
        },
        { "Sending to Blynk: '' with size of 0 bytes", new SendingToBlynk("", 0) },
        { "Sending to Blynk: 'it's ' quoted' with size of 14 bytes", new SendingToBlynk("it's ' quoted", 14) },
        { "Sending to Blynk: 'a' with size of 1 bytes' with size of 3 bytes", new SendingToBlynk("a' with size of 1 bytes", 3) },
        { "Unexpected on_off value of: 'ON'", new UnexpectedOnOffValue("ON") },
        { "Unexpected on_off value of: ''", new UnexpectedOnOffValue("") },
        { "Unexpected on_off value of: ' on'", new UnexpectedOnOffValue(" on") },
        { "Unexpected on_off value of: 'it's'", new UnexpectedOnOffValue("it's") },
        { "Unexpected on_off value of: '''", new UnexpectedOnOffValue("'") },
    };

    [Theory]
    [MemberData(nameof(FirmwareOutput))]
    public void Each_line_the_firmware_prints_is_typed_and_gives_back_its_exact_text(string line, FirmwareLine expected)
    {
        // Given a line exactly as the firmware prints it
        // When it is parsed
        var parsed = FirmwareLines.Parse(line);

        // Then it is the expected record, and formatting it back gives the same line
        parsed.Should().Be(expected);
        parsed.Text.Should().Be(line);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("Device OS v")]
    [InlineData("Device OS")]
    [InlineData("device os v6.2.1")]
    [InlineData(" Device OS v6.2.1")]
    [InlineData("Free RAM bytes")]
    [InlineData("Free RAM  bytes")]
    [InlineData("Free RAM -1 bytes")]
    [InlineData("Free RAM +5 bytes")]
    [InlineData("Free RAM 1,024 bytes")]
    [InlineData("Free RAM 12 byte")]
    [InlineData("Free RAM 99999999999999999999999 bytes")]
    [InlineData("Free RAM ١٢ bytes")]
    [InlineData("Firmware version v")]
    [InlineData("Firmware version 0.0.0")]
    [InlineData("Setup complete ")]
    [InlineData("Setup completed")]
    [InlineData("setup complete")]
    [InlineData("Setup")]
    [InlineData("ERROR: Particle.publish")]
    [InlineData("ERROR: Particle.publish() ")]
    [InlineData("Sending to Blynk: '")]
    [InlineData("Sending to Blynk: '{\"t\":")]
    [InlineData("Sending to Blynk: ' with size of 0 bytes")]
    [InlineData("Sending to Blynk: 'x' with size of  bytes")]
    [InlineData("Sending to Blynk: 'x' with size of 1 byte")]
    [InlineData("Sending to Blynk: 'x' with size of -1 bytes")]
    [InlineData("Sending to Blynk: 'x' with size of 1 bytes trailing")]
    [InlineData("Sending to Blynk 'x' with size of 1 bytes")]
    [InlineData("Unexpected on_off value of: '")]
    [InlineData("Unexpected on_off value of: 'ON")]
    [InlineData("Unexpected on_off value of: ON'")]
    [InlineData("Unexpected on_off value of: 'ON' ")]
    [InlineData("\0Setup complete")]
    [InlineData("Setup complete\r")]
    [InlineData("\u001b[2JSetup complete")]
    [InlineData("0000000.123 [app] INFO: Setup complete")]
    public void Anything_else_is_an_unknown_line_kept_verbatim(string line)
    {
        // Given a line that is not exactly one of the firmware's formats (partial prefixes, case, whitespace, control characters)
        // When it is parsed
        var parsed = FirmwareLines.Parse(line);

        // Then it is an UnknownLine holding the text unchanged
        parsed.Should().Be(new UnknownLine(line));
        parsed.Text.Should().Be(line);
    }

    [Fact]
    public void A_very_long_line_parses_without_trouble()
    {
        // Given a megabyte-long payload line and a megabyte of noise
        var payload = new string('x', 1 << 20);
        var sending = $"Sending to Blynk: '{payload}' with size of {payload.Length} bytes";
        var noise = new string('\u0007', 1 << 20);

        // When both are parsed
        var parsedSending = FirmwareLines.Parse(sending);
        var parsedNoise = FirmwareLines.Parse(noise);

        // Then the payload is intact and the noise is unknown
        parsedSending.Should().BeOfType<SendingToBlynk>().Which.Payload.Length.Should().Be(1 << 20);
        ((SendingToBlynk)parsedSending).SizeMatchesPayload.Should().BeTrue();
        parsedNoise.Should().BeOfType<UnknownLine>();
    }

    [Fact]
    public void The_reported_size_is_compared_with_the_payloads_bytes_not_its_characters()
    {
        // Given a payload with a two-byte UTF-8 character, reported as strlen does
        var line = FirmwareLines.Parse("Sending to Blynk: '{\"v\":\"°\"}' with size of 10 bytes");

        // When / Then the size matches the byte count
        line.Should().BeOfType<SendingToBlynk>().Which.SizeMatchesPayload.Should().BeTrue();
        ((SendingToBlynk)FirmwareLines.Parse("Sending to Blynk: 'abc' with size of 4 bytes")).SizeMatchesPayload.Should().BeFalse();
    }

    [Fact]
    public void The_device_os_version_exposes_its_numeric_part()
    {
        // Given versions with and without a pre-release suffix
        // When / Then
        new DeviceOsVersion("6.2.1").Numeric.Should().Be(new Version(6, 2, 1));
        new DeviceOsVersion("5.0.0-rc.1").Numeric.Should().Be(new Version(5, 0, 0));
        new DeviceOsVersion("garbage").Numeric.Should().BeNull();
    }
}
