using Microsoft.Extensions.Time.Testing;

namespace ParticleBlynk.Loop.Tests;

public sealed class JournalTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Hops_are_numbered_timestamped_classified_and_sized_in_utf8_bytes()
    {
        // Given
        var time = new FakeTimeProvider(Start);
        var journal = new Journal(time);
        time.Advance(TimeSpan.FromSeconds(1));

        // When
        var hop = journal.Record(new Hop { Kind = HopKind.Publish, Source = "device d", Target = "Particle Cloud", DeviceId = "d", EventName = "blynk_https_get", Payload = "{\"v15\":\"µ\"}" });

        // Then
        hop.Sequence.Should().Be(1);
        hop.At.Should().Be(Start.AddSeconds(1));
        hop.Leg.Should().Be(Leg.L1);
        hop.Correlation.Should().Be("c1");
        hop.Bytes.Should().Be(12, "11 characters, and µ is two bytes in UTF-8");
        journal.Render().Should().Contain("00:00:01.000 L1 c1 device d -> Particle Cloud: publish blynk_https_get [12 B] Delivered");
    }

    [Theory]
    [InlineData(HopKind.Publish, false, Leg.L1)]
    [InlineData(HopKind.PublishRefused, false, Leg.L1)]
    [InlineData(HopKind.PublishRefused, true, Leg.L6)]
    [InlineData(HopKind.Echo, true, Leg.L6)]
    [InlineData(HopKind.WebhookRequest, false, Leg.L2)]
    [InlineData(HopKind.WebhookResponse, false, Leg.L2)]
    [InlineData(HopKind.DatastreamWrite, false, Leg.L3)]
    [InlineData(HopKind.BlynkWebhook, false, Leg.L4)]
    [InlineData(HopKind.Notification, false, Leg.L4)]
    [InlineData(HopKind.FunctionCall, false, Leg.L5)]
    [InlineData(HopKind.FunctionReturn, false, Leg.L5)]
    [InlineData(HopKind.DeviceLink, false, Leg.None)]
    public void The_leg_follows_from_the_kind_in_one_place(HopKind kind, bool echo, Leg leg) =>
        LegClassifier.Classify(kind, echo).Should().Be(leg);

    [Fact]
    public void A_hop_completed_in_place_keeps_its_place_before_the_hops_it_caused()
    {
        // Given a Blynk webhook recorded when sent, and the function call it caused
        var journal = new Journal(new FakeTimeProvider(Start));
        var sent = journal.Record(new Hop { Kind = HopKind.BlynkWebhook, Source = "Blynk webhook", Target = "api.particle.io", Pin = "V16", Outcome = HopOutcome.Pending });
        journal.Record(new Hop { Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = "device d", DeviceId = "d", Function = "blynk_led", Payload = "1" });

        // When the webhook's answer comes
        var completed = journal.Complete(sent, h => h with { Outcome = HopOutcome.Delivered, Duration = TimeSpan.FromMilliseconds(12) });

        // Then
        journal.Hops.Select(h => h.Kind).Should().Equal(HopKind.BlynkWebhook, HopKind.FunctionCall);
        journal.Hops[0].Should().Be(completed);
        completed!.Outcome.Should().Be(HopOutcome.Delivered);
        completed.Revision.Should().Be(1);
        completed.Sequence.Should().Be(sent.Sequence);
    }

    [Fact]
    public void A_full_journal_drops_its_oldest_hops_and_counts_them()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider(Start), capacity: 10);

        // When
        for (var i = 0; i < 25; i++)
        {
            journal.Record(new Hop { Kind = HopKind.DeviceLink, Source = "harness", Target = "device", Payload = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        // Then
        journal.Count.Should().Be(25);
        journal.Hops.Should().HaveCountLessThanOrEqualTo(10);
        journal.Dropped.Should().Be(25 - journal.Hops.Count);
        journal.Hops[^1].Payload.Should().Be("24");
        journal.Since(21).Select(h => h.Payload).Should().Equal("21", "22", "23", "24"); // payload i is sequence i + 1
        journal.Render().Should().StartWith($"({journal.Dropped} older hops dropped");
    }

    [Fact]
    public void A_mirror_keeps_the_sequence_numbers_and_takes_later_revisions_in_place()
    {
        // Given a lab's journal and a mirror of it
        var lab = new Journal(new FakeTimeProvider(Start));
        var mirror = new Journal(new FakeTimeProvider(Start));
        var sent = lab.Record(new Hop { Kind = HopKind.BlynkWebhook, Source = "Blynk webhook", Target = "api.particle.io", Outcome = HopOutcome.Pending });
        lab.Record(new Hop { Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = "device d", DeviceId = "d", Function = "f" });

        // When
        foreach (var hop in lab.Since(0))
        {
            mirror.Append(hop);
        }

        mirror.Append(lab.Complete(sent, h => h with { Outcome = HopOutcome.Failed })!);

        // Then
        mirror.Hops.Should().Equal(lab.Hops);
        mirror.Hops[0].Outcome.Should().Be(HopOutcome.Failed);
    }

    [Fact]
    public void Rendering_redacts_tokens_and_escapes_a_forged_line()
    {
        // Given
        var token = "38bb7b318cc6898c80317decb34525844bc9db55";
        var journal = new Journal(new FakeTimeProvider(Start));
        journal.Record(new Hop { Kind = HopKind.Publish, Source = "device d", Target = "Particle Cloud", EventName = "e", Payload = $"{{\"t\":\"{token}\"}}\nFORGED line" });

        // When
        var text = journal.Render(new Secrets(token));

        // Then
        text.Should().NotContain(token).And.Contain("38bb…db55").And.Contain("\\nFORGED line");
        text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2, "one line for the hop, one for its payload");
    }
}

