using System.Text;
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
        f.Services.Journal.Hops.Should().ContainSingle(h => h.Leg == Leg.L5 && h.Outcome == HopOutcome.Failed && h.Detail == "device offline");
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
        f.Services.Journal.Hops.Select(h => (h.Leg, h.Outcome)).Should().Equal(
            (Leg.L1, HopOutcome.Delivered), (Leg.L5, HopOutcome.Delivered), (Leg.L6, HopOutcome.Delivered), (Leg.L1, HopOutcome.Delivered));
        f.Services.Journal.Hops[1].Detail.Should().Be("return_value 1");
        f.Services.Journal.Hops[1].Duration.Should().Be(TimeSpan.FromMilliseconds(100));
    }
}
