using System.Text;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator.Tests;

public sealed class EmulatedDeviceTests
{
    private static EmulatorOptions Options(SketchKind sketch = SketchKind.Seed) =>
        new() { Sketch = sketch, BlynkToken = SketchBench.Token };

    [Fact]
    public void First_loop_runs_1000_ms_after_power_on_with_a_serial_host_attached()
    {
        // Given a powered Boron (cloud connects after 500 ms)
        var rig = DeviceRig.PoweredOn(Options());

        // When the harness runs what is due, instant by instant
        var first = rig.Ms(rig.Device.NextDueAt!.Value);
        rig.RunTo(first);
        var second = rig.Ms(rig.Device.NextDueAt!.Value);
        rig.RunTo(second);

        // Then the cloud came up at 500, setup finished and the first loop published at 1000, and the next loop is at 1010
        first.Should().Be(500);
        second.Should().Be(1000);
        rig.Cloud.Sessions.Should().Equal("connected " + rig.Device.DeviceId);
        rig.Device.SerialLines.Select(l => rig.Ms(l.At)).Should().AllBeEquivalentTo(1000L);
        rig.Device.PublishAttempts.Should().ContainSingle().Which.Millis.Should().Be(1000u);
        rig.Ms(rig.Device.NextDueAt!.Value).Should().Be(1010);
    }

    [Fact]
    public void Without_a_serial_host_setup_waits_30_s_before_its_1_s_delay()
    {
        // Given a board with no USB host
        var rig = DeviceRig.PoweredOn(Options() with { SerialHostAttached = false });

        // When 40 s pass
        rig.RunTo(40_000);

        // Then the first loop ran at 31 000 ms
        rig.Device.PublishAttempts[0].Millis.Should().Be(31_000u);
    }

    [Fact]
    public void Attaching_the_serial_host_ends_waitFor_at_that_instant()
    {
        // Given a board waiting for a USB host
        var rig = DeviceRig.PoweredOn(Options() with { SerialHostAttached = false });
        rig.RunTo(12_000);

        // When a host attaches at 12 s
        rig.Device.SetSerialHostAttached(true);
        rig.RunTo(20_000);

        // Then setup continues: delay(1000), first loop at 13 000
        rig.Device.PublishAttempts[0].Millis.Should().Be(13_000u);
    }

    [Fact]
    public void Function_calls_run_at_the_next_loop_boundary_and_complete_right_after_returning()
    {
        // Given a booted board between two loops (loops at 1000, 1010, …)
        var rig = DeviceRig.PoweredOn(Options());
        rig.RunTo(1005);
        FunctionCallResult? result = null;

        // When the cloud calls blynk_led("on") at 1005
        rig.Device.EnqueueFunctionCall("blynk_led", "on", r => result = r);
        var pendingBefore = result;
        rig.RunTo(1010);

        // Then it ran at 1010, before that loop, which republished and lit the LED
        pendingBefore.Should().BeNull();
        result.Should().Be(FunctionCallResult.Returned(1));
        rig.Ms(rig.Device.FunctionCalls.Should().ContainSingle().Subject.At).Should().Be(1010);
        rig.Device.PublishAttempts[^1].Data.Should().EndWith("\"v16\":1,\"v17\":1}");
        rig.Device.UserLedOn.Should().BeTrue();
        rig.Ms(rig.Device.LedChanges[^1].At).Should().Be(1010);
    }

    [Fact]
    public void Boot_publish_is_lost_by_the_seed_when_the_cloud_connects_after_the_first_loop()
    {
        // Given the seed on a board whose cloud session comes up after 5 s
        var rig = DeviceRig.PoweredOn(Options() with { CloudConnectDelay = TimeSpan.FromSeconds(5) });

        // When 310 s pass
        rig.RunTo(310_000);

        // Then nothing was published until the 5-minute timer: millis() − 0 > 300000 first holds at the loop at 300 010
        rig.Device.PublishAttempts.Should().ContainSingle().Which.Millis.Should().Be(300_010u);
    }

    [Fact]
    public void Boot_publish_is_kept_by_the_fixed_sketch_when_the_cloud_connects_after_the_first_loop()
    {
        // Given the fixed sketch on a board whose cloud session comes up after 5 s
        var rig = DeviceRig.PoweredOn(Options(SketchKind.Fixed) with { CloudConnectDelay = TimeSpan.FromSeconds(5) });

        // When 10 s pass
        rig.RunTo(10_000);

        // Then the boot publish went out on the loop where the cloud came up
        rig.Device.PublishAttempts.Should().ContainSingle().Which.Millis.Should().Be(5_000u);
        rig.Cloud.Events.Should().ContainSingle();
    }

