using System.Net;

namespace ParticleBlynk.BlynkCloud.Tests;

/// <summary>issue 12: the device HTTPS API answers what the inputs deserve, and keeps only a bounded past.</summary>
public sealed class HardeningTests
{
    [Fact]
    public async Task An_empty_query_key_is_a_wrong_pin_not_a_crash()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When (WireMock's query parser threw IndexOutOfRangeException on "&=")
        var (status, body, _) = await h.GetAsync($"https://ny3.blynk.cloud/external/api/get?token={BlynkHarness.Token}&V16&=");

        // Then
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be("""{"error":{"message":"Wrong pin format."}}""");
    }

    [Fact]
    public async Task One_pin_named_twice_in_two_cases_is_one_value()
    {
        await using var h = await BlynkHarness.StartAsync();
        var (status, body, _) = await h.GetAsync($"https://ny3.blynk.cloud/external/api/get?token={BlynkHarness.Token}&V16&v16&V17");
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("""{"v16":0,"v17":0}""");
    }

    [Theory]
    [InlineData("POST", "/external/api/get", 405, "Method not allowed.")]
    [InlineData("GET", "/external/api/nothing", 404, "Not found.")]
    [InlineData("GET", "/somewhere/else", 404, "Not found.")]
    [InlineData("GET", "/somewhere/else?a=1&A=2", 400, "Query parameter names differ only in letter case")]
    public async Task What_is_not_the_api_gets_blynks_error_shape(string method, string path, int expected, string message)
    {
        await using var h = await BlynkHarness.StartAsync();
        using var response = await h.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "https://ny3.blynk.cloud" + path));
        ((int)response.StatusCode).Should().Be(expected);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"error\":{\"message\":\"" + message + "\"}}");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_unread_with_413()
    {
        // Given a 1 KiB limit
        await using var h = await BlynkHarness.StartAsync(b => b.WithLimits(BlynkLimits.Default with { MaxRequestBodyBytes = 1024 }));

        // When
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://ny3.blynk.cloud/external/api/get?token={BlynkHarness.Token}&V16")
        {
            Content = new ByteArrayContent(new byte[5000]),
        };
        using var response = await h.Client.SendAsync(request);

        // Then
        ((int)response.StatusCode).Should().Be(413);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"error":{"message":"Request body of 5000 bytes is over the limit of 1024 bytes"}}""");
    }

    [Fact]
    public async Task The_request_log_is_bounded_and_counts_what_it_dropped()
    {
        await using var h = await BlynkHarness.StartAsync(b => b.WithLimits(BlynkLimits.Default with { RequestLogEntries = 2 }));
        for (var i = 0; i < 5; i++)
        {
            await h.GetAsync($"https://ny3.blynk.cloud/external/api/get?token={BlynkHarness.Token}&V{i}");
        }

        h.Cloud.Requests.Count.Should().Be(5);
        h.Cloud.Requests.Dropped.Should().Be(3);
        h.Cloud.Requests.Entries.Select(e => e.Target).Should().Equal(
            $"/external/api/get?token={BlynkHarness.Token}&V3", $"/external/api/get?token={BlynkHarness.Token}&V4");
    }

    [Fact]
    public async Task A_raw_history_keeps_its_last_points()
    {
        await using var h = await BlynkHarness.StartAsync(b => b.WithLimits(BlynkLimits.Default with { HistoryPoints = 10 }));
        for (var i = 1; i <= 25; i++)
        {
            await h.BatchAsync($"V14={i}");
        }

        h.Cloud.History(BlynkHarness.Token, "V14").Should().HaveCountLessThanOrEqualTo(10).And.HaveCountGreaterThan(0);
        h.Cloud.History(BlynkHarness.Token, "V14")[^1].Value.Should().Be("25");
    }

    [Fact]
    public async Task Properties_are_bounded_in_number_and_size()
    {
        // Given room for 3 properties
        await using var h = await BlynkHarness.StartAsync(b => b.WithLimits(BlynkLimits.Default with { PropertiesPerDatastream = 3 }));
        var property = $"https://ny3.blynk.cloud/external/api/update/property?token={BlynkHarness.Token}&pin=V16";

        // When
        var kept = await h.GetAsync($"{property}&label={new string('l', 2000)}&color=%23ff0000&isHidden=false");
        var fourth = await h.GetAsync($"{property}&onLabel=on");
        var again = await h.GetAsync($"{property}&color=%2300ff00");

        // Then
        kept.Status.Should().Be(HttpStatusCode.OK);
        fourth.Status.Should().Be(HttpStatusCode.BadRequest, "a new property past the limit is refused");
        again.Status.Should().Be(HttpStatusCode.OK, "an existing one may change");
        h.Cloud.Properties(BlynkHarness.Token, "V16")["label"].Should().HaveLength(1024, "a value is cut as a String value is");
    }
}
