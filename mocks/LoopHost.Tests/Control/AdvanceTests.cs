using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>POST /time/advance: by a span, until the next change, until named harness flows have ended.</summary>
public sealed class AdvanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;

    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task Until_change_stops_at_the_first_change_and_says_changed()
    {
        // Given a booted board at 2 s: nothing changes until its simulated sensor's first step at millis() 20000 (L24)
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var before = await _lab.Client.BoardAsync(session.Id, spec.DeviceId);

        // When
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(Until: "change", Limit: TimeSpan.FromMinutes(1)));

        // Then
        time.Changed.Should().BeTrue();
        time.Now.Should().Be(Start.AddSeconds(20), "the first change is the sensor's step at 20 s, well inside the limit");
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).V15.Should().NotBe(before.V15, "the change was the sensor");
    }

    [Fact]
    public async Task Until_change_with_nothing_due_within_the_limit_answers_unchanged_at_now_plus_the_limit()
    {
        // Given a session whose board is off: nothing is due
        var (session, _) = await _lab.CreateSessionAsync();

        // When
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(Until: "change", Limit: TimeSpan.FromSeconds(10)));

        // Then
        time.Changed.Should().BeFalse();
        time.Now.Should().Be(Start.AddSeconds(10));
        time.JournalChanges.Should().Be(0);
    }

    [Fact]
    public async Task Until_change_without_a_limit_waits_at_most_one_minute()
    {
        // Given a session whose board is off
        var (session, _) = await _lab.CreateSessionAsync();

        // When
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(Until: "change"));

        // Then
        time.Changed.Should().BeFalse();
        time.Now.Should().Be(Start.AddMinutes(1), "the default limit is one minute");
    }

    [Fact]
    public async Task Until_flows_waits_for_the_named_function_call_which_then_returns()
    {
        // Given a booted board, and a function call through the Particle API that names a harness flow (RemoteLabTarget.CompleteAsync)
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var flow = "h-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{session.ParticleUrl}/v1/devices/{spec.DeviceId}/blynk_led"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["args"] = "on" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", spec.ParticleAccessToken);
        request.Headers.TryAddWithoutValidation(HarnessHeaders.Flow, flow);
        var call = _lab.Http.SendAsync(request);

        // When the driver advances at once, without waiting for the call
        var time = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(Until: "flows", Limit: TimeSpan.FromMinutes(1), AwaitFlows: [flow]));

        // Then the call has its answer, and time moved only to the board's next loop
        using var response = await call.WaitAsync(InProcessLab.Patience);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            body.RootElement.GetProperty("return_value").GetInt32().Should().Be(1, "blynk_led(\"on\") returns 1");
        }

        time.Changed.Should().BeTrue();
        time.Now.Should().Be(Start.AddMilliseconds(2010), "the call ran at the board's next loop boundary (10 ms loops) and time stopped there");
        (await _lab.Client.BoardAsync(session.Id, spec.DeviceId)).UserLedOn.Should().BeTrue();
        var hops = (await _lab.Client.JournalAsync(session.Id, 0)).Hops;
        hops.Where(h => h.Kind == HopKind.FunctionCall && h.Function == "blynk_led" && h.Payload == "on").Redacted(spec).Should().ContainSingle();
        var returns = hops.Where(h => h.Kind == HopKind.FunctionReturn && h.Payload == "on").ToList();
        returns.Redacted(spec).Should().ContainSingle();
        returns[0].ReturnValue.Should().Be(1);
    }

    [Fact]
    public async Task Until_flows_for_a_request_that_never_arrives_gives_up_with_the_reason()
    {
        // Given a session and a flow id no request carries
        var (session, _) = await _lab.CreateSessionAsync();
        var watch = Stopwatch.StartNew();

        // When
        var answer = await _lab.SendAsync(HttpMethod.Post, $"sessions/{session.Id}/time/advance", """{"until":"flows","awaitFlows":["h-never"]}""");

        // Then after the 10 s arrival watchdog (wall time), a reason instead of a bare 500
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(9.5));
        answer.Status.Should().Be(HttpStatusCode.GatewayTimeout, answer.ToString());
        answer.Error.Should().Contain("h-never").And.Contain(HarnessHeaders.Flow);
        (await _lab.Client.TimeAsync(session.Id)).Now.Should().Be(Start, "time does not move when the awaited request never came");
    }

    [Fact]
    public async Task By_moves_the_clock_by_exactly_that_much_even_with_nothing_due()
    {
        // Given a session whose board is off
        var (session, _) = await _lab.CreateSessionAsync();

        // When
        var first = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMilliseconds(1234)));
        var zero = await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.Zero));

        // Then
        first.Now.Should().Be(Start.AddMilliseconds(1234));
        first.Changed.Should().BeFalse();
        zero.Now.Should().Be(first.Now, "advancing by zero is allowed and moves nothing");
    }
}