    [Theory]
    [InlineData(SketchKind.Seed, new uint[] { 1000, 300_010 })]
    [InlineData(SketchKind.Fixed, new uint[] { 1000, 2000, 3000 })]
    public void A_failed_publish_is_retried_after_5_minutes_by_the_seed_and_after_1_s_by_the_fixed_sketch(SketchKind sketch, uint[] expectedAttempts)
    {
        // Given publishes that are not acknowledged until 2.5 s
        var rig = DeviceRig.PoweredOn(Options(sketch) with { PublishAcknowledged = false });
        rig.RunTo(2_500);
        rig.Device.PublishAcknowledged = true;

        // When the board runs to 303 s (before the fixed sketch's next timer publish at 303 010)
        rig.RunTo(303_000);

        // Then the attempts are at these millis
        rig.Device.PublishAttempts.Select(a => a.Millis).Should().Equal(expectedAttempts);
        rig.Device.SerialLines.Should().Contain(l => l.Text == "ERROR: Particle.publish()");
    }

    [Theory]
    [InlineData(SketchKind.Seed, 500_010)]
    [InlineData(SketchKind.Fixed, 300_010)]
    public void Gap_between_publishes_across_the_millis_wrap(SketchKind sketch, long expectedGapMs)
    {
        // Given a board whose first loop (and publish) is at millis 2^32 − 200 000
        var rig = DeviceRig.PoweredOn(Options(sketch) with { MillisAtBoot = unchecked(0u - 201_000u) });

        // When it runs through the wrap (millis 0 at 201 s after power-on)
        rig.RunTo(600_000);

        // Then the seed's reset of timer_last at the wrap (L88-89) restarts the 5 minutes from 0:
        // gap = 200 000 (to the wrap) + 300 010; the fixed sketch's uint32 subtraction spans the wrap: 300 010
        var sent = rig.Device.PublishAttempts.Where(a => a.Outcome == PublishOutcome.Sent).Select(a => rig.Ms(a.At)).Distinct().ToList();
        sent[0].Should().Be(1_000);
        (sent[1] - sent[0]).Should().Be(expectedGapMs);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(12)]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(10)]
    public void Seed_drives_the_D7_led_on_Boron_Argon_Core_Photon_and_Electron(int platformId)
    {
        // Given the seed on that board
        // (on its default Device OS: Core, Photon and Electron run setup() once the cloud is up, so it ends at 1 500 ms)
        var rig = DeviceRig.PoweredOn(Options() with { Platform = Platforms.ById(platformId) });
        rig.RunTo(1_500);
        var afterSetup = rig.Device.UserLedOn;

        // When blynk_led("on") is called
        rig.Device.EnqueueFunctionCall("blynk_led", "on", _ => { });
        rig.RunTo(1_510);

        // Then the LED was dark after setup and is lit now
        afterSetup.Should().BeFalse();
        rig.Device.D7Mode.Should().Be(GpioMode.Output);
        rig.Device.UserLedOn.Should().BeTrue();
    }

    [Theory]
    [InlineData(SketchKind.Seed, false, GpioMode.None)]
    [InlineData(SketchKind.Fixed, true, GpioMode.Output)]
    public void Photon_2_led_is_driven_only_by_the_fixed_sketch(SketchKind sketch, bool expectedLit, GpioMode expectedMode)
    {
        // Given a Photon 2 (platform 32, which has a blue LED on D7)
        var rig = DeviceRig.PoweredOn(Options(sketch) with { Platform = Platforms.Photon2 });
        rig.RunTo(1_000);

        // When blynk_led("on") is called
        rig.Device.EnqueueFunctionCall("blynk_led", "on", _ => { });
        rig.RunTo(1_010);

        // Then only the fixed sketch lights it; the seed leaves D7 unconfigured
        rig.Device.UserLedOn.Should().Be(expectedLit);
        rig.Device.D7Mode.Should().Be(expectedMode);
    }

    [Fact]
    public void A_board_without_a_user_led_reports_no_led_state()
    {
        // Given a P2 module (platform 32, no LED) running the fixed sketch
        var rig = DeviceRig.PoweredOn(Options(SketchKind.Fixed) with { Platform = Platforms.P2 });
        rig.RunTo(1_000);
        rig.Device.EnqueueFunctionCall("blynk_led", "on", _ => { });

        // When it runs
        rig.RunTo(1_010);

        // Then D7 is driven but there is no LED to see
        rig.Device.D7Level.Should().BeTrue();
        rig.Device.UserLedOn.Should().BeNull();
    }

    [Fact]
    public void Dropping_and_restoring_the_cloud_connection_is_reported_to_the_cloud()
    {
        // Given a connected board
        var rig = DeviceRig.PoweredOn(Options());
        rig.RunTo(2_000);

        // When the connection drops at 2 s and is restored 3 s later
        rig.Device.DropCloudConnection();
        var connectedAfterDrop = rig.Device.CloudConnected;
        rig.Device.RestoreCloudConnection(TimeSpan.FromSeconds(3));
        rig.RunTo(4_990);
        var before = rig.Device.CloudConnected;
        rig.RunTo(5_000);

        // Then the cloud saw connected, disconnected, connected, the last at 5 s
        connectedAfterDrop.Should().BeFalse();
        before.Should().BeFalse();
        rig.Device.CloudConnected.Should().BeTrue();
        rig.Cloud.Sessions.Should().Equal("connected " + rig.Device.DeviceId, "disconnected " + rig.Device.DeviceId, "connected " + rig.Device.DeviceId);
    }

    [Fact]
    public void A_publish_the_cloud_does_not_acknowledge_fails_on_the_device()
    {
        // Given a cloud that does not acknowledge
        var rig = DeviceRig.PoweredOn(Options());
        rig.Cloud.Acknowledge = false;

        // When the boot publish goes out
        rig.RunTo(1_000);

        // Then the cloud got the event but the firmware saw false
        rig.Cloud.Events.Should().ContainSingle();
        rig.Device.PublishAttempts.Should().ContainSingle().Which.Outcome.Should().Be(PublishOutcome.NotAcknowledged);
        rig.Device.SerialLines[^1].Text.Should().Be("ERROR: Particle.publish()");
    }

    [Fact]
    public void Serial_bytes_are_the_lines_with_crlf()
    {
        // Given a booted board
        var rig = DeviceRig.PoweredOn(Options());

        // When it has run setup and its first loop
        rig.RunTo(1_000);

        // Then the raw bytes are the lines, each ended by \r\n
        var expected = string.Concat(rig.Device.SerialLines.Select(l => l.Text + "\r\n"));
        Encoding.UTF8.GetString(rig.Device.SerialOutput.Span).Should().Be(expected);
        rig.Device.SerialLines.Should().HaveCount(5);
    }

    [Fact]
    public async Task Power_off_stops_the_device_and_reset_runs_setup_again_from_millis_zero()
    {
        // Given a board that ran for 10 s
        var rig = DeviceRig.PoweredOn(Options());
        rig.RunTo(10_000);

        // When it is powered off, then reset at 20 s
        rig.Device.PowerOff();
        var dueWhenOff = rig.Device.NextDueAt;
        rig.RunTo(20_000);
        await rig.Device.ResetAsync(TestContext.Current.CancellationToken);
        rig.RunTo(21_000);

        // Then nothing was due while off, and the second boot published at millis 1000 again
        dueWhenOff.Should().BeNull();
        rig.Device.PublishAttempts.Select(a => (a.Millis, rig.Ms(a.At))).Should().Equal((1000u, 1000L), (1000u, 21_000L));
        rig.Cloud.Sessions.Should().HaveCount(3);
    }

    [Fact]
    public void SetMillis_jumps_the_counter_at_the_harness_instant()
    {
        // Given a board at 2 s
        var rig = DeviceRig.PoweredOn(Options());
        rig.RunTo(2_000);

        // When millis() is set to 2^32 − 5 and 10 ms pass
        rig.Device.SetMillis(uint.MaxValue - 4);
        rig.RunTo(2_010);

        // Then millis() wrapped to 5
        rig.Device.Millis.Should().Be(5u);
    }
}

