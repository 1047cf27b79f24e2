using System.Diagnostics;
using System.Text;
using ParticleBlynk.Loop;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Tests.Support;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Tests;

public sealed class FunctionCallTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Call_with_bearer_token_and_json_args_answers_on_the_devices_next_loop()
    {
        // Given
        await using var f = CloudFixture.Start();
        var device = f.Connect();
        var start = f.Clock.Now;

        // When
        var (status, body, at) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(200);
        body.Should().Be($$"""{"id":"{{CloudFixture.DeviceId}}","name":"boron_one","connected":true,"return_value":1}""");
        device.Received.Should().ContainSingle().Which.Argument.Should().Be("on");
        (at - start).Should().Be(TimeSpan.FromMilliseconds(100), "the device answers on its next loop boundary in virtual time");
    }

    [Fact]
    public async Task Call_by_device_name_with_form_arg_and_access_token_in_the_body_is_accepted()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["arg"] = "off", ["access_token"] = CloudFixture.Token });

        // When
        var (status, body, _) = await f.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/devices/boron_one/blynk_led") { Content = form });

        // Then
        status.Should().Be(200);
        body.Should().Contain("\"return_value\":0");
    }

    [Fact]
    public async Task Format_raw_returns_just_the_integer()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led?format=raw", content: Json("""{"arg":"bogus"}""")));

        // Then
        status.Should().Be(200);
        body.Should().Be("-1");
    }

    [Fact]
    public async Task Invalid_token_is_401_invalid_token()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", token: new string('a', 40), content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(401);
        body.Should().Be("""{"error":"invalid_token","error_description":"The access token provided is invalid."}""");
    }

    [Fact]
    public async Task Device_of_another_account_is_403_permission_denied()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.OtherDeviceId}/blynk_led", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(403);
        body.Should().Be("""{"error":"Permission Denied","info":"I didn\u0027t recognize that device name or ID, try opening https://api.particle.io/v1/devices?access_token=undefined"}""");
    }

    [Fact]
    public async Task Unknown_function_is_404_function_not_found()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/nope", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(404);
        body.Should().Be("""{"ok":false,"error":"Function nope not found"}""");
    }

    [Fact]
    public async Task Offline_device_answers_400_timed_out_and_the_journal_says_why()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        f.Cloud.SetDeviceOnline(CloudFixture.DeviceId, false);

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(400);
        body.Should().Be("""{"ok":false,"error":"Timed out."}""");
        f.Services.Journal.Hops.Should().ContainSingle(h => h.Kind == HopKind.FunctionCall && h.Outcome == HopOutcome.Failed && h.Reason == "device offline");
    }

    [Fact]
    public async Task Device_that_never_answers_times_out_after_the_configured_virtual_time()
    {
        // Given
        await using var f = CloudFixture.Start(b => b.WithFunctionCallTimeout(TimeSpan.FromSeconds(30)).WithCallTimeoutResponse(408, """{"ok":false,"error":"Timed out."}"""));
        f.Connect(configure: d => { d.Unresponsive = true; return d; });
        var start = f.Clock.Now;

        // When
        var (status, body, at) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(408);
        body.Should().Be("""{"ok":false,"error":"Timed out."}""");
        (at - start).Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Argument_over_the_platform_limit_is_rejected_before_reaching_the_device()
    {
        // Given
        await using var f = CloudFixture.Start();
        var device = f.Connect();
        var argument = new string('x', 1025); // Boron on Device OS 6.2.0: 1024 (contracts.md §1.1)

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json($$"""{"args":"{{argument}}"}""")));

        // Then
        status.Should().Be(400);
        body.Should().Be("""{"ok":false,"error":"Argument too long"}""");
        device.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Call_returning_1_is_journalled_as_L5_and_the_next_publish_as_the_L6_echo()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(CloudFixture.DeviceId, "blynk_https_get", "{}", PublishFlags.Private));

        // When
        await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"1"}""")));
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(CloudFixture.DeviceId, "blynk_https_get", "{}", PublishFlags.Private));
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(CloudFixture.DeviceId, "blynk_https_get", "{}", PublishFlags.Private));

        // Then
        f.Services.Journal.Hops.Select(h => (h.Leg, h.Kind, h.Outcome)).Should().Equal(
            (Leg.L1, HopKind.Publish, HopOutcome.Delivered), (Leg.L5, HopKind.FunctionCall, HopOutcome.Delivered), (Leg.L5, HopKind.FunctionReturn, HopOutcome.Delivered),
            (Leg.L6, HopKind.Echo, HopOutcome.Delivered), (Leg.L1, HopKind.Publish, HopOutcome.Delivered));
        f.Services.Journal.Hops[2].Reason.Should().Be("return_value 1");
        f.Services.Journal.Hops[2].ReturnValue.Should().Be(1);
        f.Services.Journal.Hops[2].Duration.Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Republish_inside_the_same_loop_as_the_function_call_is_journalled_as_the_L6_echo()
    {
        // Given a device that, like the emulator, runs loop() and republishes right after the function returned, in one RunDue
        await using var f = CloudFixture.Start();
        f.Connect(configure: d =>
        {
            d.AfterCall = device => f.Cloud.DeviceGateway.Publish(new DeviceEvent(device.DeviceId, "blynk_https_get", "{\"v16\":1}", PublishFlags.Private));
            return d;
        });

        // When: repeated, since the old race (flag set by the handler's continuation on another thread) only sometimes lost
        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var (status, _, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json($$"""{"args":"{{i % 2}}"}""")));
            statuses.Add(status);
        }

        // Then: the echo flag and the L5 hop are in place before loop() runs on, every time
        statuses.Should().AllBeEquivalentTo(200);
        var hops = f.Services.Journal.Hops;
        hops.Select(h => (h.Leg, h.Kind, h.Outcome)).Should().Equal(Enumerable.Range(0, 10).SelectMany(_ => new[]
        {
            (Leg.L5, HopKind.FunctionCall, HopOutcome.Delivered), (Leg.L5, HopKind.FunctionReturn, HopOutcome.Delivered), (Leg.L6, HopKind.Echo, HopOutcome.Delivered),
        }));
        hops[2].At.Should().Be(hops[0].At + TimeSpan.FromMilliseconds(100));
        hops.Chunk(3).Should().OnlyContain(c => c.Select(h => h.Correlation).Distinct().Count() == 1, "call, return and echo are one chain");
    }

    [Fact]
    public async Task Call_returning_minus_1_leaves_the_republish_in_the_same_loop_an_ordinary_L1_publish()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect(configure: d =>
        {
            d.AfterCall = device => f.Cloud.DeviceGateway.Publish(new DeviceEvent(device.DeviceId, "blynk_https_get", "{}", PublishFlags.Private));
            return d;
        });

        // When
        await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"bogus"}""")));

        // Then
        f.Services.Journal.Hops.Select(h => h.Leg).Should().Equal(Leg.L5, Leg.L5, Leg.L1);
    }

    [Fact]
    public async Task Call_to_a_device_slow_to_take_it_still_answers_on_the_next_loop_not_at_the_timeout()
    {
        // Given a device thread that takes a while to queue the call: the caller's flow must not be parked before it is queued
        await using var f = CloudFixture.Start();
        f.Connect(configure: d =>
        {
            d.EnqueueLatency = TimeSpan.FromMilliseconds(300);
            return d;
        });
        var start = f.Clock.Now;

        // When
        var (status, body, at) = await f.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"on"}""")));

        // Then
        status.Should().Be(200);
        body.Should().Contain("\"return_value\":1");
        (at - start).Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Disposing_the_cloud_answers_calls_still_waiting_for_the_device_instead_of_stalling_the_server_stop()
    {
        // Given a call parked on a device that never answers
        await using var f = CloudFixture.Start();
        f.Connect(configure: d => { d.Unresponsive = true; return d; });
        var call = f.Services.Work.Run("test request", async () =>
        {
            using var response = await f.Http.SendAsync(f.Authorized(HttpMethod.Post, $"/v1/devices/{CloudFixture.DeviceId}/blynk_led", content: Json("""{"args":"on"}""")));
            return (int)response.StatusCode;
        });
        await f.Clock.SettleAsync(); // returns once the handler parked the request's flow

        // When
        var stopwatch = Stopwatch.StartNew();
        await f.Cloud.DisposeAsync();

        // Then
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "Kestrel's shutdown would otherwise wait 30 s for the handler");
        (await call).Should().Be(503);
    }
}
