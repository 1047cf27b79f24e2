using System.Text.Json;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

public sealed class SeedSketchTests
{
    [Theory]
    [InlineData(0u, 3.14159, 79)]
    [InlineData(4294967295u, 3.14159, 88)]
    [InlineData(4294967295u, -0.5, 89)]
    [InlineData(1000000000u, 10.0, 89)]
    public void Payload_with_a_32_character_token_fits_the_90_byte_buffer_up_to_89_bytes(uint millis, double v15, int expectedLength)
    {
        // Given the seed with a real 32-character token
        var bench = SketchBench.Create();

        // When it publishes at that millis() with that v15
        var attempt = bench.PublishOnceAt(millis, v15);

        // Then the payload has the computed length and is valid JSON
        attempt.Length.Should().Be(expectedLength);
        attempt.Data.Should().EndWith("}");
        var act = () => JsonDocument.Parse(attempt.Data).Dispose();
        act.Should().NotThrow();
    }

    [Fact]
    public void Payload_at_boot_is_exactly_the_firmwares_format()
    {
        // Given the seed
        var bench = SketchBench.Create();

        // When it publishes at millis 0
        var attempt = bench.PublishOnceAt(0, 3.14159);

        // Then the event, flags, data and serial line are byte for byte the firmware's
        attempt.Name.Should().Be("blynk_https_get");
        attempt.Flags.Should().Be(PublishFlags.Private);
        attempt.Data.Should().Be("{\"t\":\"0123456789abcdef0123456789abcdef\",\"v14\":0,\"v15\":3.141590,\"v16\":0,\"v17\":0}");
        bench.Lines.Should().Equal($"Sending to Blynk: '{attempt.Data}' with size of 79 bytes");
    }

    [Fact]
    public void Payload_with_v15_below_minus_10_and_a_10_digit_millis_is_cut_into_invalid_json()
    {
        // Given the seed
        var bench = SketchBench.Create();

        // When it publishes at millis 4000000000 with v15 = -10
        var attempt = bench.PublishOnceAt(4000000000u, -10.0);

        // Then snprintf kept 89 bytes, the closing brace is gone, and the JSON no longer parses
        attempt.Length.Should().Be(89);
        attempt.Data.Should().Be("{\"t\":\"0123456789abcdef0123456789abcdef\",\"v14\":4000000000,\"v15\":-10.000000,\"v16\":0,\"v17\":0");
        var act = () => JsonDocument.Parse(attempt.Data).Dispose();
        act.Should().Throw<JsonException>();
        attempt.Outcome.Should().Be(PublishOutcome.Sent);
    }

    [Theory]
    [InlineData("on", 1, true)]
    [InlineData("off", 0, true)]
    [InlineData("1", 1, true)]
    [InlineData("0", 0, true)]
    [InlineData("ON", -1, false)]
    [InlineData(" on", -1, false)]
    [InlineData("", -1, false)]
    public void Blynk_led_returns_1_0_or_minus_1_and_republishes_only_on_a_valid_argument(string argument, int expected, bool republishes)
    {
        // Given a booted seed that has done its boot publish
        var bench = SketchBench.Create().RunSetup();
        bench.Sketch.Loop();
        var publishesBefore = bench.Publishes.Count;

        // When blynk_led is called, then loop() runs
        var result = bench.Os.CallFunction("blynk_led", argument);
        bench.Sketch.Loop();

        // Then the return value and the republish follow the firmware
        result.ReturnValue.Should().Be(expected);
        bench.Publishes.Count.Should().Be(publishesBefore + (republishes ? 1 : 0));
    }

    [Fact]
    public void Blynk_led_with_an_unexpected_value_prints_it_between_quotes()
    {
        // Given a booted seed
        var bench = SketchBench.Create().RunSetup();
        bench.Lines.Clear();

        // When called with "ON"
        bench.Os.CallFunction("blynk_led", "ON");

        // Then lines 169-171 print it
        bench.Lines.Should().Equal("Unexpected on_off value of: 'ON'");
    }

    [Fact]
    public void Setup_prints_the_banner_and_registers_blynk_led_after_one_second()
    {
        // Given a Boron running the seed with a serial host attached
        var bench = SketchBench.Create();

        // When setup() runs
        bench.RunSetup();

        // Then it waited 1000 ms and printed the firmware's lines
        bench.Os.Millis().Should().Be(1000u);
        bench.Lines.Should().Equal("Device OS v6.2.1", "Free RAM 79432 bytes", "Firmware version v0.0.0", "Setup complete");
        bench.Os.Functions.Should().Equal("blynk_led");
    }

    [Theory]
    [InlineData(20000u, 3.1509830922448634)] // sim = 1481765933 % 20000 = 5933
    [InlineData(3000000000u, 3.1505569199660419)] // sim = 1481765933 % (int)3000000000 = 186798637; double cos would give 3.1505408147015426
    public void Sensor_step_uses_float_cosine_of_a_float_quotient_as_the_cpp_source_does(uint millis, double expected)
    {
        // Given the seed in its initial state (first rand() = 1481765933)
        var bench = SketchBench.Create();
        bench.Os.SetMillis(millis);
        bench.Sketch.ParticleFnCalled = false;
        bench.Sketch.TimerLast = millis;

        // When the first loop runs 20 s or more after simSensor_timer_last
        bench.Sketch.Loop();

        // Then v15 moved by the float delta (value computed by gcc with cosf)
        bench.Sketch.V15.Should().Be(expected);
        bench.Sketch.SimSensorTimerLast.Should().Be(millis);
    }

    [Fact]
    public void Random_is_called_on_every_loop_even_without_a_sensor_step()
    {
        // Given the seed at millis 1000
        var bench = SketchBench.Create();
        bench.Os.SetMillis(1000);
        bench.Sketch.ParticleFnCalled = false;

        // When two loops run
        bench.Sketch.Loop();
        bench.Sketch.Loop();

        // Then rand() advanced twice
        var reference = new NewlibRandom();
        reference.Rand();
        reference.Rand();
        bench.Os.Random.State.Should().Be(reference.State);
    }
}
