using System.Net.Sockets;
using System.Text;
using ParticleBlynk.ParticleCloud.Tests.Support;

namespace ParticleBlynk.ParticleCloud.Tests;

/// <summary>issue 12: what the issue measured against the lab, each pinned at its cause (the fuzz run in Lab.Tests covers the rest).</summary>
public sealed class HardeningTests
{
    [Theory]
    [InlineData("a..b")]
    [InlineData("127.0.0.1:99999")]
    public async Task An_invalid_Host_header_is_a_400_in_the_apis_shape(string host)
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var answer = await RawAsync(f, $"GET /v1/devices HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {CloudFixture.Token}\r\n\r\n");

        // Then
        answer.Should().StartWith("HTTP/1.1 400 ").And.EndWith("""{"ok":false,"error":"Invalid Host header"}""");
    }

    [Fact]
    public async Task A_300_character_host_name_is_a_400()
    {
        await using var f = CloudFixture.Start();
        var answer = await RawAsync(f, $"GET /v1/devices HTTP/1.1\r\nHost: {new string('a', 300)}\r\n\r\n");
        answer.Should().StartWith("HTTP/1.1 400 ").And.EndWith("""{"ok":false,"error":"Invalid Host header"}""");
    }

    [Theory]
    [InlineData("/v1/devices?access_token={0}&=")]
    [InlineData("/v1/devices?access_token={0}&a=1&A=2")]
    public async Task A_query_WireMock_could_not_parse_reaches_the_api(string target)
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (status, body, _) = await f.SendAsync(new HttpRequestMessage(HttpMethod.Get, string.Format(System.Globalization.CultureInfo.InvariantCulture, target, CloudFixture.Token)));

        // Then
        status.Should().Be(200);
        body.Should().StartWith("[");
    }

    [Fact]
    public async Task A_query_WireMock_could_not_parse_off_the_api_is_a_400_in_the_apis_shape()
    {
        await using var f = CloudFixture.Start();
        var (status, body, _) = await f.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/elsewhere?="));
        status.Should().Be(400);
        body.Should().Be("""{"ok":false,"error":"A query parameter has no name"}""");
    }

    [Theory]
    [InlineData("""{"args":"\ud800"}""")]
    [InlineData("{\"args\":\"on\"")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""")]
    public async Task A_json_body_the_api_cannot_read_is_a_400(string json)
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: new StringContent(json, Encoding.UTF8, "application/json")));

        // Then
        status.Should().Be(400);
        body.Should().StartWith("""{"ok":false,"error":"Malformed JSON body: """);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_unread_with_413()
    {
        // Given the default limit, 16 KiB
        await using var f = CloudFixture.Start();
        var body = "args=" + new string('a', 20_000);

        // When
        var (status, answer, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded")));

        // Then
        status.Should().Be(413);
        answer.Should().Be("""{"ok":false,"error":"Request body of 20005 bytes is over the limit of 16384 bytes"}""");
        f.Cloud.Requests.Entries.Should().ContainSingle(r => r.Status == 413).Which.BodyBytes.Should().Be(0, "it was refused before a byte of it was read");
    }

    [Theory]
    [InlineData("ZZ\r\nabc\r\n0\r\n\r\n")]
    [InlineData("FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n")]
    public async Task A_malformed_chunk_is_a_400(string chunks)
    {
        await using var f = CloudFixture.Start();
        var answer = await RawAsync(f, $"POST /v1/devices/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {CloudFixture.Token}\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}");
        answer.Should().StartWith("HTTP/1.1 400 ").And.Contain("""{"ok":false,"error":"Bad chunk size data."}""");
        f.Cloud.FrontDoor.Unhandled.Should().Be(0, f.Cloud.FrontDoor.LastUnhandled);
    }

    [Fact]
    public async Task A_chunked_body_past_the_limit_is_413()
    {
        await using var f = CloudFixture.Start();
        var chunk = new string('d', 8192);
        var answer = await RawAsync(f, $"POST /v1/devices/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {CloudFixture.Token}\r\nTransfer-Encoding: chunked\r\n\r\n" + string.Concat(Enumerable.Repeat($"2000\r\n{chunk}\r\n", 3)) + "0\r\n\r\n");
        answer.Should().StartWith("HTTP/1.1 413 ").And.EndWith("""{"ok":false,"error":"Request body is over the limit of 16384 bytes"}""");
    }

    [Fact]
    public async Task Event_data_over_1024_bytes_is_a_400_and_never_reaches_the_bus()
    {
        await using var f = CloudFixture.Start();
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, "/v1/devices/events", content: new FormUrlEncodedContent([new("name", "big"), new("data", new string('é', 513))])));
        status.Should().Be(400);
        body.Should().Be("""{"ok":false,"error":"Event data exceeds 1024 bytes"}""");
        f.Cloud.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task The_request_log_keeps_the_last_requests_each_body_cut_and_counts_what_it_dropped()
    {
        // Given a log of 3 requests, 8 body bytes each
        await using var f = CloudFixture.Start(b => b.WithLimits(ParticleLimits.Default with { RequestLogEntries = 3, LoggedBodyBytes = 8 }));

        // When
        for (var i = 0; i < 5; i++)
        {
            await f.SendAsync(f.Authorized(HttpMethod.Post, "/v1/devices/events", content: new StringContent($"name=e{i}&data=0123456789", Encoding.ASCII, "application/x-www-form-urlencoded")));
        }

        // Then
        f.Cloud.Requests.Count.Should().Be(5);
        f.Cloud.Requests.Dropped.Should().Be(2);
        f.Cloud.Requests.Entries.Select(r => r.Body).Should().Equal("name=e2&…(23 bytes)", "name=e3&…(23 bytes)", "name=e4&…(23 bytes)");
        f.Cloud.Requests.Render().Should().StartWith("(2 older requests dropped: the request log keeps 3)");
    }

    [Fact]
    public async Task The_event_history_is_bounded_and_counts_what_it_dropped()
    {
        await using var f = CloudFixture.Start(b => b.WithLimits(ParticleLimits.Default with { EventHistory = 10 }));
        for (var i = 0; i < 25; i++)
        {
            await f.SendAsync(f.Authorized(HttpMethod.Post, "/v1/devices/events", content: new FormUrlEncodedContent([new("name", $"e{i}")])));
        }

        f.Cloud.Events.Should().HaveCountLessThanOrEqualTo(10);
        f.Cloud.Bus.PublishedCount.Should().Be(25);
        f.Cloud.Bus.Dropped.Should().Be(25 - f.Cloud.Events.Count);
        f.Cloud.Events[^1].Name.Should().Be("e24");
    }

    // One raw HTTP/1.1 exchange (HttpClient refuses to send a bad Host): the whole answer as text.
    private static async Task<string> RawAsync(CloudFixture f, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, f.Cloud.Url.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = Encoding.UTF8.GetString(answer.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && text.Contains("Content-Length: ", StringComparison.Ordinal))
            {
                var length = int.Parse(text[(text.IndexOf("Content-Length: ", StringComparison.Ordinal) + 16)..].Split('\r')[0], System.Globalization.CultureInfo.InvariantCulture);
                if (answer.Length >= end + 4 + length)
                {
                    return text;
                }
            }

            var read = await stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                return text;
            }

            answer.Write(buffer, 0, read);
        }
    }
}
