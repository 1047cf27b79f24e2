using System.Net.Http.Headers;
using System.Text;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Tests.Support;

namespace ParticleBlynk.ParticleCloud.Tests;

public sealed class EventStreamTests
{
    private static async Task<(HttpResponseMessage Response, StreamReader Reader)> OpenAsync(CloudFixture f, string path, string token = CloudFixture.Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await f.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        return (response, reader);
    }

    private static async Task<string> ReadBlockAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (text.Length > 0)
                {
                    return text.ToString();
                }

                continue;
            }

            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static void Publish(CloudFixture f, string deviceId, string name, string data) =>
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(deviceId, name, data, PublishFlags.Private));

    [Fact]
    public async Task Events_stream_without_a_prefix_is_400()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (response, reader) = await OpenAsync(f, "/v1/events");

        // Then
        ((int)response.StatusCode).Should().Be(400);
        (await reader.ReadToEndAsync()).Should().Be("""{"ok":false,"error":"event prefix filter is required"}""");
    }

    [Fact]
    public async Task Stream_starts_with_ok_then_sends_event_and_data_blocks_stamped_by_the_harness_clock()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        var (response, reader) = await OpenAsync(f, "/v1/events/blynk?nonce=1234.5");
        var first = await ReadBlockAsync(reader);
        await f.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // When
        Publish(f, CloudFixture.DeviceId, "blynk_https_get", "{\"t\":\"x\"}");

        // Then
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        first.Should().Be(":ok\n");
        (await ReadBlockAsync(reader)).Should().Be(
            "event: blynk_https_get\n" +
            $$"""data: {"data":"{\u0022t\u0022:\u0022x\u0022}","ttl":60,"published_at":"2026-01-01T00:00:01.000Z","coreid":"{{CloudFixture.DeviceId}}"}""" + "\n");
    }

    [Fact]
    public async Task Prefix_filter_is_case_sensitive_and_other_accounts_events_are_invisible()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        f.Connect(CloudFixture.OtherDeviceId, Platforms.Photon);
        var (_, reader) = await OpenAsync(f, "/v1/devices/events/temp");
        await ReadBlockAsync(reader);

        // When
        Publish(f, CloudFixture.DeviceId, "Temperature", "upper case: filtered out");
        Publish(f, CloudFixture.OtherDeviceId, "temperature", "mallory's: invisible");
        Publish(f, CloudFixture.DeviceId, "temperature", "21.5");

        // Then
        (await ReadBlockAsync(reader)).Should().StartWith("event: temperature\n").And.Contain("\"data\":\"21.5\"");
    }

    [Fact]
    public async Task Device_stream_shows_only_that_devices_events_and_no_hook_events()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        f.Connect(CloudFixture.SecondDeviceId, Platforms.Argon);
        var (_, reader) = await OpenAsync(f, $"/v1/devices/{CloudFixture.DeviceName}/events");
        await ReadBlockAsync(reader);

        // When
        Publish(f, CloudFixture.SecondDeviceId, "blynk_https_get", "second device");
        f.Cloud.Bus.Publish(new ParticleEvent("hook-sent/blynk_https_get", "undefined", f.Clock.Now, ParticleEvent.InternalCoreId, 60, "1", "alice@example.com") { TriggeredBy = CloudFixture.DeviceId });
        Publish(f, CloudFixture.DeviceId, "blynk_https_get", "mine");

        // Then
        (await ReadBlockAsync(reader)).Should().Contain("\"data\":\"mine\"");
    }

    [Fact]
    public async Task Stream_of_another_accounts_device_is_403_and_a_bad_token_401()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (foreign, _) = await OpenAsync(f, $"/v1/devices/{CloudFixture.OtherDeviceId}/events");
        var (unauthorized, _) = await OpenAsync(f, "/v1/events/x", new string('0', 40));

        // Then
        ((int)foreign.StatusCode).Should().Be(403);
        ((int)unauthorized.StatusCode).Should().Be(401);
    }

    [Fact]
    public async Task Idle_stream_sends_a_keep_alive_comment_within_the_configured_wall_time()
    {
        // Given
        await using var f = CloudFixture.Start(b => b.WithSseKeepAlive(TimeSpan.FromMilliseconds(200)));
        var (_, reader) = await OpenAsync(f, "/v1/devices/events");
        await ReadBlockAsync(reader);

        // When
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var line = await reader.ReadLineAsync(timeout.Token);

        // Then
        line.Should().Be(":");
    }

    [Fact]
    public async Task In_process_subscription_sees_the_events_in_order()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = f.Cloud.SubscribeAsync("a", cancel.Token).Take(2).ToListAsync(cancel.Token);

        // When
        Publish(f, CloudFixture.DeviceId, "a1", "1");
        Publish(f, CloudFixture.DeviceId, "b", "x");
        Publish(f, CloudFixture.DeviceId, "a2", "2");

        // Then
        (await received).Select(e => e.Name).Should().Equal("a1", "a2");
    }
}