public sealed class JournalBoundsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_long_payload_keeps_its_prefix_and_states_its_full_size()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider(Start), payloadLimit: 100);
        var argument = new string('a', 10_485_760);

        // When
        var hop = journal.Record(new Hop
        {
            Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = "device d", DeviceId = "d", Function = "blynk_led", Payload = argument,
            Http = new HttpExchange("POST", "https://api.particle.io/v1/devices/d/blynk_led") { RequestBody = "args=" + argument },
        });

        // Then
        hop.Bytes.Should().Be(10_485_760, "the size is the whole payload's");
        hop.Payload.Should().Be(new string('a', 100) + "…(10485760 bytes)");
        hop.Http!.RequestBody.Should().Be("args=" + new string('a', 95) + "…(10485765 bytes)");
        journal.Render().Should().Contain("…(10485760 bytes)");
    }

    [Fact]
    public void Past_its_text_budget_the_journal_drops_its_oldest_hops_and_counts_them()
    {
        // Given a budget of 1,000 characters and hops of about 100
        var journal = new Journal(new FakeTimeProvider(Start), payloadLimit: 100, textBudget: 1_000);

        // When
        for (var i = 0; i < 50; i++)
        {
            journal.Record(new Hop { Kind = HopKind.DeviceLink, Source = "h", Target = "d", Payload = new string('x', 90) + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture) });
        }

        // Then
        journal.Hops.Sum(h => h.Payload.Length + h.Source.Length + h.Target.Length).Should().BeLessThanOrEqualTo(1_000);
        journal.Dropped.Should().Be(50 - journal.Hops.Count).And.BeGreaterThan(0);
        journal.Hops[^1].Payload.Should().EndWith("49");
        journal.Render().Should().StartWith($"({journal.Dropped} older hops dropped");
    }

    [Fact]
    public void The_hops_of_one_message_keep_one_copy_of_the_text_they_repeat()
    {
        // Given a publish and the webhook request it caused
        var journal = new Journal(new FakeTimeProvider(Start));
        const string Url = "https://ny3.blynk.cloud/external/api/batch/update?token=abcdefgh&V14=1";
        journal.Record(new Hop { Kind = HopKind.Publish, Source = "device d", Target = "Particle Cloud", DeviceId = "d", EventName = "blynk_https_get", Payload = "{}" });
        var request = journal.Record(new Hop
        {
            Kind = HopKind.WebhookRequest, Source = "Particle webhook", Target = "ny3.blynk.cloud", EventName = "blynk_https_get",
            Payload = Url[(Url.IndexOf('?', StringComparison.Ordinal) + 1)..], Http = new HttpExchange("GET", Url),
        });

        // When the Blynk mock records the same request as it arrived: equal texts, its own instances
        var arrived = new string(Url.AsSpan());
        var write = journal.Record(new Hop
        {
            Kind = HopKind.DatastreamWrite, Source = "HTTPS API client", Target = "ny3.blynk.cloud",
            Payload = new string(request.Payload.AsSpan()), Http = new HttpExchange("GET", arrived) { Status = 200 },
        });
        var unrelated = journal.Record(new Hop { Kind = HopKind.DeviceLink, Source = "h", Target = "d", Payload = new string(request.Payload.AsSpan()) });

        // Then the write is the webhook's (same correlation), equal in every text, and holds the request's instances
        write.Correlation.Should().Be(request.Correlation);
        write.Payload.Should().Be(request.Payload);
        write.Http!.Url.Should().Be(Url);
        write.Http.Status.Should().Be(200);
        ReferenceEquals(write.Payload, request.Payload).Should().BeTrue("the query is kept once");
        ReferenceEquals(write.Http.Url, request.Http!.Url).Should().BeTrue("the URL is kept once");
        ReferenceEquals(unrelated.Payload, request.Payload).Should().BeFalse("a hop of another message keeps its own text");
        unrelated.Payload.Should().Be(request.Payload);
    }

    [Fact]
    public void Every_text_a_sender_chose_is_one_line_in_the_journal_text()
    {
        // Given an API publish whose name, data and URL carry line breaks
        var journal = new Journal(new FakeTimeProvider(Start));
        journal.Record(new Hop
        {
            Kind = HopKind.Publish, Source = "API client (a\nb)", Target = "Particle Cloud", EventName = "x\nFORGED name", Payload = "ok\nFORGED data",
            Reason = "event 1\r\nFORGED reason",
        });

        // When
        var lines = journal.Render().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        // Then
        lines.Should().HaveCount(2, "one line for the hop, one for its payload");
        lines.Should().NotContain(l => l.StartsWith("FORGED", StringComparison.Ordinal));
        lines[0].Should().Contain("publish x\\nFORGED name");
    }

    [Fact]
    public void A_token_cut_in_the_middle_shows_no_more_than_its_first_four_characters()
    {
        // Given a payload cut inside a token
        var token = "38bb7b318cc6898c80317decb34525844bc9db55";
        var journal = new Journal(new FakeTimeProvider(Start), payloadLimit: 30);
        journal.Record(new Hop { Kind = HopKind.Publish, Source = "device d", Target = "Particle Cloud", EventName = "e", Payload = "{\"t\":\"" + token + "\"}" });

        // When
        var text = journal.Render(new Secrets(token));

        // Then
        text.Should().Contain("{\"t\":\"38bb…(48 bytes)").And.NotContain(token[..8]);
    }
}

public sealed class JournalChangeTests
{
    [Fact]
    public void Changed_since_gives_new_hops_and_hops_completed_in_place_in_their_latest_revision()
    {
        // Given a reader that has seen the journal up to the Blynk webhook being sent
        var journal = new Journal(new FakeTimeProvider());
        var sent = journal.Record(new Hop { Kind = HopKind.BlynkWebhook, Source = "Blynk", Target = "api.particle.io", Outcome = HopOutcome.Pending });
        var seen = journal.Changes;

        // When the call it caused is recorded and the webhook completes
        journal.Record(new Hop { Kind = HopKind.FunctionCall, Source = "Particle", Target = "device d", DeviceId = "d", Function = "f" });
        journal.Complete(sent, h => h with { Outcome = HopOutcome.Delivered });

        // Then
        var changed = journal.ChangedSince(seen);
        changed.Select(h => (h.Sequence, h.Kind, h.Outcome)).Should().Equal((1, HopKind.BlynkWebhook, HopOutcome.Delivered), (2, HopKind.FunctionCall, HopOutcome.Delivered));
        journal.ChangedSince(journal.Changes).Should().BeEmpty();
    }
}
