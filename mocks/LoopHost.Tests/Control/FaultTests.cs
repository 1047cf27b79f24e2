using System.Net;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>Faults injected into a session's Blynk mock over the API, and cleared.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task An_unreachable_blynk_fails_the_webhook_until_the_fault_is_cleared()
    {
        // Given a booted board
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var start = await _lab.Client.JournalAsync(session.Id, 0);

        // When Blynk is unreachable for one periodic publish, then reachable for the next
        await _lab.Client.InjectAsync(session.Id, new Fault(FaultKind.BlynkUnreachable));
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));
        var broken = await _lab.Client.JournalAsync(session.Id, start.Changes);
        await _lab.Client.ClearAsync(session.Id, FaultKind.BlynkUnreachable);
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));
        var healed = await _lab.Client.JournalAsync(session.Id, broken.Changes);

        // Then
        start.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => h.Outcome).Should().Equal(HopOutcome.Delivered);
        broken.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => h.Outcome).Should().Equal([HopOutcome.Failed], "the connection to Blynk is reset");
        broken.Hops.Select(h => h.Kind).Should().NotContain(HopKind.DatastreamWrite);
        healed.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => h.Outcome).Should().Equal([HopOutcome.Delivered], "the fault was cleared");
        healed.Hops.Select(h => h.Kind).Should().Contain(HopKind.DatastreamWrite);
    }

    [Fact]
    public async Task A_slow_blynk_answers_the_webhook_after_the_injected_latency()
    {
        // Given a booted board and Blynk answering after 3 s of virtual time
        var (session, _) = await _lab.CreateBootedSessionAsync();
        var start = await _lab.Client.JournalAsync(session.Id, 0);
        await _lab.Client.InjectAsync(session.Id, new Fault(FaultKind.BlynkSlow, TimeSpan.FromSeconds(3)));

        // When the periodic publish (at 301.01 s) runs the webhook, and its answer comes
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5)));
        var page = await _lab.Client.JournalAsync(session.Id, start.Changes);

        // Then
        var response = page.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => (h.Outcome, h.Duration)).Should().ContainSingle().Subject;
        response.Outcome.Should().Be(HopOutcome.Delivered);
        response.Duration.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Faults_are_injected_and_cleared_per_session_by_kind_name_in_any_case()
    {
        // Given two sessions
        var (session, _) = await _lab.CreateSessionAsync();
        var (other, _) = await _lab.CreateSessionAsync();
        var blynk = _lab.Sessions.Find(session.Id)!.Host.Blynk;

        // When
        var inject = await _lab.SendAsync(HttpMethod.Post, $"sessions/{session.Id}/faults", """{"kind":"BlynkUnreachable"}""");
        var injected = blynk.Unreachable;
        var clear = await _lab.SendAsync(HttpMethod.Delete, $"sessions/{session.Id}/faults/blynkunreachable");
        var clearAgain = await _lab.SendAsync(HttpMethod.Delete, $"sessions/{session.Id}/faults/BlynkSlow");

        // Then
        inject.Status.Should().Be(HttpStatusCode.NoContent, inject.ToString());
        injected.Should().BeTrue();
        _lab.Sessions.Find(other.Id)!.Host.Blynk.Unreachable.Should().BeFalse("a fault is injected into one session");
        clear.Status.Should().Be(HttpStatusCode.NoContent, clear.ToString());
        blynk.Unreachable.Should().BeFalse("the fault was cleared");
        clearAgain.Status.Should().Be(HttpStatusCode.NoContent, "clearing a fault that is not injected is fine");
    }

    [Fact]
    public async Task A_fault_with_a_duration_is_journalled_and_clears_itself_on_the_session_clock()
    {
        // Given a booted board and Blynk answering 503 for 2 minutes
        var (session, _) = await _lab.CreateBootedSessionAsync();
        var start = await _lab.Client.JournalAsync(session.Id, 0);
        await _lab.Client.InjectAsync(session.Id, new Fault(FaultKind.BlynkError, For: TimeSpan.FromMinutes(2), Status: 503));

        // When 6 minutes pass (the periodic publish at 301.01 s comes after the fault)
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(6)));
        var page = await _lab.Client.JournalAsync(session.Id, start.Changes);

        // Then the fault hop says when it was in force, and the webhook after it was delivered
        var fault = page.Hops.Should().ContainSingle(h => h.Kind == HopKind.Fault).Subject;
        fault.Outcome.Should().Be(HopOutcome.Delivered, "the fault cleared itself");
        fault.Reason.Should().Be("cleared after 120 s");
        fault.Payload.Should().Be("BlynkError, status 503, for 120 s");
        page.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => h.Outcome).Should().Equal(HopOutcome.Delivered);
    }

    [Fact]
    public async Task The_particle_api_answers_the_injected_error_and_then_recovers()
    {
        // Given a booted board and the Particle API answering 503
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        await _lab.Client.InjectAsync(session.Id, new Fault(FaultKind.ParticleApiError, For: TimeSpan.FromMinutes(1)));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(session.ParticleUrl), "/v1/devices"));
        request.Headers.Authorization = new("Bearer", spec.ParticleAccessToken);

        // When
        using var during = await http.SendAsync(request);
        var body = await during.Content.ReadAsStringAsync();
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(1)));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(session.ParticleUrl), "/v1/devices"));
        again.Headers.Authorization = new("Bearer", spec.ParticleAccessToken);
        using var after = await http.SendAsync(again);

        // Then
        ((int)during.StatusCode).Should().Be(503);
        body.Should().Be("""{"ok":false,"error":"Service Unavailable"}""");
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"kind":"ParticleApiError","status":404}""", "5xx")]
    [InlineData("""{"kind":"ParticleApiSlow"}""", "latency")]
    [InlineData("""{"kind":"BlynkError","for":"-00:00:01"}""", "positive")]
    [InlineData("""{"kind":"NoSuchFault"}""", "$.kind")]
    public async Task A_fault_with_bad_parameters_is_refused_with_the_reason(string body, string reason)
    {
        // Given
        var (session, _) = await _lab.CreateSessionAsync();

        // When
        var answer = await _lab.SendAsync(HttpMethod.Post, $"sessions/{session.Id}/faults", body);

        // Then
        answer.Status.Should().Be(HttpStatusCode.BadRequest, answer.ToString());
        answer.Error.Should().Contain(reason);
    }
}
