using Microsoft.Extensions.Time.Testing;

namespace ParticleBlynk.Loop.Tests;

public sealed class CorrelatorTests
{
    private const string Device = "e00fce68d3b2a1c4f5e6a7b8";

    private static Hop Publish(string payload) =>
        new() { Kind = HopKind.Publish, Source = $"device {Device}", Target = "Particle Cloud", DeviceId = Device, EventName = "blynk_https_get", Payload = payload };

    [Fact]
    public void One_publish_links_its_webhook_request_the_blynk_write_and_the_answer()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider());
        var query = "token=t&V14=1000&V16=0";

        // When
        journal.Record(Publish("{\"v16\":0}"));
        journal.Record(new Hop
        {
            Kind = HopKind.WebhookRequest, Source = "Particle webhook", Target = "ny3.blynk.cloud", EventName = "blynk_https_get",
            Http = new HttpExchange("GET", "https://ny3.blynk.cloud/external/api/batch/update?" + query),
        });
        journal.Record(new Hop { Kind = HopKind.DatastreamWrite, Source = "HTTPS API client", Target = "ny3.blynk.cloud", Http = new HttpExchange("GET", "https://ny3.blynk.cloud/external/api/batch/update?" + query) });
        journal.Record(new Hop { Kind = HopKind.WebhookResponse, Source = "Particle webhook", Target = "ny3.blynk.cloud", EventName = "blynk_https_get" });
        journal.Record(Publish("{\"v16\":0}"));

        // Then
        journal.Hops.Select(h => (h.Leg, h.Correlation)).Should().Equal((Leg.L1, "c1"), (Leg.L2, "c1"), (Leg.L3, "c1"), (Leg.L2, "c1"), (Leg.L1, "c2"));
    }

    [Fact]
    public void A_switch_links_the_v16_webhook_the_call_it_makes_its_return_and_the_echo()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider());

        // When
        journal.Record(new Hop { Kind = HopKind.DatastreamWrite, Source = Hop.BlynkApp, Target = "Blynk device 1", Pin = "V16", Payload = "V16=1" });
        journal.Record(new Hop
        {
            Kind = HopKind.BlynkWebhook, Source = "Blynk webhook", Target = "api.particle.io", Pin = "V16", Outcome = HopOutcome.Pending,
            Http = new HttpExchange("POST", $"https://api.particle.io/v1/devices/{Device}/blynk_led") { RequestBody = """{"args":"1"}""" },
        });
        journal.Record(new Hop { Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = "device", DeviceId = Device, Function = "blynk_led", Payload = "1" });
        journal.Record(new Hop { Kind = HopKind.FunctionReturn, Source = "device", Target = "Particle Cloud", DeviceId = Device, Function = "blynk_led", ReturnValue = 1 });
        var echo = journal.Record(Publish("{\"v16\":1,\"v17\":1}"));

        // Then
        echo.Kind.Should().Be(HopKind.Echo);
        journal.Hops.Select(h => (h.Leg, h.Correlation)).Should().Equal((Leg.L3, "c1"), (Leg.L4, "c1"), (Leg.L5, "c1"), (Leg.L5, "c1"), (Leg.L6, "c1"));
    }

    [Fact]
    public void A_call_returning_minus_one_is_not_followed_by_an_echo()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider());
        journal.Record(new Hop { Kind = HopKind.FunctionCall, Source = "harness", Target = "device", DeviceId = Device, Function = "blynk_led", Payload = "ON" });
        journal.Record(new Hop { Kind = HopKind.FunctionReturn, Source = "device", Target = "harness", DeviceId = Device, Function = "blynk_led", ReturnValue = -1 });

        // When
        var next = journal.Record(Publish("{}"));

        // Then
        next.Leg.Should().Be(Leg.L1);
        next.Correlation.Should().NotBe(journal.Hops[0].Correlation);
    }

    [Fact]
    public void Seen_only_from_outside_the_echo_infers_the_unseen_webhook_and_call()
    {
        // Given a journal fed by public interfaces: a switch, then the device's republish reporting the switched value
        var journal = new Journal(new FakeTimeProvider()) { Inference = EchoInference.Doc };
        journal.Record(new Hop { Kind = HopKind.DatastreamWrite, Source = Hop.BlynkApp, Target = "Blynk Cloud", Pin = "V16", Payload = "V16=1", Feed = Feed.Harness });

        // When
        journal.Record(Publish("{\"t\":\"x\",\"v14\":5000,\"v15\":1.0,\"v16\":1,\"v17\":1}") with { Feed = Feed.EventStream });

        // Then
        journal.Hops.Select(h => (h.Leg, h.Kind, h.Inferred)).Should().Equal(
            (Leg.L3, HopKind.DatastreamWrite, false),
            (Leg.L4, HopKind.BlynkWebhook, true),
            (Leg.L5, HopKind.FunctionCall, true),
            (Leg.L5, HopKind.FunctionReturn, true),
            (Leg.L6, HopKind.Echo, false));
        journal.Hops.Select(h => h.Correlation).Distinct().Should().ContainSingle();
    }

    [Fact]
    public void A_publish_that_does_not_report_the_switched_value_infers_nothing()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider()) { Inference = EchoInference.Doc };
        journal.Record(new Hop { Kind = HopKind.DatastreamWrite, Source = Hop.BlynkApp, Target = "Blynk Cloud", Pin = "V16", Payload = "V16=1" });

        // When (the periodic publish, the switch dropped by the quota)
        var publish = journal.Record(Publish("{\"v16\":0,\"v17\":0}"));

        // Then
        publish.Leg.Should().Be(Leg.L1);
        journal.Hops.Should().HaveCount(2);
    }
}
