using System.Net;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>A session's board steered over the API: power, reset, the cloud link, millis(), v15, the serial transcript.</summary>
public sealed class BoardTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;

    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task Power_on_boots_the_board_and_power_off_takes_it_off_the_cloud()
    {
        // Given
        var (session, spec) = await _lab.CreateSessionAsync();
        var board = spec.DeviceId;

        // When
        var on = await _lab.Client.PowerAsync(session.Id, board, on: true);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(2)));
        var booted = await _lab.Client.BoardAsync(session.Id, board);
        var off = await _lab.Client.PowerAsync(session.Id, board, on: false);

        // Then
        on.State.Should().Be("booting", "setup() waits before it completes");
        on.CloudConnected.Should().BeFalse();
        booted.State.Should().Be("ready");
        booted.CloudConnected.Should().BeTrue();
        booted.Millis.Should().Be(2000);
        booted.SerialLines.Should().Be(5, "setup's four lines and the boot publish's");
        off.State.Should().Be("off");
        off.CloudConnected.Should().BeFalse();
        (await _lab.Client.BoardAsync(session.Id, board)).Should().Be(off);
    }

    [Fact]
    public async Task A_board_powered_off_refuses_v15_instead_of_setting_what_the_next_boot_discards()
    {
        // Given a board that booted and was powered off
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        await _lab.Client.PowerAsync(session.Id, spec.DeviceId, on: false);

        // When
        var answer = await _lab.SendAsync(HttpMethod.Put, $"sessions/{session.Id}/boards/{spec.DeviceId}/v15", """{"value":1.5}""");
        await _lab.Client.PowerAsync(session.Id, spec.DeviceId, on: true);

        // Then
        answer.Status.Should().Be(HttpStatusCode.Conflict, answer.ToString());
        answer.Error.Should().Contain("is off");
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).V15.Should().Be(3.14159, "the new boot starts from the sketch's initial v15 (L5)");
    }

    [Fact]
    public async Task Powering_on_twice_is_one_power_on()
    {
        // Given a board that powered on and ran a second
        var (session, spec) = await _lab.CreateSessionAsync();
        await _lab.Client.PowerAsync(session.Id, spec.DeviceId, on: true);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(1.5)));

        // When
        var again = await _lab.Client.PowerAsync(session.Id, spec.DeviceId, on: true);

        // Then
        again.Millis.Should().Be(1500, "the board was not restarted");
    }

    [Fact]
    public async Task Reset_restarts_the_board_from_millis_zero()
    {
        // Given a board that has run for 2 s
        var (session, spec) = await _lab.CreateBootedSessionAsync();

        // When
        var reset = await _lab.ResetAsync(session.Id, spec.DeviceId);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(2)));

        // Then
        reset.State.Should().Be("booting");
        reset.Millis.Should().Be(0);
        var publishes = (await _lab.Client.JournalAsync(session.Id, 0)).Hops.Where(h => h.Kind == HopKind.Publish).ToList();
        publishes.Redacted(spec).Should().HaveCount(2, "the reset board boots and publishes again");
        publishes[1].At.Should().Be(Start.AddSeconds(3));
    }

    [Fact]
    public async Task Setting_millis_is_reflected_and_wraps_as_a_uint32()
    {
        // Given
        var (session, spec) = await _lab.CreateBootedSessionAsync();

        // When
        var set = await _lab.Client.SetMillisAsync(session.Id, spec.DeviceId, uint.MaxValue - 999);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(2)));

        // Then
        set.Millis.Should().Be(uint.MaxValue - 999);
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).Millis.Should().Be(1000, "2^32 - 1000 + 2000 wraps to 1000");
    }

    [Fact]
    public async Task Setting_v15_is_reflected_even_outside_the_sensors_range()
    {
        // Given
        var (session, spec) = await _lab.CreateBootedSessionAsync();

        // When
        var inRange = await _lab.Client.SetV15Async(session.Id, spec.DeviceId, 1.25);
        var outside = await _lab.Client.SetV15Async(session.Id, spec.DeviceId, -7.5);

        // Then
        inRange.V15.Should().Be(1.25);
        outside.V15.Should().Be(-7.5, "a scenario sets v15 anywhere to show the seed's range defect");
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).V15.Should().Be(-7.5);
    }

    [Fact]
    public async Task Setting_v15_to_NaN_travels_over_the_control_API()
    {
        // Given
        var (session, spec) = await _lab.CreateBootedSessionAsync();

        // When (a scenario's "v15 is set to NaN" on the containers target)
        var set = await _lab.Client.SetV15Async(session.Id, spec.DeviceId, double.NaN);

        // Then
        set.V15.Should().Be(double.NaN);
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).V15.Should().Be(double.NaN);
    }

    [Fact]
    public async Task A_board_that_is_off_refuses_millis_v15_and_the_cloud_link_with_the_reason()
    {
        // Given a board never powered on
        var (session, spec) = await _lab.CreateSessionAsync();
        var board = $"sessions/{session.Id}/boards/{spec.DeviceId}";

        // When
        var millis = await _lab.SendAsync(HttpMethod.Put, board + "/millis", """{"value":5}""");
        var v15 = await _lab.SendAsync(HttpMethod.Put, board + "/v15", """{"value":1}""");
        var cloud = await _lab.SendAsync(HttpMethod.Post, board + "/cloud", """{"connected":false}""");

        // Then: 409 for each, with the reason
        foreach (var answer in new[] { millis, v15, cloud })
        {
            answer.Status.Should().Be(HttpStatusCode.Conflict, answer.ToString());
            answer.Error.Should().Contain("is off");
        }

        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).State.Should().Be("off");
    }

    [Fact]
    public async Task A_dropped_cloud_link_comes_back_exactly_when_asked()
    {
        // Given a booted board at 2 s
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var board = spec.DeviceId;

        // When
        var dropped = await _lab.Client.CloudAsync(session.Id, board, new CloudRequest(Connected: false));
        var restoring = await _lab.Client.CloudAsync(session.Id, board, new CloudRequest(Connected: true, After: TimeSpan.FromSeconds(30)));
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(29.99)));
        var justBefore = await _lab.Client.BoardAsync(session.Id, board);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMilliseconds(10)));
        var back = await _lab.Client.BoardAsync(session.Id, board);

        // Then
        dropped.CloudConnected.Should().BeFalse();
        restoring.CloudConnected.Should().BeFalse("it comes back after 30 s, not now");
        justBefore.CloudConnected.Should().BeFalse("29.99 s have passed");
        back.CloudConnected.Should().BeTrue("30 s have passed");
        back.State.Should().Be("ready");
    }

    [Fact]
    public async Task Serial_lines_page_after_an_index()
    {
        // Given a booted board: setup's four lines and the boot publish's
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var board = spec.DeviceId;

        // When
        var all = await _lab.Client.SerialAsync(session.Id, board, -1);
        var afterOne = await _lab.Client.SerialAsync(session.Id, board, 1);
        var afterLast = await _lab.Client.SerialAsync(session.Id, board, all.Count - 1);
        var unpaged = await _lab.SendAsync(HttpMethod.Get, $"sessions/{session.Id}/boards/{board}/serial");

        // Then
        all.Select(l => l.Index).Should().Equal(0, 1, 2, 3, 4);
        all[3].Text.Should().Be("Setup complete");
        all.Select(l => l.At).Distinct().Should().Equal(Start.AddSeconds(1));
        afterOne.Redacted(spec).Should().Equal(all.Skip(2).Redacted(spec));
        afterLast.Redacted(spec).Should().BeEmpty();
        WireJson.Deserialize<List<SerialLineInfo>>(unpaged.Body).Redacted(spec).Should().Equal(all.Redacted(spec), "no ?after= is every line");
    }

    [Fact]
    public async Task A_new_serial_line_is_paged_after_the_last_one_read()
    {
        // Given a reader that has read every line of the boot
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var read = await _lab.Client.SerialAsync(session.Id, spec.DeviceId, -1);

        // When the periodic publish prints its line
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));
        var page = await _lab.Client.SerialAsync(session.Id, spec.DeviceId, read[^1].Index);

        // Then
        time.SerialLines[spec.DeviceId].Should().Be(read.Count + page.Count);
        page.Select(l => l.Index).Should().Equal(read.Count);
        page.Redacted(spec)[0].Should().StartWith($"{read.Count} 00:05:01.010 Sending to Blynk: ", "the periodic publish at 301.01 s prints its payload");
    }
}
