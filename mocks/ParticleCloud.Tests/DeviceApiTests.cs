using System.Text;
using System.Text.Json;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Tests.Support;

namespace ParticleBlynk.ParticleCloud.Tests;

public sealed class DeviceApiTests
{
    [Fact]
    public async Task List_devices_is_an_array_of_the_owners_devices_with_every_documented_field()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, "/v1/devices"));

        // Then
        status.Should().Be(200);
        using var json = JsonDocument.Parse(body);
        json.RootElement.ValueKind.Should().Be(JsonValueKind.Array);
        json.RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Should().Equal(CloudFixture.DeviceId, CloudFixture.SecondDeviceId);
        var first = json.RootElement[0];
        first.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            "id", "name", "last_ip_address", "last_heard", "last_handshake_at", "product_id", "online", "connected", "platform_id",
            "cellular", "notes", "functions", "variables", "status", "serial_number", "system_firmware_version");
        first.GetProperty("online").GetBoolean().Should().BeTrue();
        first.GetProperty("product_id").GetInt32().Should().Be(13);
        first.GetProperty("functions")[0].GetString().Should().Be("blynk_led");
        first.GetProperty("last_handshake_at").GetString().Should().Be("2026-01-01T00:00:00.000Z");
        json.RootElement[1].GetProperty("online").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task A_function_registered_after_the_handshake_is_listed_and_kept_while_offline()
    {
        // Given a board whose setup() registers blynk_led only after the cloud connected (the seed: after delay(1000))
        await using var f = CloudFixture.Start();
        var device = f.Connect(configure: d => { d.Functions = []; return d; });
        device.Functions = ["blynk_led"];

        // When
        var (_, online, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, $"/v1/devices/{CloudFixture.DeviceId}"));
        f.Cloud.DeviceGateway.Disconnected(CloudFixture.DeviceId);
        var (_, offline, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, $"/v1/devices/{CloudFixture.DeviceId}"));

        // Then
        JsonDocument.Parse(online).RootElement.GetProperty("functions").EnumerateArray().Select(e => e.GetString()).Should().Equal("blynk_led");
        JsonDocument.Parse(offline).RootElement.GetProperty("functions").EnumerateArray().Select(e => e.GetString()).Should().Equal("blynk_led");
    }

    [Fact]
    public async Task Get_device_by_name_adds_the_owner_and_another_accounts_device_is_403()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, "/v1/devices/boron_one"));
        var (foreign, _, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, $"/v1/devices/{CloudFixture.OtherDeviceId}"));

        // Then
        status.Should().Be(200);
        JsonDocument.Parse(body).RootElement.GetProperty("owner").GetString().Should().Be("alice@example.com");
        foreign.Should().Be(403);
    }

    [Fact]
    public async Task Unregistered_variable_is_404()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Get, $"/v1/devices/{CloudFixture.DeviceId}/led_state"));

        // Then
        status.Should().Be(404);
        body.Should().Be("""{"ok":false,"error":"Variable not found"}""");
    }

    [Fact]
    public async Task Ping_reports_online_and_offline()
    {
        // Given
        await using var f = CloudFixture.Start();
        f.Connect();

        // When
        var (_, online, _) = await f.SendAsync(f.Authorized(HttpMethod.Put, $"/v1/devices/{CloudFixture.DeviceId}/ping"));
        var (_, offline, _) = await f.SendAsync(f.Authorized(HttpMethod.Put, $"/v1/devices/{CloudFixture.SecondDeviceId}/ping"));

        // Then
        online.Should().Be("""{"online":true,"ok":true}""");
        offline.Should().Be("""{"online":false,"ok":true}""");
    }

    [Fact]
    public async Task Publish_through_the_api_is_ok_true_and_reaches_the_bus()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        var (status, body, _) = await f.SendAsync(f.Authorized(HttpMethod.Post, "/v1/devices/events",
            content: new StringContent("""{"name":"blynk_https_get","data":"{\"t\":\"x\"}","private":true,"ttl":30}""", Encoding.UTF8, "application/json")));

        // Then
        status.Should().Be(200);
        body.Should().Be("""{"ok":true}""");
        f.Cloud.Events.Should().ContainSingle().Which.Should().Match<ParticleEvent>(e =>
            e.Name == "blynk_https_get" && e.Data == "{\"t\":\"x\"}" && e.Ttl == 30 && e.CoreId == "api" && e.Owner == "alice@example.com");
    }

    [Fact]
    public async Task Publish_with_a_form_body_and_access_token_in_the_query_is_accepted()
    {
        // Given
        await using var f = CloudFixture.Start();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x", ["data"] = "a b" });

        // When
        var (status, _, _) = await f.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/devices/events?access_token={CloudFixture.Token}") { Content = form });

        // Then
        status.Should().Be(200);
        f.Cloud.Events.Should().ContainSingle().Which.Data.Should().Be("a b");
    }

    [Fact]
    public void Builder_rejects_a_token_that_is_not_40_lowercase_hex()
    {
        // Given
        var builder = new ParticleCloudBuilder().WithAccount("a", "ABC");

        // When
        var build = () => builder.Build();

        // Then
        build.Should().Throw<ArgumentException>().WithMessage("*40 lowercase hex*");
    }

    [Fact]
    public void Builder_is_immutable()
    {
        // Given
        var empty = new ParticleCloudBuilder();

        // When
        _ = empty.WithAccount("a", CloudFixture.Token);

        // Then
        empty.Build().Accounts.Should().BeEmpty();
    }

    [Fact]
    public void Options_load_from_a_json_file_holding_the_docs_webhook_verbatim()
    {
        // Given
        var json = $$"""
            {
              "accounts": [ { "username": "alice@example.com", "accessTokens": ["{{CloudFixture.Token}}"],
                              "devices": [ { "id": "{{CloudFixture.DeviceId}}", "name": "boron_one", "platform": "Boron" } ] } ],
              "webhooks": [ {{Seed.BlynkWebhookJson}} ],
              "throttle": { "skippedEvents": "RetryAfter30sAnd1Min" },
              "sseKeepAlive": "00:00:05"
            }
            """;
        var path = Path.GetTempFileName();
        File.WriteAllText(path, json);

        // When
        var options = ParticleCloudOptions.LoadFile(path);
        File.Delete(path);

        // Then
        options.Webhooks.Should().ContainSingle().Which.Owner.Should().Be("alice@example.com");
        options.Webhooks[0].Definition.Should().Match<Webhooks.WebhookDefinition>(w =>
            w.Name == "blynk_particle" && w.Event == "blynk_https_get" && w.RequestType == "GET" && w.NoDefaults && w.RejectUnauthorized);
        options.Accounts[0].Devices[0].Platform.Should().Be(Platforms.Boron);
        options.Throttle.SkippedEvents.Should().Be(SkippedEventPolicy.RetryAfter30sAnd1Min);
        options.SseKeepAlive.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void An_unknown_key_in_an_options_file_is_an_error_naming_the_key_where_it_is_and_the_file()
    {
        // Given a typo ("acessTokens") that would otherwise silently leave the account without tokens
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "accounts": [ { "username": "alice@example.com", "acessTokens": [] } ] }""");

        // When
        var load = () => ParticleCloudOptions.LoadFile(path);

        // Then
        load.Should().Throw<InvalidDataException>().WithMessage($"{path}: unknown key \"acessTokens\" at $.accounts[0]");
        File.Delete(path);
    }
}
