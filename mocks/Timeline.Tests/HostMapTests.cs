using System.Net;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Timeline.Tests;

public sealed class HostMapTests
{
    [Fact]
    public void Only_loopback_targets_can_be_mapped()
    {
        // Given
        var map = new HostMap();

        // When
        var mapping = () => map.Map("ny3.blynk.cloud", new Uri("http://192.0.2.2:80"));

        // Then
        mapping.Should().Throw<ArgumentException>().WithMessage("*only talks to loopback*");
    }

    [Fact]
    public async Task An_unmapped_host_fails_before_anything_leaves_the_machine()
    {
        // Given
        using var client = new HostMap().CreateClient(work: null);

        // When
        var send = () => client.GetAsync(new Uri("https://fra1.blynk.cloud/external/api/get?token=x&v1"));

        // Then
        (await send.Should().ThrowAsync<UnmappedHostException>()).Which.Host.Should().Be("fra1.blynk.cloud");
    }

    [Fact]
    public async Task A_mapped_host_is_reached_on_loopback_with_its_original_host_header_and_the_flow_id()
    {
        // Given a loopback listener standing in for ny3.blynk.cloud
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = new HarnessClock();
        var map = new HostMap().Map("ny3.blynk.cloud", new Uri($"http://127.0.0.1:{port}"));
        using var client = map.CreateClient(clock.Work);

        // When
        var request = clock.Work.Run("webhook", () => client.GetAsync(new Uri("https://ny3.blynk.cloud/external/api/batch/update?token=t&V14=1")));
        var head = await AnswerOneRequestAsync(listener);
        using var response = await request;

        // Then
        head.Should().StartWith("GET /external/api/batch/update?token=t&V14=1 HTTP/1.1");
        head.Should().Contain("Host: ny3.blynk.cloud\r\n");
        head.Should().MatchRegex("X-Harness-Flow: \\d+");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_request_sent_inside_a_traced_operation_carries_no_trace_headers()
    {
        // Given a loopback listener standing in for api.particle.io, and a W3C activity current on the sending thread (ASP.NET
        // starts one for each request a mock serves, and a webhook fired by an API call is sent inside it)
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var map = new HostMap().Map("api.particle.io", new Uri($"http://127.0.0.1:{port}"));
        using var client = map.CreateClient(work: null);
        using var activity = new System.Diagnostics.Activity("incoming request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";

        // When
        var request = client.PostAsync(new Uri("https://api.particle.io/v1/devices/0123456789abcdef01234567/blynk_led"), new StringContent("1"));
        var head = await AnswerOneRequestAsync(listener);
        using var response = await request;

        // Then: the clouds' webhooks send no W3C or .NET trace context (a header no real webhook request has)
        head.Should().StartWith("POST /v1/devices/0123456789abcdef01234567/blynk_led HTTP/1.1");
        head.Should().NotContainAny("traceparent", "tracestate", "Request-Id", "Correlation-Context", "baggage");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    // Takes one connection, reads its request head (what the client sent, as text) and answers 200 with no body.
    private static async Task<string> AnswerOneRequestAsync(System.Net.Sockets.TcpListener listener)
    {
        using var socket = await listener.AcceptTcpClientAsync();
        var stream = socket.GetStream();
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}
