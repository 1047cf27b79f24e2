using System.Globalization;
using System.Net;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud.Tests;

public sealed class DeviceHttpApiTests
{
    private const string Ny3 = "https://ny3.blynk.cloud/external/api/";

    [Fact]
    public async Task Mock_listens_on_loopback_127_0_0_1_only()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var port = h.Cloud.Url.Port;
        var listeners = File.ReadAllLines("/proc/net/tcp").Concat(File.ReadAllLines("/proc/net/tcp6")).Skip(1)
            .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[3] == "0A" && f[1].EndsWith(":" + port.ToString("X4", CultureInfo.InvariantCulture), StringComparison.Ordinal))
            .Select(f => f[1]).ToList();

        // Then
        h.Cloud.Url.Host.Should().Be("127.0.0.1");
        listeners.Should().ContainSingle().Which.Should().Be("0100007F:" + port.ToString("X4", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Batch_update_stores_every_pin_and_answers_200_with_an_empty_body()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, body, response) = await h.BatchAsync("V6=2026-01-01T00:00:00.000Z&V14=1234&V15=3.14159&V16=0&V17=0");

        // Then
        status.Should().Be(HttpStatusCode.OK);
        body.Should().BeEmpty();
        response.Content.Headers.ContentLength.Should().Be(0);
        h.Cloud.Value(BlynkHarness.Token, "V6").Should().Be("2026-01-01T00:00:00.000Z");
        h.Cloud.Value(BlynkHarness.Token, "V14").Should().Be("1234");
        h.Cloud.Value(BlynkHarness.Token, "V15").Should().Be("3.14159");
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Leg == Leg.L3 && x.Outcome == HopOutcome.Delivered);
    }

    [Theory]
    [InlineData("batch/update?token=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx&V14=1", "Invalid token.")]
    [InlineData("batch/update?V14=1", "Invalid token.")]
    [InlineData("batch/update?token={T}&X14=1", "Wrong pin format.")]
    [InlineData("batch/update?token={T}&V256=1", "Wrong pin format.")]
    [InlineData("batch/update?token={T}&V14=abc", "Value doesn't match the Datastream data type")]
    [InlineData("update?token={T}&V14=abc", "Value doesn't match the Datastream data type.")]
    [InlineData("update?token={T}&V99=1", "No datastream setup for that pin.")]
    [InlineData("update?token={T}&dataStreamId=abc&value=1", "Wrong dataStreamId format.")]
    [InlineData("get?token={T}&V99", "Requested dataStream doesn't exist in the product ParticleDeviceBlueprint")]
    [InlineData("get?token={T}&Q1", "Wrong pin format.")]
    [InlineData("getAll?token=nope", "Invalid token.")]
    [InlineData("isHardwareConnected?token=nope", "Invalid token.")]
    [InlineData("update/property?token={T}&pin=Z1&label=x", "Wrong pin format.")]
    [InlineData("update/property?token={T}&pin=V16&isDisabled=maybe", "Value doesn't match the Datastream data type")]
    [InlineData("provision?token=nope&templateId=TMPL4ej7--Xu_", "Invalid token.")]
    [InlineData("logEvent?token={T}", "Event code is not provided.")]
    [InlineData("logEvent?token={T}&code=overheat", "Can't find Event with this code in Product template")]
    public async Task Documented_errors_answer_400_with_the_documented_json_body(string pathAndQuery, string message)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, body, _) = await h.GetAsync(Ny3 + pathAndQuery.Replace("{T}", BlynkHarness.Token, StringComparison.Ordinal));

        // Then
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be("{\"error\":{\"message\":\"" + message.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}}");
    }

    [Fact]
    public async Task Pin_names_are_accepted_in_upper_and_lower_case()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var upper = await h.BatchAsync("V14=5");
        var lower = await h.GetAsync(Ny3 + $"update?token={BlynkHarness.Token}&v15=1.5");

        // Then
        upper.Status.Should().Be(HttpStatusCode.OK);
        lower.Status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.Token, "V14").Should().Be("5");
        h.Cloud.Value(BlynkHarness.Token, "v15").Should().Be("1.5");
    }

    [Theory]
    [InlineData("/external/api/Batch/update")]
    [InlineData("/External/api/batch/update")]
    public async Task Paths_are_case_sensitive(string path)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, _, _) = await h.GetAsync($"https://ny3.blynk.cloud{path}?token={BlynkHarness.Token}&V14=1");

        // Then
        status.Should().Be(HttpStatusCode.NotFound);
        h.Cloud.LastUpdate(BlynkHarness.Token).Should().BeNull();
    }

    [Theory]
    [InlineData("V15", "5", "3.3")]
    [InlineData("V15", "-1", "0")]
    [InlineData("V16", "7", "1")]
    [InlineData("V14", "-20", "0")]
    [InlineData("V14", "2147483647", "2147483647")]
    public async Task Values_are_clamped_to_min_and_max(string pin, string sent, string stored)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, _, _) = await h.BatchAsync($"{pin}={sent}");

        // Then
        status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.Token, pin).Should().Be(stored);
    }

    [Theory]
    [InlineData("V14=4294967295")]
    [InlineData("V16=1.0")]
    [InlineData("V14=12.5")]
    [InlineData("V15=abc")]
    public async Task A_type_mismatch_is_400_and_stores_nothing_by_default(string query)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, _, _) = await h.BatchAsync(query);

        // Then
        status.Should().Be(HttpStatusCode.BadRequest);
        h.Cloud.Datastream(BlynkHarness.Token, query[..3])!.UpdatedAt.Should().BeNull();
        h.Cloud.LastUpdate(BlynkHarness.Token).Should().BeNull();
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Leg == Leg.L3 && x.Outcome == HopOutcome.Rejected);
    }

    [Fact]
    public async Task Integer_overflow_is_clamped_when_configured()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { IntegerOverflow = IntegerOverflow.Clamp }));

        // When
        var (status, _, _) = await h.BatchAsync("V14=4294967295");

        // Then
        status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.Token, "V14").Should().Be("2147483647");
    }

    [Fact]
    public async Task Integral_double_to_integer_is_accepted_when_configured()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { AcceptIntegralDoubleForInteger = true }));

        // When
        var (status, _, _) = await h.BatchAsync("V16=1.0");

        // Then
        status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
    }

    [Fact]
    public async Task A_batch_with_one_bad_pin_stores_nothing_by_default()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, body, _) = await h.BatchAsync("V14=10&V15=oops&V16=1");

        // Then
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be("{\"error\":{\"message\":\"Value doesn't match the Datastream data type\"}}");
        h.Cloud.Value(BlynkHarness.Token, "V14").Should().Be("0");
        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("0");
    }

    [Fact]
    public async Task A_batch_with_one_bad_pin_stores_the_good_ones_when_configured()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { BatchWithBadPin = BatchWithBadPin.ApplyValidPins }));

        // When
        var (status, _, _) = await h.BatchAsync("V14=10&V15=oops");

        // Then
        status.Should().Be(HttpStatusCode.BadRequest);
        h.Cloud.Value(BlynkHarness.Token, "V14").Should().Be("10");
    }

    [Fact]
    public async Task Strings_over_1024_bytes_are_cut_at_the_limit()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, _, _) = await h.BatchAsync("V6=" + new string('a', 1100));

        // Then
        status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.Token, "V6").Should().HaveLength(1024);
    }

    [Fact]
    public async Task Get_getAll_property_and_logEvent_answer_as_documented()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithTemplate(BlynkCloudBuilder.SeedTemplate() with { EventCodes = ["overheat"] }));
        await h.BatchAsync("V6=hello&V14=42&V15=2");
        var t = BlynkHarness.Token;

        // When
        var one = await h.GetAsync(Ny3 + $"get?token={t}&V14");
        var two = await h.GetAsync(Ny3 + $"get?token={t}&V14&v6");
        var all = await h.GetAsync(Ny3 + $"getAll?token={t}");
        var connected = await h.GetAsync(Ny3 + $"isHardwareConnected?token={t}");
        var property = await h.GetAsync(Ny3 + $"update/property?token={t}&pin=v16&label=Switch&isDisabled=true");
        var logged = await h.GetAsync(Ny3 + $"logEvent?token={t}&code=overheat&description=hot");
        var provisioned = await h.GetAsync(Ny3 + $"provision?token={t}&templateId={BlynkCloudBuilder.SeedTemplateId}");

        // Then
        one.Body.Should().Be("42");
        two.Body.Should().Be("{\"v14\":42,\"v6\":\"hello\"}", "several pins answer a JSON object keyed by pin, typed as getAll types it");
        all.Body.Should().Be("{\"v6\":\"hello\",\"v14\":42,\"v15\":2.0,\"v16\":0,\"v17\":0}");
        connected.Body.Should().Be("false");
        property.Status.Should().Be(HttpStatusCode.OK);
        property.Body.Should().BeEmpty();
        h.Cloud.Properties(t, "V16").Should().Contain("label", "Switch");
        logged.Status.Should().Be(HttpStatusCode.OK);
        h.Cloud.Events(t).Should().ContainSingle(e => e.Code == "overheat" && e.Description == "hot");
        provisioned.Status.Should().Be(HttpStatusCode.OK, "provision is a documented endpoint (contracts.md §5.1)");
    }

    [Fact]
    public async Task Slow_mock_answers_after_the_modelled_latency_on_the_harness_clock()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        h.Cloud.ResponseLatency = TimeSpan.FromSeconds(25);
        var start = h.Clock.Now;
        DateTimeOffset? answeredAt = null;

        // When
        var call = h.Services.Work.Run("test request", async () =>
        {
            using var r = await h.Client.GetAsync(new Uri($"{Ny3}batch/update?token={BlynkHarness.Token}&V14=7"));
            answeredAt = h.Clock.Now;
            return r.StatusCode;
        });
        var status = await h.Clock.CompleteAsync(call, TimeSpan.FromMinutes(1));

        // Then
        status.Should().Be(HttpStatusCode.OK);
        (answeredAt - start).Should().Be(TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task Slow_mock_lets_a_caller_deadline_expire_first()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        h.Cloud.ResponseLatency = TimeSpan.FromSeconds(30);
        var start = h.Clock.Now;

        // When
        var call = h.Services.Work.Run("particle webhook with 20 s timeout", async () =>
        {
            using var deadline = h.Services.Work.Deadline(TimeSpan.FromSeconds(20));
            try
            {
                using var r = await h.Client.GetAsync(new Uri($"{Ny3}batch/update?token={BlynkHarness.Token}&V14=7"), deadline.Token);
                return "answered";
            }
            catch (OperationCanceledException)
            {
                return "timed out at " + (h.Clock.Now - start).TotalSeconds.ToString(CultureInfo.InvariantCulture);
            }
        });
        var result = await h.Clock.CompleteAsync(call, TimeSpan.FromMinutes(1));

        // Then
        result.Should().Be("timed out at 20");
    }

    [Fact]
    public async Task Unreachable_mock_resets_the_connection()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        h.Cloud.Unreachable = true;

        // When
        var act = () => h.Client.GetAsync(new Uri($"{Ny3}batch/update?token={BlynkHarness.Token}&V14=7"));

        // Then
        await act.Should().ThrowAsync<HttpRequestException>();
        h.Cloud.LastUpdate(BlynkHarness.Token).Should().BeNull();
    }
}
