using System.Net;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>A request the lab cannot do as asked gets 400 with the reason (404 for what does not exist); it changes nothing.</summary>
public sealed class BadRequestTests(BootedSessionFixture lab) : IClassFixture<BootedSessionFixture>
{
    // case, method, path ({s} session, {b} board), body, a fragment of the reason
    private static readonly (string Case, string Method, string Path, string? Body, string Reason)[] Refused =
    [
        ("malformed JSON", "POST", "sessions/{s}/time/advance", "not json", "not valid JSON"),
        ("empty body", "POST", "sessions/{s}/time/advance", "", "not valid JSON"),
        ("JSON null", "POST", "sessions/{s}/time/advance", "null", "must be a AdvanceRequest JSON object"),
        ("a JSON array", "PUT", "sessions/{s}/boards/{b}/millis", "[1]", "not valid JSON"),
        ("by is a number", "POST", "sessions/{s}/time/advance", """{"by":5}""", "$.by"),
        ("by is not a time span", "POST", "sessions/{s}/time/advance", """{"by":"soon"}""", "$.by"),
        ("on is a string", "POST", "sessions/{s}/boards/{b}/power", """{"on":"yes"}""", "$.on"),
        ("value is a boolean", "PUT", "sessions/{s}/boards/{b}/v15", """{"value":true}""", "$.value"),
        ("an unknown key", "POST", "sessions/{s}/time/advance", """{"bye":"00:00:01"}""", "'bye'"),
        ("power without on", "POST", "sessions/{s}/boards/{b}/power", "{}", "'on'"),
        ("millis without value", "PUT", "sessions/{s}/boards/{b}/millis", "{}", "'value'"),
        ("cloud without connected", "POST", "sessions/{s}/boards/{b}/cloud", "{}", "'connected'"),
        ("millis negative", "PUT", "sessions/{s}/boards/{b}/millis", """{"value":-1}""", "uint32"),
        ("millis 2^32", "PUT", "sessions/{s}/boards/{b}/millis", """{"value":4294967296}""", "uint32"),
        ("millis fractional", "PUT", "sessions/{s}/boards/{b}/millis", """{"value":1.5}""", "uint32"),
        ("millis NaN", "PUT", "sessions/{s}/boards/{b}/millis", """{"value":"NaN"}""", "uint32"),
        ("v15 infinite", "PUT", "sessions/{s}/boards/{b}/v15", """{"value":"Infinity"}""", "finite"),
        ("restore after a negative time", "POST", "sessions/{s}/boards/{b}/cloud", """{"connected":true,"after":"-00:00:01"}""", "after"),
        ("unplug for no time", "POST", "sessions/{s}/boards/{b}/serial/unplug", """{"for":"00:00:00"}""", "\"for\""),
        ("unplug for an hour", "POST", "sessions/{s}/boards/{b}/serial/unplug", """{"for":"01:00:00"}""", "\"for\""),
        ("fault kind unknown by name", "POST", "sessions/{s}/faults", """{"kind":"BlynkOnFire"}""", "$.kind"),
        ("fault kind unknown by number", "POST", "sessions/{s}/faults", """{"kind":99}""", "Unknown fault 99"),
        ("fault without kind", "POST", "sessions/{s}/faults", "{}", "'kind'"),
        ("slow without latency", "POST", "sessions/{s}/faults", """{"kind":"BlynkSlow"}""", "positive \"latency\""),
        ("slow with a negative latency", "POST", "sessions/{s}/faults", """{"kind":"BlynkSlow","latency":"-00:00:01"}""", "positive \"latency\""),
        ("clear an unknown fault by name", "DELETE", "sessions/{s}/faults/BlynkOnFire", null, "Unknown fault 'BlynkOnFire'"),
        ("clear an unknown fault by number", "DELETE", "sessions/{s}/faults/99", null, "Unknown fault '99'"),
        ("advance with neither by nor until", "POST", "sessions/{s}/time/advance", "{}", "either"),
        ("advance with both by and until", "POST", "sessions/{s}/time/advance", """{"by":"00:00:01","until":"change"}""", "either"),
        ("advance until something else", "POST", "sessions/{s}/time/advance", """{"until":"noon"}""", "not \"noon\""),
        ("advance until flows naming none", "POST", "sessions/{s}/time/advance", """{"until":"flows"}""", "awaitFlows"),
        ("advance until flows with an empty list", "POST", "sessions/{s}/time/advance", """{"until":"flows","awaitFlows":[]}""", "awaitFlows"),
        ("advance by a negative time", "POST", "sessions/{s}/time/advance", """{"by":"-00:00:01"}""", "Time only moves forward"),
        ("advance with a negative limit", "POST", "sessions/{s}/time/advance", """{"until":"change","limit":"-00:00:01"}""", "Time only moves forward"),
        ("advance past the end of time", "POST", "sessions/{s}/time/advance", """{"by":"10675199.02:48:05.4775807"}""", "un-representable"),
        ("serial after a non-number", "GET", "sessions/{s}/boards/{b}/serial?after=abc", null, "after"),
        ("journal after a non-number", "GET", "sessions/{s}/journal?after=x", null, "after"),
        ("session without spec", "POST", "sessions", "{}", "'spec'"),
        ("session with a null spec", "POST", "sessions", """{"spec":null}""", "needs a \"spec\""),
        ("session with a spec missing its tokens", "POST", "sessions", """{"spec":{}}""", "particleAccessToken"),
        ("session with an unknown platform", "POST", "sessions", """{"spec":{"particleAccessToken":"0123456789abcdef0123456789abcdef01234567","blynkToken":"abcdefghijklmnopqrstuvwxyz012345","platform":"Toaster"}}""", "Toaster"),
        ("session with a bad device id", "POST", "sessions", """{"spec":{"particleAccessToken":"0123456789abcdef0123456789abcdef01234567","blynkToken":"abcdefghijklmnopqrstuvwxyz012345","deviceId":"xyz"}}""", "xyz"),
        ("session with a bad access token", "POST", "sessions", """{"spec":{"particleAccessToken":"not-a-token","blynkToken":"abcdefghijklmnopqrstuvwxyz012345"}}""", "40 lowercase hex"),
    ];