public sealed class EmulatedDeviceCadenceTests
{
    [Fact]
    public void One_virtual_hour_at_a_10_ms_loop_runs_every_loop_and_publishes_every_300_010_ms()
    {
        // Given a powered seed board
        var rig = DeviceRig.PoweredOn(new EmulatorOptions());

        // When one virtual hour passes
        rig.Device.RunUntil(DeviceRig.Start.AddHours(1));

        // Then loops ran from 1000 to 3 600 000 every 10 ms, and publishes came at 1000 + k × 300 010
        rig.Device.LoopCount.Should().Be(359_901);
        rig.Device.PublishAttempts.Select(a => a.Millis).Should().Equal(Enumerable.Range(0, 12).Select(k => (uint)(1000 + (k * 300_010))));
    }
}

/// <summary>Loops run back to back (the harness clock's batches) leave the trace they leave one at a time.</summary>
public sealed class BatchedLoopTests
{
    private static EmulatorOptions Options() => new() { Sketch = SketchKind.Seed, BlynkToken = SketchBench.Token };

    [Fact]
    public void Batched_loops_leave_the_same_trace_as_loops_run_one_at_a_time_and_a_batch_stops_right_after_an_effect()
    {
        // Given two identical Borons, one stepped instant by instant and one in batches (as the harness clock batches)
        var single = DeviceRig.PoweredOn(Options());
        var batched = DeviceRig.PoweredOn(Options());
        var end = DeviceRig.Start.AddMinutes(15);
        var batches = new List<(long From, long To, long Ran, long Effects)>();

        // When both run 15 virtual minutes (a batch may run to the end; the batched rig's time follows each instant)
        single.RunTo(15 * 60_000);
        while (batched.Device.NextDueAt is { } due && due <= end)
        {
            var effects = batched.Device.EffectCount;
            batched.Time.SetUtcNow(due);
            var ran = batched.Device.RunDueBatch(
                due,
                end.AddTicks(1),
                instant =>
                {
                    batched.Time.SetUtcNow(instant);
                    return true;
                },
                stopAfterEffects: true);
            batches.Add((batched.Ms(due), batched.Ms(batched.Time.GetUtcNow()), ran, batched.Device.EffectCount - effects));
        }

        // Then every observation is the same: serial lines, publishes (with their millis and instants), the LED, the loop count
        batched.Device.LoopCount.Should().Be(single.Device.LoopCount);
        batched.Device.SerialLines.Should().Equal(single.Device.SerialLines);
        batched.Device.PublishAttempts.Should().Equal(single.Device.PublishAttempts);
        batched.Device.LedChanges.Should().Equal(single.Device.LedChanges);
        batched.Cloud.Events.Select(e => e.Data).Should().Equal(single.Cloud.Events.Select(e => e.Data));
        batched.Device.Sketch!.State.Should().Be(single.Device.Sketch!.State);

        // And a batch ended right after each publish (its last instant is the publish's), and effect-free loops ran back to back
        foreach (var publish in batched.Device.PublishAttempts)
        {
            batches.Should().Contain(b => b.To == batched.Ms(publish.At) && b.Effects > 0, $"the batch that published at {batched.Ms(publish.At)} ms stops there");
        }

        batches.Max(b => b.Ran).Should().BeGreaterThan(1000, "loops without an effect (about 30,000 per 5 minutes) run back to back");
    }

