using System.Text.Json;

namespace ParticleBlynk.Emulator.Tests;

public sealed class FixedSketchTests
{
    [Theory]
    [InlineData(-10.0, "0.000000")]
    [InlineData(1e300, "3.300000")]
    [InlineData(double.PositiveInfinity, "3.300000")]
    [InlineData(double.NaN, "3.141590")]
    public void Payload_is_valid_json_with_v15_in_range_whatever_v15_was_set_to(double v15, string reported)
    {
        // Given the fixed sketch
        var bench = SketchBench.Create(SketchKind.Fixed);

        // When it publishes at a 10-digit millis with that v15
        var attempt = bench.PublishOnceAt(4294967295u, v15);

        // Then v15 was brought into 0–3.3 and the payload parses
        using var json = JsonDocument.Parse(attempt.Data);
        attempt.Data.Should().Contain($"\"v15\":{reported},");
        json.RootElement.GetProperty("v14").GetUInt32().Should().Be(4294967295u);
    }

    [Fact]
    public void Payload_buffer_grows_with_the_token_so_a_long_token_is_never_cut()
    {
        // Given the fixed sketch with a 64-character token
        var bench = SketchBench.Create(SketchKind.Fixed, token: new string('t', 64));

        // When it publishes at a 10-digit millis
        var attempt = bench.PublishOnceAt(4294967295u, 3.3, ledState: 1);

        // Then the whole payload (120 bytes) was sent
        attempt.Length.Should().Be(120);
        using var json = JsonDocument.Parse(attempt.Data);
        json.RootElement.GetProperty("t").GetString().Should().HaveLength(64);
    }

    [Fact]
    public void V15_stays_within_0_and_3_3_over_a_virtual_day_while_the_seed_leaves_the_range()
    {
        // Given both sketches stepping their sensor every 20 s for 24 h
        static (double Min, double Max) Run(SketchKind kind)
        {
            var bench = SketchBench.Create(kind);
            bench.Os.CloudConnected = false;
            var (min, max) = (double.MaxValue, double.MinValue);
            for (uint ms = 0; ms <= 86_400_000; ms += 1000)
            {
                bench.Os.SetMillis(ms);
                bench.Sketch.Loop();
                min = Math.Min(min, bench.Sketch.V15);
                max = Math.Max(max, bench.Sketch.V15);
            }

            return (min, max);
        }

        // When they run
        var seed = Run(SketchKind.Seed);
        var fixedRange = Run(SketchKind.Fixed);

        // Then the fixed v15 never leaves 0–3.3 and the seed's does
        fixedRange.Min.Should().BeGreaterThanOrEqualTo(0);
        fixedRange.Max.Should().BeLessThanOrEqualTo(3.3);
        (seed.Min < 0 || seed.Max > 3.3).Should().BeTrue($"the seed's range was {seed.Min}..{seed.Max}");
    }
}