    public static TheoryData<string, string, string, string?, string> BadRequests
    {
        get
        {
            var data = new TheoryData<string, string, string, string?, string>();
            foreach (var (@case, method, path, body, reason) in Refused)
            {
                data.Add(@case, method, path, body, reason);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_400_with_its_reason(string @case, string method, string path, string? body, string reason)
    {
        // Given the booted session

        // When
        var answer = await lab.Lab.SendAsync(new HttpMethod(method), lab.PathOf(path), body);

        // Then
        answer.Status.Should().Be(HttpStatusCode.BadRequest, $"{@case} is a bad request (answer: {answer})");
        answer.Error.Should().NotBeNullOrWhiteSpace($"{@case}: a 400 says why in {{\"error\": …}}").And.Contain(reason);
    }

    [Fact]
    public async Task Refused_requests_leave_the_board_and_the_clock_as_they_were()
    {
        // Given
        var board = await lab.Lab.Client.BoardAsync(lab.Session.Id, lab.Board);
        var time = await lab.Lab.Client.TimeAsync(lab.Session.Id);

        // When every request that must be refused is sent
        foreach (var (@case, method, path, body, _) in Refused)
        {
            (await lab.Lab.SendAsync(new HttpMethod(method), lab.PathOf(path), body)).Status.Should().Be(HttpStatusCode.BadRequest, @case);
        }

        // Then
        (await lab.Lab.Client.BoardAsync(lab.Session.Id, lab.Board)).Should().Be(board, "a refused request changes nothing (v15 NaN once stuck the board: its GET failed for good)");
        var after = await lab.Lab.Client.TimeAsync(lab.Session.Id);
        after.Now.Should().Be(time.Now);
        after.JournalChanges.Should().Be(time.JournalChanges);
        (await lab.Lab.ListSessionsAsync()).Select(s => s.Id).Should().Equal([lab.Session.Id], "no refused POST /sessions created one");
    }

    [Theory]
    [InlineData("GET", "sessions/nope", null)]
    [InlineData("DELETE", "sessions/nope", null)]
    [InlineData("GET", "sessions/nope/time", null)]
    [InlineData("POST", "sessions/nope/time/advance", """{"by":"00:00:01"}""")]
    [InlineData("GET", "sessions/nope/boards/{b}", null)]
    [InlineData("POST", "sessions/nope/boards/{b}/power", """{"on":true}""")]
    [InlineData("GET", "sessions/nope/boards/{b}/serial", null)]
    [InlineData("POST", "sessions/nope/faults", """{"kind":"BlynkUnreachable"}""")]
    [InlineData("DELETE", "sessions/nope/faults/BlynkUnreachable", null)]
    [InlineData("GET", "sessions/nope/journal", null)]
    [InlineData("GET", "sessions/nope/journal.ndjson", null)]
    [InlineData("GET", "sessions/nope/journal/stream", null)]
    [InlineData("GET", "sessions/nope/blynk", null)]
    public async Task An_unknown_session_is_404_naming_it(string method, string path, string? body)
    {
        // Given a session id the lab never gave

        // When
        var answer = await lab.Lab.SendAsync(new HttpMethod(method), lab.PathOf(path), body);

        // Then
        answer.Status.Should().Be(HttpStatusCode.NotFound, answer.ToString());
        answer.Error.Should().Be("No session 'nope'.");
    }

    [Theory]
    [InlineData("GET", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9", null)]
    [InlineData("POST", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/power", """{"on":false}""")]
    [InlineData("POST", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/reset", null)]
    [InlineData("POST", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/cloud", """{"connected":false}""")]
    [InlineData("PUT", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/millis", """{"value":1}""")]
    [InlineData("PUT", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/v15", """{"value":1}""")]
    [InlineData("GET", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/serial", null)]
    [InlineData("POST", "sessions/{s}/boards/e00fce68d3b2a1c4f5e6a7b9/serial/unplug", """{"for":"00:00:01"}""")]
    public async Task An_unknown_board_is_404_naming_the_session_and_the_board(string method, string path, string? body)
    {
        // Given a board id the session does not have (one digit off)

        // When
        var answer = await lab.Lab.SendAsync(new HttpMethod(method), lab.PathOf(path), body);

        // Then
        answer.Status.Should().Be(HttpStatusCode.NotFound, answer.ToString());
        answer.Error.Should().Be($"Session {lab.Session.Id} has no board e00fce68d3b2a1c4f5e6a7b9.");
    }

    [Fact]
    public async Task Unplugging_a_board_without_a_serial_tty_is_a_conflict()
    {
        // Given the scenario's board, whose serial stays in-process (no "serialPty")

        // When
        var answer = await lab.Lab.SendAsync(HttpMethod.Post, lab.PathOf("sessions/{s}/boards/{b}/serial/unplug"), """{"for":"00:00:01"}""");

        // Then
        answer.Status.Should().Be(HttpStatusCode.Conflict, answer.ToString());
        answer.Error.Should().Contain("no serial tty");
    }
}