    [Fact]
    public void Loops_run_until_an_effect_leave_the_same_trace_and_stop_right_after_each_publish()
    {
        // Given two identical Borons, one stepped instant by instant, one run until each effect (time set only between runs)
        var single = DeviceRig.PoweredOn(Options());
        var batched = DeviceRig.PoweredOn(Options());
        var end = DeviceRig.Start.AddMinutes(15);
        var stops = new List<long>();

        // When both run 15 virtual minutes
        single.RunTo(15 * 60_000);
        while (batched.Device.NextDueAt is { } due && due <= end)
        {
            batched.Time.SetUtcNow(due);
            batched.Device.RunDueUntilEffect(due, end.AddTicks(1));
            batched.Time.SetUtcNow(new DateTimeOffset(batched.Device.BatchInstantTicks, TimeSpan.Zero));
            stops.Add(batched.Ms(batched.Time.GetUtcNow()));
        }

        // Then the same observations, and every publish ended a run at its own instant
        batched.Device.LoopCount.Should().Be(single.Device.LoopCount);
        batched.Device.SerialLines.Should().Equal(single.Device.SerialLines);
        batched.Device.PublishAttempts.Should().Equal(single.Device.PublishAttempts);
        batched.Device.LedChanges.Should().Equal(single.Device.LedChanges);
        batched.Device.Sketch!.State.Should().Be(single.Device.Sketch!.State);
        stops.Should().Contain(batched.Device.PublishAttempts.Select(p => batched.Ms(p.At)));
        stops.Count.Should().BeLessThan(20, "only effects (boot, cloud, publishes) end a run");
    }

    [Fact]
    public void A_batch_stops_when_the_harness_refuses_to_move_on()
    {
        // Given a running Boron
        var rig = DeviceRig.PoweredOn(Options());
        rig.RunTo(2_000);
        var loops = rig.Device.LoopCount;

        // When the harness lets it run only two more instants
        var allowed = 2;
        var ran = rig.Device.RunDueBatch(rig.Device.NextDueAt!.Value, DeviceRig.Start.AddHours(1), _ => allowed-- > 0);

        // Then it ran the first instant and the two allowed
        ran.Should().Be(3);
        rig.Device.LoopCount.Should().Be(loops + 3);
    }
}
