using System.Text.Json;

namespace ParticleBlynk.Emulator.Tests;

public sealed class VirtualBoardRunnerTests
{
    private static List<JsonElement> Run(string script, EmulatorOptions? options = null)
    {
        using var output = new StringWriter();
        new VirtualBoardRunner(options ?? new EmulatorOptions { BlynkToken = SketchBench.Token }, output).Run(new StringReader(script));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }

    private static string Ev(JsonElement e) => e.GetProperty("ev").GetString()!;

    [Fact]
    public void Boot_prints_setup_events_in_firmware_order()
    {
        // Given a Boron
        // When the script boots it
        var events = Run("boot");

        // Then boot, pinMode, digitalWrite, the banner and the function registration come out in order
        events.Select(Ev).Should().Equal("boot", "pinmode", "dw", "serial", "serial", "serial", "fnreg", "serial");
        events[0].GetProperty("platform_id").GetInt32().Should().Be(13);
        events[0].GetProperty("token_len").GetInt32().Should().Be(32);
        events[1].GetProperty("pin").GetString().Should().Be("D7");
        events[1].GetProperty("mode").GetString().Should().Be("OUTPUT");
        events[3].GetProperty("t").GetUInt32().Should().Be(1000u);
        events[6].GetProperty("name").GetString().Should().Be("blynk_led");
    }

    [Fact]
    public void Call_takes_the_rest_of_the_line_and_quotes_keep_spaces()
    {
        // Given a script with calls after semicolons and a quoted argument
        var events = Run("log serial off; log publish off; log dw off; call blynk_led on; loop\ncall blynk_led \" on\"\ncall blynk_led");

        // When it runs
        var rets = events.Where(e => Ev(e) == "ret").ToList();

        // Then the first call's argument is the rest of its line, the quoted one keeps its space, the empty one is empty
        rets.Select(r => r.GetProperty("arg").GetString()).Should().Equal("on; loop", " on", "");
        rets.Select(r => r.GetProperty("ret").GetInt32()).Should().Equal(-1, -1, -1);
    }

    [Fact]
    public void Publish_events_report_length_flags_and_truncation()
    {
        // Given a booted board with v15 = -10.5 (stays ≤ -10 after one sensor step of ±0.01) at a 10-digit millis
        var events = Run("boot; loop; set_millis 4294960000; set_v15 -10.5; call blynk_led 0\nloop");

        // When the function-triggered publish runs
        var publish = events.Where(e => Ev(e) == "publish").Last();

        // Then the runner says the payload was cut
        publish.GetProperty("len").GetInt32().Should().Be(89);
        publish.GetProperty("flags").GetString().Should().Be("PRIVATE");
        publish.GetProperty("truncated").GetBoolean().Should().BeTrue();
        publish.GetProperty("result").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Non_finite_v15_is_written_as_a_string()
    {
        // Given v15 set to nan and then inf
        var events = Run("set_v15 nan; state a; set_v15 -inf; state b; set_v15 1e300; state c");

        // When the states are read
        var v15 = events.Where(e => Ev(e) == "state").Select(e => e.GetProperty("v15")).ToList();

        // Then nan/inf are strings and 1e300 a number
        v15[0].GetString().Should().Be("nan");
        v15[1].GetString().Should().Be("-inf");
        v15[2].GetDouble().Should().Be(1e300);
    }

    [Fact]
    public void A_bad_command_is_reported_with_its_line_and_the_script_goes_on()
    {
        // Given a script with an unknown command and a bad number, then a note with a comment
        var events = Run("frobnicate\nadvance abc\nnote still here # not part of the note");

        // When it runs
        // Then two errors name lines 1 and 2 and the note is kept without the comment
        events.Select(Ev).Should().Equal("error", "error", "note");
        events[0].GetProperty("line").GetInt32().Should().Be(1);
        events[1].GetProperty("line").GetInt32().Should().Be(2);
        events[2].GetProperty("text").GetString().Should().Be("still here");
    }

    [Fact]
    public void Steps_advance_then_loop_and_stats_count_them()
    {
        // Given a booted board with digitalWrite logging limited to changes
        var events = Run("log dw changes; boot; steps 100 10000; stats");

        // When stats are read
        var stats = events.Last();

        // Then 100 loops ran over 1000 s (boot publish + timer publishes at > 300 s intervals)
        stats.GetProperty("loops").GetInt64().Should().Be(100);
        stats.GetProperty("t").GetUInt32().Should().Be(1_001_000u);
        stats.GetProperty("publishes").GetInt64().Should().Be(4);
        stats.GetProperty("max_len").GetInt32().Should().Be(84); // 6-digit millis from 301 000
    }
}
