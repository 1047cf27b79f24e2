using System.Net;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud.Tests;

public sealed class WebhookTests
{
    [Fact]
    public async Task A_switch_from_the_app_posts_the_seed_webhook_to_the_particle_function()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "1");
        await h.Clock.SettleAsync();

        // Then
        var call = h.ParticleCalls.Should().ContainSingle().Subject;
        call.Method.Should().Be("POST");
        call.Path.Should().Be($"/v1/devices/{BlynkHarness.ParticleDevice}/blynk_led");
        call.Body.Should().Be("""{"args":"1"}""");
        call.Headers!["Authorization"].Should().ContainSingle().Which.Should().Be("Bearer " + BlynkHarness.ParticleToken);
        call.Headers["Content-Type"].Single().Should().StartWith("application/json");
        call.Headers["Host"].Single().Should().Be("api.particle.io");
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Kind == HopKind.BlynkWebhook && x.Leg == Leg.L4 && x.Outcome == HopOutcome.Delivered && x.Http!.Status == 200);
    }

    [Fact]
    public async Task A_second_change_inside_the_quota_window_is_dropped_and_journalled_not_sent()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "1");
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(30));

        // When
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "0");
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(30));
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "1");
        await h.Clock.SettleAsync();

        // Then
        h.ParticleCalls.Select(c => c.Body).Should().Equal("""{"args":"1"}""", """{"args":"1"}""");
        h.Services.Journal.Hops.Where(x => x.Leg == Leg.L4).Select(x => x.Outcome)
            .Should().Equal(HopOutcome.Delivered, HopOutcome.DroppedByQuota, HopOutcome.Delivered);
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Outcome == HopOutcome.DroppedByQuota && x.Reason!.StartsWith("V16=0:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dispatch_delay_sends_the_request_later_and_counts_the_quota_at_the_change()
    {
        // Given webhooks that go out 100 ms after the change
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { WebhookDispatchDelay = TimeSpan.FromMilliseconds(100) }));
        var changedAt = h.Clock.Now;

        // When V16 changes, and changes back inside the delay
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "1");
        await h.Clock.AdvanceAsync(TimeSpan.FromMilliseconds(50));
        h.ParticleCalls.Should().BeEmpty("the request waits for the dispatch delay");
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "0");
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Then the first goes out 100 ms after its change with the value it changed to; the second was judged by the quota at once
        h.ParticleCalls.Select(c => c.Body).Should().Equal("""{"args":"1"}""");
        var hops = h.Services.Journal.Hops.Where(x => x.Leg == Leg.L4).ToList();
        hops.Select(x => x.Outcome).Should().Equal(HopOutcome.DroppedByQuota, HopOutcome.Delivered);
        hops[0].At.Should().Be(changedAt + TimeSpan.FromMilliseconds(50));
        hops[1].At.Should().Be(changedAt + TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_negative_dispatch_delay_is_refused_at_start()
    {
        var start = () => BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { WebhookDispatchDelay = TimeSpan.FromMilliseconds(-1) }));

        (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("WebhookDispatchDelay is negative");
    }

    [Fact]
    public async Task The_current_limits_quota_allows_ten_per_minute()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithQuota(WebhookQuotaPolicy.CurrentLimits));

        // When
        for (var i = 0; i < 11; i++)
        {
            h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", (i % 2 == 0) ? "1" : "0");
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        // Then
        h.ParticleCalls.Should().HaveCount(10);
        h.Services.Journal.Hops.Count(x => x.Kind == HopKind.BlynkWebhook && x.Outcome == HopOutcome.DroppedByQuota).Should().Be(1);
    }

    [Fact]
    public async Task An_http_api_write_that_changes_V16_fires_the_webhook_and_an_unchanged_one_does_not()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        await h.BatchAsync("V16=0&V17=0");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(2));
        await h.BatchAsync("V16=1&V17=1");
        await h.Clock.SettleAsync();

        // Then
        h.ParticleCalls.Select(c => c.Body).Should().Equal("""{"args":"1"}""");
    }

    [Fact]
    public async Task Http_api_writes_fire_no_webhook_when_configured_off()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { HttpApiWriteFiresWebhook = false }));

        // When
        await h.BatchAsync("V16=1");
        await h.Clock.SettleAsync();

        // Then
        h.ParticleCalls.Should().BeEmpty();
        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
    }

    [Fact]
    public async Task Failed_deliveries_are_counted_and_the_notification_threshold_is_recorded()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(
            b => b.WithQuota(WebhookQuotaPolicy.CurrentLimits).WithWebhook(BlynkCloudBuilder.SeedWebhook(1, BlynkHarness.ParticleDevice, BlynkHarness.ParticleToken) with { FailureNotificationThreshold = 3 }),
            HttpStatusCode.BadRequest);

        // When
        for (var i = 0; i < 3; i++)
        {
            h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", (i % 2 == 0) ? "1" : "0");
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        // Then
        h.Services.Journal.Hops.Where(x => x.Kind == HopKind.BlynkWebhook).Should().HaveCount(3).And.OnlyContain(x => x.Outcome == HopOutcome.Rejected && x.Http!.Status == 400);
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Kind == HopKind.Notification).Which.Reason.Should().StartWith("3 failures");
    }

    [Fact]
    public async Task An_unmapped_webhook_host_is_a_failed_delivery()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithWebhook(BlynkCloudBuilder.SeedWebhook(1, "x", "y") with { Url = "https://nowhere.example/hook" }));

        // When
        h.Cloud.SwitchFromApp(BlynkHarness.Token, "V16", "1");
        await h.Clock.SettleAsync();

        // Then
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Leg == Leg.L4 && x.Outcome == HopOutcome.Failed)
            .Which.Reason.Should().Contain("getaddrinfo ENOTFOUND nowhere.example");
    }

    [Fact]
    public async Task Web_form_get_and_plain_text_webhooks_render_placeholders()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b
            .WithWebhook(new WebhookOptions
            {
                Name = "form", Url = "https://api.particle.io/form", DeviceId = 1, Pin = "V14", Method = WebhookMethod.Get,
                ContentType = WebhookContentType.WebForm,
                FormFields = new Dictionary<string, string> { ["v"] = "{device_pinValue}", ["id"] = "{device_id}", ["pin"] = "{device_pin}" },
            })
            .WithWebhook(new WebhookOptions
            {
                Name = "text", Url = "https://api.particle.io/text", DeviceId = 1, Pin = "V14", Method = WebhookMethod.Put,
                ContentType = WebhookContentType.PlainText,
                Body = "{device_name} {device_templateId} {device_authToken} {timestamp_iso8601} {timestamp_unix} {unknown}",
            }));

        // When
        await h.BatchAsync("V14=42");
        await h.Clock.SettleAsync();

        // Then
        var calls = h.ParticleCalls.ToList();
        calls.Should().ContainSingle(c => c.Method == "GET").Which.RawQuery.Should().Be("?v=42&id=1&pin=V14");
        calls.Should().ContainSingle(c => c.Method == "PUT").Which.Body.Should()
            .Be($"Boron TMPL4ej7--Xu_ {BlynkHarness.Token} 2026-01-01T00:00:00.000Z 1767225600000 {{unknown}}");
    }
}
