using System.Net;

namespace ParticleBlynk.BlynkCloud.Tests;

public sealed class RegionAndLifecycleTests
{
    [Fact]
    public async Task A_request_to_the_wrong_region_gets_308_to_the_right_one_with_the_same_path_and_query()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, body, response) = await h.GetAsync($"https://fra1.blynk.cloud/external/api/batch/update?token={BlynkHarness.Token}&V14=5&V6=a%20b");

        // Then
        status.Should().Be((HttpStatusCode)308);
        response.Headers.Location.Should().Be(new Uri($"https://ny3.blynk.cloud/external/api/batch/update?token={BlynkHarness.Token}&V14=5&V6=a%20b"));
        response.Content.Headers.ContentLength.Should().Be(0);
        body.Should().BeEmpty();
        h.Cloud.LastUpdate(BlynkHarness.Token).Should().BeNull();
    }

    [Theory]
    [InlineData("blynk.cloud")]
    [InlineData("ny3.blynk.cloud")]
    public async Task The_device_region_and_the_GeoDNS_name_serve_the_device_by_default(string host)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        var (status, _, _) = await h.BatchAsync("V14=5", host);

        // Then
        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Direct_loopback_access_acts_as_the_device_region()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(new Uri(h.Cloud.Url, $"external/api/update?token={BlynkHarness.OtherToken}&V14=9"));

        // Then
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        h.Cloud.Value(BlynkHarness.OtherToken, "V14").Should().Be("9");
    }

    [Fact]
    public async Task GeoDNS_landing_in_another_region_redirects_when_configured()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithBehaviour(x => x with { GeoDnsRegion = BlynkRegions.Fra1 }));

        // When
        var ny3Device = await h.BatchAsync("V14=5", "blynk.cloud");
        var fraDevice = await h.GetAsync($"https://blynk.cloud/external/api/update?token={BlynkHarness.OtherToken}&V14=5");

        // Then
        ny3Device.Status.Should().Be((HttpStatusCode)308);
        ny3Device.Response.Headers.Location!.Host.Should().Be("ny3.blynk.cloud");
        fraDevice.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Last_update_and_updatedAt_follow_accepted_writes_on_the_harness_clock()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(90));
        var at = h.Clock.Now;

        // When
        await h.BatchAsync("V14=5");
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(10));
        await h.BatchAsync("V14=bad");

        // Then
        h.Cloud.LastUpdate(BlynkHarness.Token).Should().Be(at);
        h.Cloud.UpdatedAt(BlynkHarness.Token, "V14").Should().Be(at);
        h.Cloud.UpdatedAt(BlynkHarness.Token, "V15").Should().BeNull();
    }

    [Fact]
    public async Task An_http_only_device_stays_offline_by_default()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();

        // When
        await h.BatchAsync("V14=5");
        var (_, connected, _) = await h.GetAsync($"https://ny3.blynk.cloud/external/api/isHardwareConnected?token={BlynkHarness.Token}");

        // Then
        h.Cloud.IsOnline(BlynkHarness.Token).Should().BeFalse();
        connected.Should().Be("false");
    }

    [Fact]
    public async Task With_log_when_device_reports_any_data_a_device_is_online_for_the_wait_period_after_a_report()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithLogWhenDeviceReportsAnyData(BlynkCloudBuilder.SeedTemplateId, waitPeriod: TimeSpan.FromMinutes(1)));

        // When
        await h.BatchAsync("V14=5");
        var right = h.Cloud.IsOnline(BlynkHarness.Token);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(59));
        var before = h.Cloud.IsOnline(BlynkHarness.Token);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        var after = h.Cloud.IsOnline(BlynkHarness.Token);

        // Then
        right.Should().BeTrue();
        before.Should().BeTrue();
        after.Should().BeFalse();
    }

    [Fact]
    public async Task Raw_datastreams_keep_every_value_and_others_one_average_per_minute()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync(b => b.WithTemplate(BlynkCloudBuilder.SeedTemplate() with
        {
            Datastreams = [.. BlynkCloudBuilder.SeedTemplate().Datastreams.Select(d => d.Pin == "V15" ? d with { IsRaw = false } : d)],
        }));

        // When
        foreach (var v in new[] { "1", "2", "3" })
        {
            await h.BatchAsync($"V14={v}&V15={v}");
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(10));
        }

        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(60));
        await h.BatchAsync("V15=3");

        // Then
        h.Cloud.History(BlynkHarness.Token, "V14").Select(p => p.Value).Should().Equal("1", "2", "3");
        h.Cloud.History(BlynkHarness.Token, "V15").Select(p => (p.Value, p.Samples)).Should().Equal(("2", 3), ("3", 1));
    }

    [Fact]
    public async Task Options_round_trip_through_a_json_config_file()
    {
        // Given
        var options = new BlynkCloudBuilder().WithSeedIntegration(BlynkHarness.Token, BlynkHarness.ParticleDevice, BlynkHarness.ParticleToken)
            .WithQuota(WebhookQuotaPolicy.CurrentLimits).Build();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, options.ToJson());

        // When
        var loaded = BlynkCloudOptions.Load(path);
        File.Delete(path);

        // Then
        loaded.ToJson().Should().Be(options.ToJson());
        loaded.Templates.Single().Datastreams.Should().HaveCount(5);
        loaded.Webhooks.Single().Body.Should().Be("""{"args":"{device_pinValue}"}""");
        loaded.Quota.Should().Be(WebhookQuotaPolicy.CurrentLimits);
    }

    [Fact]
    public void Build_rejects_a_token_that_is_not_32_url_safe_chars()
    {
        // Given
        var builder = new BlynkCloudBuilder().WithTemplate(BlynkCloudBuilder.SeedTemplate()).WithDevice("short", "x");

        // When
        var act = () => builder.Build();

        // Then
        act.Should().Throw<ArgumentException>().WithMessage("*32 chars*");
    }

    [Fact]
    public async Task Disposing_twice_is_harmless()
    {
        // Given
        var h = await BlynkHarness.StartAsync();
        await h.Cloud.DisposeAsync();

        // When
        var again = async () => await h.DisposeAsync();

        // Then
        await again.Should().NotThrowAsync();
    }
}
