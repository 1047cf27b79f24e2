using System.Text;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

public sealed class DeviceOsTests
{
    private static DeviceOs Os(Platform? platform = null, Version? deviceOs = null) =>
        new(new EmulatorOptions { Platform = platform ?? Platforms.Boron, DeviceOsVersion = deviceOs ?? new Version(6, 2, 1) }, DateTimeOffset.UnixEpoch) { CloudConnected = true };

    [Fact]
    public void Millis_is_a_uint32_that_wraps_at_2_pow_32()
    {
        // Given millis() one millisecond before the wrap
        var os = Os();
        os.SetMillis(uint.MaxValue);

        // When 11 ms pass
        os.Advance(11);

        // Then millis() is 10 while elapsed time keeps counting
        os.Millis().Should().Be(10u);
        os.ElapsedMs.Should().Be(11);
    }

    [Fact]
    public void Delay_moves_the_devices_own_clock()
    {
        // Given a device at millis 100
        var os = Os();
        os.SetMillis(100);

        // When the firmware calls delay(250)
        os.Delay(250);

        // Then millis() has moved by 250
        os.Millis().Should().Be(350u);
    }

    [Fact]
    public void Publish_while_the_cloud_is_down_returns_false_without_taking_a_rate_limiter_slot()
    {
        // Given a disconnected device
        var os = Os();
        var attempts = new List<PublishAttempt>();
        os.PublishAttempted += attempts.Add;
        os.CloudConnected = false;

        // When it publishes ten times, reconnects, and publishes four more times in the same millisecond
        var offline = Enumerable.Range(0, 10).Select(_ => os.Publish("e", "d", PublishFlags.Private)).ToArray();
        os.CloudConnected = true;
        var online = Enumerable.Range(0, 4).Select(_ => os.Publish("e", "d", PublishFlags.Private)).ToArray();

        // Then the offline ones fail as NotConnected and the four online ones all pass
        offline.Should().AllBeEquivalentTo(false);
        attempts.Take(10).Should().OnlyContain(a => a.Outcome == PublishOutcome.NotConnected);
        online.Should().AllBeEquivalentTo(true);
    }

    [Theory]
    [InlineData(13, "6.2.1", 1024)] // Gen 3
    [InlineData(32, "6.2.1", 1024)] // Gen 4
    [InlineData(6, "3.3.1", 864)] // Gen 2 on 3.x
    [InlineData(13, "2.3.0", 622)]
    [InlineData(6, "0.7.0", 255)]
    public void Publish_silently_truncates_data_to_the_platform_and_version_limit(int platformId, string version, int limit)
    {
        // Given a device of that platform and Device OS version
        var os = Os(Platforms.ById(platformId), Version.Parse(version));
        PublishAttempt? attempt = null;
        os.PublishAttempted += a => attempt = a;

        // When 2000 bytes are published
        var result = os.Publish("e", new string('x', 2000), PublishFlags.Private);

        // Then the data is cut to the limit, the call still succeeds, and the attempt says so
        result.Should().BeTrue();
        attempt!.Data.Should().HaveLength(limit);
        attempt.Length.Should().Be(2000);
        attempt.Truncated.Should().BeTrue();
    }

    [Fact]
    public void Publish_cuts_the_event_name_to_64_bytes_and_records_the_flags()
    {
        // Given a device and a cloud that records events
        var os = Os();
        var sent = new List<DeviceEvent>();
        os.Uplink = e =>
        {
            sent.Add(e);
            return true;
        };

        // When a 70-character name is published PRIVATE
        os.Publish(new string('n', 70), "d", PublishFlags.Private);

        // Then the cloud receives 64 characters and the flag
        sent.Should().ContainSingle().Which.Should().Be(new DeviceEvent(os.DeviceId, new string('n', 64), "d", PublishFlags.Private));
    }

    [Fact]
    public void Publish_without_acknowledgement_returns_false()
    {
        // Given a device whose publishes are not acknowledged
        var os = Os();
        os.PublishAcknowledged = false;
        PublishAttempt? attempt = null;
        os.PublishAttempted += a => attempt = a;

        // When it publishes
        var result = os.Publish("e", "d", PublishFlags.Private);

        // Then the firmware sees false
        result.Should().BeFalse();
        attempt!.Outcome.Should().Be(PublishOutcome.NotAcknowledged);
    }

    [Fact]
    public void At_most_15_functions_with_keys_of_at_most_64_bytes_can_be_registered()
    {
        // Given a device
        var os = Os();

        // When 16 functions and one with a 65-character key are registered
        var results = Enumerable.Range(0, 16).Select(i => os.RegisterFunction("f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0)).ToArray();
        var longKey = Os().RegisterFunction(new string('k', 65), _ => 0);

        // Then the first 15 succeed, the 16th and the long key fail
        results.Take(15).Should().AllBeEquivalentTo(true);
        results[15].Should().BeFalse();
        longKey.Should().BeFalse();
        os.Functions.Should().HaveCount(15);
    }

    [Fact]
    public void Function_calls_with_an_unknown_name_or_an_oversized_argument_are_refused()
    {
        // Given a Boron with one function (argument limit 1024)
        var os = Os();
        os.RegisterFunction("f", arg => arg.Length);

        // When called with a good argument, a 1025-byte argument, and an unknown name
        // Then only the first returns a value
        os.CallFunction("f", "abc").Should().Be(FunctionCallResult.Returned(3));
        os.CallFunction("f", new string('a', 1025)).ReturnValue.Should().BeNull();
        os.CallFunction("g", "x").Error.Should().Be("Function g not found");
    }

    [Fact]
    public void DigitalWrite_is_ignored_on_a_pin_that_was_never_configured()
    {
        // Given a device whose D7 has no pinMode
        var os = Os();

        // When D7 is written HIGH, then configured and written HIGH
        os.DigitalWrite(DeviceOs.D7, 1);
        var before = os.GetPinLevel(DeviceOs.D7);
        os.PinMode(DeviceOs.D7, GpioMode.Output);
        os.DigitalWrite(DeviceOs.D7, 1);

        // Then only the second write took effect
        before.Should().BeFalse();
        os.GetPinLevel(DeviceOs.D7).Should().BeTrue();
    }

    [Fact]
    public void Serial_println_ends_lines_with_crlf_and_the_stream_is_cut_into_lines()
    {
        // Given a device recording serial bytes and lines
        var os = Os();
        var bytes = new List<byte>();
        var lines = new List<string>();
        os.Serial.BytesWritten += b => bytes.AddRange(b.ToArray());
        os.Serial.LineCompleted += lines.Add;

        // When the firmware prints
        os.Serial.Print("a");
        os.Serial.Println("b");
        os.Serial.Printlnf("n=%u v=%f", 7u, 0.5);

        // Then the bytes carry \r\n and the lines do not
        Encoding.ASCII.GetString(bytes.ToArray()).Should().Be("ab\r\nn=7 v=0.500000\r\n");
        lines.Should().Equal("ab", "n=7 v=0.500000");
    }
}
