namespace ParticleBlynk.Loop.Tests;

public sealed class FleetSummaryTests
{
    private static readonly FleetBoard One = new(1, "e00fce68d3b2a1c4f5e6a7b8", "blynk_boron", "aaaaBBBBccccDDDDeeeeFFFFgggg1234", Misflashed: false);
    private static readonly FleetBoard Two = new(2, "e00fce68d3b2000000000002", "blynk_boron_002", "zzzzYYYYxxxxWWWWvvvvUUUUtttt9876", Misflashed: true);

    [Fact]
    public void Each_board_counts_its_own_publishes_webhook_outcomes_and_blynk_webhooks()
    {
        // Given the hops of two boards, the Blynk webhook matched by the device id in its URL
        Hop[] hops =
        [
            Publish(One), Publish(Two), Publish(One),
            Response(One, HopOutcome.Delivered), Response(Two, HopOutcome.Rejected), Response(One, HopOutcome.Throttled),
            new() { Kind = HopKind.PublishRefused, Source = "device", Target = "Particle Cloud", DeviceId = Two.DeviceId, EventName = "blynk_https_get", Outcome = HopOutcome.RateLimited },
            BlynkWebhook(Two, HopOutcome.Delivered), BlynkWebhook(Two, HopOutcome.DroppedByQuota),
            Publish(One) with { EventName = "other" },
        ];

        // When
        var rows = FleetSummary.Summarise([One, Two], hops, "blynk_https_get");

        // Then
        rows.Should().HaveCount(2);
        rows[0].Should().BeEquivalentTo(new { Publishes = 2, Refused = 0, Delivered = 1, Failed = 0, Skipped = 1, BlynkWebhooks = 0, DroppedByQuota = 0 });
        rows[1].Should().BeEquivalentTo(new { Publishes = 1, Refused = 1, Delivered = 0, Failed = 1, Skipped = 0, BlynkWebhooks = 1, DroppedByQuota = 1 });
    }

    [Fact]
    public void The_table_has_a_totals_line_and_a_row_per_board_with_tokens_masked()
    {
        // Given a row whose name happens to carry a token
        var rows = new[]
        {
            new FleetBoardSummary { Board = One, Publishes = 2, Delivered = 2, LastV14 = "300010", LedOn = true },
            new FleetBoardSummary { Board = Two with { Name = Two.BlynkToken }, Publishes = 1, Failed = 1 },
        };

        // When
        var table = FleetSummary.Render(rows, new Secrets(Two.BlynkToken));

        // Then
        table.Should().StartWith("Fleet of 2 boards: 3 publishes, 0 refused on the device, 2 delivered to Blynk, 1 failed");
        table.Should().Contain("| 1 | e00fce68d3b2a1c4f5e6a7b8 | blynk_boron | no | 2 | 0 | 2 | 0 | 0 | 0 | 0 | 300010 | on |");
        table.Should().Contain("| 2 | e00fce68d3b2000000000002 | zzzz…9876 | yes | 1 | 0 | 0 | 1 | 0 | 0 | 0 | - | - |");
        table.Should().NotContain(Two.BlynkToken);
    }

    [Theory]
    [InlineData("/v1/devices/e00fce68d3b2a1c4f5e6a7b8/blynk_led", "e00fce68d3b2a1c4f5e6a7b8")]
    [InlineData("/external/api/batch/update", null)]
    [InlineData(null, null)]
    public void A_blynk_webhook_belongs_to_the_board_its_url_calls(string? path, string? device) =>
        FleetSummary.DeviceOfFunctionUrl(path).Should().Be(device);

    private static Hop Publish(FleetBoard board) =>
        new() { Kind = HopKind.Publish, Source = "device", Target = "Particle Cloud", DeviceId = board.DeviceId, EventName = "blynk_https_get" };

    private static Hop Response(FleetBoard board, HopOutcome outcome) =>
        new() { Kind = HopKind.WebhookResponse, Source = "Particle webhook", Target = "ny3.blynk.cloud", DeviceId = board.DeviceId, EventName = "blynk_https_get", Outcome = outcome };

    private static Hop BlynkWebhook(FleetBoard board, HopOutcome outcome) =>
        new()
        {
            Kind = HopKind.BlynkWebhook, Source = "Blynk webhook", Target = "api.particle.io", Outcome = outcome,
            Http = new HttpExchange("POST", $"https://api.particle.io/v1/devices/{board.DeviceId}/blynk_led"),
        };
}
