using System.Net;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>Sessions: a loop each (mocks on their own ports, the scenario's board, a virtual clock), created from a LabSpec, listed, deleted.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;

    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task A_created_session_is_listed_with_its_mocks_its_board_off_and_its_clock_at_the_start()
    {
        // Given
        var spec = LabSpec.Standard();

        // When
        var session = await _lab.Client.CreateSessionAsync(spec);

        // Then
        session.VirtualTime.Should().BeTrue();
        session.Now.Should().Be(Start);
        session.Boards.Should().Equal(spec.DeviceId);
        new Uri(session.ParticleUrl).Host.Should().Be("127.0.0.1");
        new Uri(session.BlynkUrl).Host.Should().Be("127.0.0.1");
        session.DashboardUrl.Should().Be(session.BlynkUrl + "/dashboard/1#token=" + _lab.Sessions.Find(session.Id)!.Host.Blynk.DashboardToken);
        (await _lab.ListSessionsAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(session);
        var board = await _lab.Client.BoardAsync(session.Id, spec.DeviceId);
        board.State.Should().Be("off", "a scenario's board powers on when the scenario says");
        board.Platform.Should().Be("Boron");
        (await _lab.Client.JournalAsync(session.Id, 0)).Hops.Redacted(spec).Should().BeEmpty();
    }

    [Fact]
    public async Task The_boot_publish_is_in_the_journal_after_power_on_and_two_seconds()
    {
        // Given
        var (session, spec) = await _lab.CreateSessionAsync();
        await _lab.Client.PowerAsync(session.Id, spec.DeviceId, on: true);

        // When
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(2)));

        // Then
        time.Now.Should().Be(Start.AddSeconds(2));
        time.Changed.Should().BeTrue();
        var page = await _lab.Client.JournalAsync(session.Id, 0);
        var publishes = page.Hops.Where(h => h.Kind == HopKind.Publish).ToList();
        publishes.Redacted(spec).Should().ContainSingle("the boot publish, and no other yet");
        publishes[0].EventName.Should().Be("blynk_https_get");
        publishes[0].DeviceId.Should().Be(spec.DeviceId);
        publishes[0].Outcome.Should().Be(HopOutcome.Delivered);
        publishes[0].At.Should().Be(Start.AddSeconds(1), "setup() waits 1 s (L111) before the first loop publishes");
        page.Hops.Select(h => h.Kind).Should().Contain([HopKind.WebhookRequest, HopKind.DatastreamWrite, HopKind.WebhookResponse], "the boot publish runs the Particle webhook into Blynk");
        time.JournalChanges.Should().Be(page.Changes);
        time.ParticleEvents.Should().BeGreaterThan(0);
        time.SerialLines.Should().ContainKey(spec.DeviceId).WhoseValue.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Advancing_five_minutes_brings_the_periodic_publish()
    {
        // Given a booted board (boot publish at 1 s)
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var before = await _lab.Client.JournalAsync(session.Id, 0);
        var boot = before.Hops.Single(h => h.Kind == HopKind.Publish);

        // When
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));

        // Then
        time.Now.Should().Be(Start.AddSeconds(2).AddMinutes(5));
        var page = await _lab.Client.JournalAsync(session.Id, before.Changes);
        var publishes = page.Hops.Where(h => h.Kind == HopKind.Publish).ToList();
        publishes.Redacted(spec).Should().ContainSingle("one periodic publish in five minutes");
        var periodic = publishes[0];
        periodic.EventName.Should().Be("blynk_https_get");
        periodic.DeviceId.Should().Be(spec.DeviceId);
        (periodic.At - boot.At).Should().BeGreaterThan(TimeSpan.FromSeconds(300), "L90 publishes when more than 300000 ms have passed")
            .And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(300.01), "the next loop boundary after 300 s (10 ms loops)");
    }

    [Fact]
    public async Task Deleting_a_session_stops_its_mocks_and_forgets_it()
    {
        // Given
        var (session, _) = await _lab.CreateBootedSessionAsync();
        using var probe = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = InProcessLab.Patience };
        (await probe.GetAsync(new Uri(session.BlynkUrl + "/dashboard/1"))).StatusCode.Should().Be(HttpStatusCode.OK, "the session's Blynk mock serves its dashboard while it lives");

        // When
        var answer = await _lab.SendAsync(HttpMethod.Delete, $"sessions/{session.Id}");

        // Then
        answer.Status.Should().Be(HttpStatusCode.NoContent, answer.ToString());
        (await _lab.SendAsync(HttpMethod.Get, $"sessions/{session.Id}")).Status.Should().Be(HttpStatusCode.NotFound);
        (await _lab.SendAsync(HttpMethod.Delete, $"sessions/{session.Id}")).Status.Should().Be(HttpStatusCode.NotFound, "a session is deleted once");
        (await _lab.ListSessionsAsync()).Should().BeEmpty();
        _lab.Sessions.Find(session.Id).Should().BeNull();
        await FluentActions.Awaiting(() => probe.GetAsync(new Uri(session.BlynkUrl + "/dashboard/1")))
            .Should().ThrowAsync<HttpRequestException>("the session's mocks stopped listening");
    }

    [Fact]
    public async Task Two_sessions_are_isolated_ports_clocks_boards_and_journals()
    {
        // Given two sessions with the same standard board
        var (first, spec) = await _lab.CreateSessionAsync();
        var (second, _) = await _lab.CreateSessionAsync();

        // When only the first boots and moves on
        await _lab.Client.PowerAsync(first.Id, spec.DeviceId, on: true);
        await _lab.Client.AdvanceAsync(first.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(1)));

        // Then
        second.Id.Should().NotBe(first.Id);
        new[] { first.ParticleUrl, first.BlynkUrl, second.ParticleUrl, second.BlynkUrl }.Should().OnlyHaveUniqueItems("each session has its own mocks on their own ports");
        (await _lab.ListSessionsAsync()).Select(s => s.Id).Should().BeEquivalentTo([first.Id, second.Id]);
        (await _lab.Client.TimeAsync(first.Id)).Now.Should().Be(Start.AddMinutes(1));
        (await _lab.Client.TimeAsync(second.Id)).Now.Should().Be(Start, "each session has its own clock");
        (await _lab.Client.BoardAsync(first.Id, spec.DeviceId)).State.Should().Be("ready");
        (await _lab.Client.BoardAsync(second.Id, spec.DeviceId)).State.Should().Be("off");
        (await _lab.Client.JournalAsync(first.Id, 0)).Hops.Should().NotBeEmpty();
        (await _lab.Client.JournalAsync(second.Id, 0)).Hops.Redacted(spec).Should().BeEmpty("nothing happened in the second session");
        (await _lab.Client.BlynkConsoleAsync(second.Id)).LastUpdate.Should().BeNull();
    }

    [Fact]
    public async Task A_session_on_real_time_says_so_and_cannot_be_advanced()
    {
        // Given
        var (session, _) = await _lab.CreateSessionAsync(virtualTime: false);

        // When
        var answer = await _lab.SendAsync(HttpMethod.Post, $"sessions/{session.Id}/time/advance", """{"by":"00:00:01"}""");

        // Then
        session.VirtualTime.Should().BeFalse();
        (await _lab.Client.TimeAsync(session.Id)).VirtualTime.Should().BeFalse();
        answer.Status.Should().Be(HttpStatusCode.Conflict, answer.ToString());
        answer.Error.Should().Contain("real time").And.Contain("--virtual-time");
    }

    [Fact]
    public async Task The_blynk_console_shows_what_the_boot_publish_wrote()
    {
        // Given
        var (session, _) = await _lab.CreateSessionAsync();
        (await _lab.Client.BlynkConsoleAsync(session.Id)).LastUpdate.Should().BeNull("nothing has written to Blynk yet");
        var booted = await _lab.CreateBootedSessionAsync();

        // When
        var console = await _lab.Client.BlynkConsoleAsync(booted.Session.Id);

        // Then
        console.LastUpdate.Should().Be(Start.AddSeconds(1));
        console.Pins.Keys.Should().BeEquivalentTo(["V6", "V14", "V15", "V16", "V17"]);
        console.Pins["V14"].Value.Should().Be("1000", "millis() at the boot publish");
        console.Pins["V15"].Value.Should().Be("3.14159", "the sketch's initial v15 (L5)");
        console.Pins["V16"].Value.Should().Be("0");
        console.Pins["V17"].Value.Should().Be("0");
        console.Pins["V15"].UpdatedAt.Should().Be(Start.AddSeconds(1));
    }
}
