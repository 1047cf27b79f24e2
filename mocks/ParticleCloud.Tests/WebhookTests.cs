using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ParticleBlynk.Loop;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Tests.Support;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ParticleBlynk.ParticleCloud.Tests;

public sealed class WebhookTests
{
    private const string Payload = """{"t":"xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl","v14":1000,"v15":3.141590,"v16":1,"v17":1}""";

    private static WireMockServer Target(bool ssl = false, int status = 200, string body = "")
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [ssl ? "https://127.0.0.1:0" : "http://127.0.0.1:0"],
            StartAdminInterface = false,
            CertificateSettings = ssl ? new WireMockCertificateSettings { X509Certificate = SelfSigned() } : null,
        });
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));
        return server;
    }

    /// <summary>A self-signed certificate no CA vouches for (WireMock 2.21 has no default HTTPS certificate here).</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=secure.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private static CloudFixture Start(WireMockServer target, string host, params string[] hooks)
    {
        var f = CloudFixture.Start(b => hooks.Aggregate(b, (x, h) => x.WithWebhook(h)));
        f.Services.Hosts.Map(host, new Uri(target.Urls[0]));
        f.Connect();
        return f;
    }

    private static async Task PublishAsync(CloudFixture f, string name, string data)
    {
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(CloudFixture.DeviceId, name, data, PublishFlags.Private));
        await f.Clock.SettleAsync();
    }

    [Fact]
    public async Task Docs_custom_template_sends_the_blynk_batch_update_query_with_javascript_numbers()
    {
        // Given
        using var blynk = Target();
        await using var f = Start(blynk, "ny3.blynk.cloud", Seed.BlynkWebhookJson);
        await f.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // When
        await PublishAsync(f, "blynk_https_get", Payload);

        // Then
        var request = blynk.LogEntries.Should().ContainSingle().Subject.RequestMessage!;
        request.Method.Should().Be("GET");
        request.Path.Should().Be("/external/api/batch/update");
        request.RawQuery.Should().Be("?token=xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl&V6=2026-01-01T00%3A00%3A01.000Z&V14=1000&V15=3.14159&V16=1&V17=1");
        request.Headers!["User-Agent"].Should().ContainSingle().Which.Should().Be("ParticleBot/1.1 (https://docs.particle.io/webhooks)");
        request.Headers!["Host"].Should().ContainSingle().Which.Should().Be("ny3.blynk.cloud");
        f.Cloud.Events.Select(e => e.Name).Should().Equal("blynk_https_get", "hook-sent/blynk_https_get"); // empty body: no hook-response
        f.Cloud.Events[1].CoreId.Should().Be("particle-internal");
        f.Services.Journal.Hops.Should().Contain(h => h.Leg == Leg.L2 && h.Outcome == HopOutcome.Delivered && h.Target == "ny3.blynk.cloud");
    }

    [Fact]
    public async Task Truncated_payload_is_not_json_so_the_token_renders_empty()
    {
        // Given
        using var blynk = Target();
        await using var f = Start(blynk, "ny3.blynk.cloud", Seed.BlynkWebhookJson);

        // When
        await PublishAsync(f, "blynk_https_get", Payload[..^1]);

        // Then
        blynk.LogEntries.Should().ContainSingle().Which.RequestMessage!.RawQuery.Should().StartWith("?token=&V6=2026").And.EndWith("&V14=&V15=&V16=&V17=");
    }

    [Fact]
    public async Task Verbatim_number_rendering_keeps_the_printf_digits()
    {
        // Given
        using var blynk = Target();
        await using var f = CloudFixture.Start(b => b.WithWebhook(Seed.BlynkWebhookJson).WithNumberRendering(JsonNumberRendering.Verbatim));
        f.Services.Hosts.Map("ny3.blynk.cloud", new Uri(blynk.Urls[0]));
        f.Connect();

        // When
        await PublishAsync(f, "blynk_https_get", Payload);

        // Then
        blynk.LogEntries.Single().RequestMessage!.RawQuery.Should().Contain("&V15=3.141590&");
    }

    [Fact]
    public async Task Webhook_with_only_event_and_url_posts_the_default_form_fields()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "host.com", """{"event":"demo","url":"http://host.com"}""");

        // When
        await PublishAsync(f, "demo", "mydata");

        // Then (P-WH "Default data")
        var request = target.LogEntries.Single().RequestMessage!;
        request.Method.Should().Be("POST");
        request.Headers!["Content-Type"].Single().Should().StartWith("application/x-www-form-urlencoded");
        request.Body.Should().Be($"event=demo&data=mydata&published_at=2026-01-01T00%3A00%3A00.000Z&coreid={CloudFixture.DeviceId}");
    }

    [Fact]
    public async Task Event_prefix_match_is_case_sensitive()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "host.com", """{"event":"test","url":"http://host.com"}""");

        // When
        await PublishAsync(f, "testing", "1");
        await PublishAsync(f, "Test", "2");
        await PublishAsync(f, "test1", "3");

        // Then
        target.LogEntries.Should().HaveCount(2);
    }

    [Fact]
    public async Task Json_body_renders_nested_templates_and_adds_defaults_unless_noDefaults()
    {
        // Given
        using var target = Target();
        await using var f = Start(
            target,
            "example.com",
            """{"event":"Elevation","url":"https://example.com/123456789","json":{"coordinates":{"lat":"{{{lat}}}","lng":"{{{lng}}}"}},"noDefaults":true}""",
            """{"event":"Temp","url":"https://example.com/d","json":{"value":"{{{PARTICLE_EVENT_VALUE}}}"}}""");

        // When
        await PublishAsync(f, "Elevation", """{"lat":39.739155, "lng":-104.984703}""");
        await PublishAsync(f, "Temp", "true");

        // Then
        var bodies = target.LogEntries.Select(e => e.RequestMessage!.Body).ToList();
        bodies[0].Should().Be("""{"coordinates":{"lat":"39.739155","lng":"-104.984703"}}""");
        JsonDocument.Parse(bodies[1]!).RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("value", "event", "data", "published_at", "coreid");
        target.LogEntries[0].RequestMessage!.Headers!["Content-Type"].Single().Should().StartWith("application/json");
    }

    [Fact]
    public async Task Query_values_are_url_encoded()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "maps.googleapis.com",
            """{"event":"Elevation","url":"https://maps.googleapis.com/maps/api/elevation/json","requestType":"GET","query":{"locations":"{{{lat}}},{{{lng}}}","key":"XXXXXXXXXX"},"noDefaults":true}""");

        // When
        await PublishAsync(f, "Elevation", """{"lat":39.7,"lng":-104.9}""");

        // Then
        target.LogEntries.Single().RequestMessage!.RawQuery.Should().Be("?locations=39.7%2C-104.9&key=XXXXXXXXXX");
    }

    [Fact]
    public async Task Get_without_noDefaults_puts_the_default_fields_in_the_query()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "h.example", """{"event":"e","url":"https://h.example/x","requestType":"GET","query":{"q":"{{{PARTICLE_EVENT_VALUE}}}","p":"my app"}}""");

        // When
        await PublishAsync(f, "e", "data");

        // Then
        target.LogEntries.Single().RequestMessage!.RawQuery.Should().Be(
            $"?q=data&p=my%20app&event=e&data=data&published_at=2026-01-01T00%3A00%3A00.000Z&coreid={CloudFixture.DeviceId}");
    }

    [Fact]
    public async Task Headers_and_basic_auth_are_rendered()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "h.example",
            """{"event":"e","url":"https://h.example/x","headers":{"X-Sender":"{{PARTICLE_DEVICE_ID}}"},"auth":{"username":"{{u}}","password":"API_KEY"},"noDefaults":true}""");

        // When
        await PublishAsync(f, "e", """{"u":"user@email.com"}""");

        // Then
        var headers = target.LogEntries.Single().RequestMessage!.Headers!;
        headers["X-Sender"].Single().Should().Be(CloudFixture.DeviceId);
        headers["Authorization"].Single().Should().Be("Basic " + Convert.ToBase64String("user@email.com:API_KEY"u8.ToArray()));
    }

    [Fact]
    public async Task Non_2xx_answer_is_a_hook_error_and_a_rejected_hop_with_status_and_body()
    {
        // Given
        using var blynk = Target(status: 400, body: """{"error":{"message":"Invalid token."}}""");
        await using var f = Start(blynk, "ny3.blynk.cloud", Seed.BlynkWebhookJson);

        // When
        await PublishAsync(f, "blynk_https_get", Payload);

        // Then
        f.Cloud.Events.Should().Contain(e => e.Name == "hook-error/blynk_https_get/0" && e.Data == "error status 400 from ny3.blynk.cloud");
        f.Services.Journal.Hops.Should().ContainSingle(h => h.Kind == HopKind.WebhookResponse).Which.Should().Match<Hop>(h =>
            h.Outcome == HopOutcome.Rejected && h.Reason == """400 {"error":{"message":"Invalid token."}}""" && h.Http!.Status == 400);
    }

    [Fact]
    public async Task Response_body_is_published_in_512_byte_hook_response_chunks()
    {
        // Given
        using var target = Target(body: new string('a', 600));
        await using var f = Start(target, "h.example", """{"event":"e","url":"https://h.example/x"}""");

        // When
        await PublishAsync(f, "e", "1");

        // Then
        f.Cloud.Events.Where(e => e.Name.StartsWith("hook-response/", StringComparison.Ordinal))
            .Select(e => (e.Name, e.Data.Length)).Should().Equal(("hook-response/e/0", 512), ("hook-response/e/1", 88));
    }

    [Fact]
    public async Task Unmapped_host_is_a_failed_delivery_not_a_silent_pass()
    {
        // Given
        using var target = Target();
        await using var f = Start(target, "ny3.blynk.cloud", Seed.BlynkWebhookJson.Replace("ny3.blynk.cloud", "fra1.blynk.cloud", StringComparison.Ordinal));

        // When
        await PublishAsync(f, "blynk_https_get", Payload);

        // Then
        f.Cloud.Events.Should().Contain(e => e.Name == "hook-error/blynk_https_get/0" && e.Data == "getaddrinfo ENOTFOUND fra1.blynk.cloud");
        f.Services.Journal.Hops.Should().ContainSingle(h => h.Kind == HopKind.WebhookResponse).Which.Outcome.Should().Be(HopOutcome.Failed);
        target.LogEntries.Should().BeEmpty();
    }

    [Theory]
    [InlineData(true, HopOutcome.Failed)]
    [InlineData(false, HopOutcome.Delivered)]
    public async Task Self_signed_https_target_fails_only_when_rejectUnauthorized(bool rejectUnauthorized, HopOutcome expected)
    {
        // Given
        using var target = Target(ssl: true);
        var hook = $$"""{"event":"e","url":"https://secure.example/x","rejectUnauthorized":{{(rejectUnauthorized ? "true" : "false")}}}""";
        await using var f = Start(target, "secure.example", hook);

        // When
        await PublishAsync(f, "e", "1");

        // Then
        f.Services.Journal.Hops.Should().ContainSingle(h => h.Kind == HopKind.WebhookResponse).Which.Outcome.Should().Be(expected);
    }

    [Fact]
    public async Task Target_that_does_not_answer_within_20_virtual_seconds_times_out()
    {
        // Given: the webhook calls a device function on this same cloud; the device never answers, the cloud waits 60 s
        await using var f = CloudFixture.Start(b => b
            .WithFunctionCallTimeout(TimeSpan.FromSeconds(60))
            .WithWebhook($$"""{"event":"led","url":"https://api.particle.io/v1/devices/{{CloudFixture.DeviceId}}/blynk_led","headers":{"Authorization":"Bearer {{CloudFixture.Token}}"},"json":{"args":"1"},"noDefaults":true}"""));
        f.Services.Hosts.Map("api.particle.io", f.Cloud.Url);
        f.Connect(configure: d => { d.Unresponsive = true; return d; });
        var start = f.Clock.Now;

        // When
        f.Cloud.DeviceGateway.Publish(new DeviceEvent(CloudFixture.DeviceId, "led", "", PublishFlags.Private));
        await f.Clock.AdvanceAsync(TimeSpan.FromSeconds(25));

        // Then
        var answer = f.Services.Journal.Hops.Should().ContainSingle(h => h.Kind == HopKind.WebhookResponse).Subject;
        answer.Outcome.Should().Be(HopOutcome.TimedOut);
        answer.Reason.Should().StartWith("ETIMEDOUT");
        answer.Duration.Should().Be(TimeSpan.FromSeconds(20));
        (answer.At - start).Should().Be(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Host_with_more_errors_than_successes_sleeps_and_skipped_events_are_throttled()
    {
        // Given
        using var target = Target(status: 500);
        await using var f = Start(target, "h.example", """{"event":"e","url":"https://h.example/x"}""");

        // When
        for (var i = 0; i < 4; i++)
        {
            await PublishAsync(f, "e", "x");
        }

        await f.Clock.AdvanceAsync(TimeSpan.FromSeconds(6)); // the cooldown
        await PublishAsync(f, "e", "x");

        // Then
        target.LogEntries.Should().HaveCount(4, "the 4th event was skipped, the 5th came after the cooldown");
        f.Services.Journal.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Select(h => h.Outcome).Should().Equal(
            HopOutcome.Rejected, HopOutcome.Rejected, HopOutcome.Rejected, HopOutcome.Throttled, HopOutcome.Rejected);
        f.Cloud.Events.Should().Contain(e => e.Name == "hook-error/e/0" && e.Data == WebhookEngine.SleepingMessage);
    }

    [Fact]
    public async Task Skipped_events_are_retried_after_30_s_and_1_min_when_configured()
    {
        // Given
        using var target = Target(status: 500);
        await using var f = CloudFixture.Start(b => b
            .WithWebhook("""{"event":"e","url":"https://h.example/x"}""")
            .WithThrottle(WebhookThrottlePolicy.Default with { Cooldown = TimeSpan.FromSeconds(45), SkippedEvents = SkippedEventPolicy.RetryAfter30sAnd1Min }));
        f.Services.Hosts.Map("h.example", new Uri(target.Urls[0]));
        f.Connect();
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(f, "e", "x");
        }

        // When
        await PublishAsync(f, "e", "skipped");
        await f.Clock.AdvanceAsync(TimeSpan.FromMinutes(2));

        // Then: skipped at 0 s and 30 s (still sleeping), sent at 60 s (cooldown over)
        var answers = f.Services.Journal.Hops.Where(h => h.Kind == HopKind.WebhookResponse).Skip(3).ToList();
        answers.Select(h => h.Outcome).Should().Equal(HopOutcome.Throttled, HopOutcome.Throttled, HopOutcome.Rejected);
        answers[1].Reason.Should().Contain("(retry 1 of 2)");
        f.Services.Journal.Hops.Last(h => h.Kind == HopKind.WebhookRequest).Reason.Should().Be("(retry 2 of 2)");
    }
}
