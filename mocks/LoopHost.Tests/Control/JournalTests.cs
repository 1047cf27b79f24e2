using System.Net;
using System.Net.Http.Json;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Tests.Support;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>The typed journal over the API: a page after a change number, all of it as JSON lines, and the stream.</summary>
public sealed class JournalTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = HarnessClock.DefaultStart;

    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task A_page_after_a_change_number_holds_only_what_changed_since()
    {
        // Given a reader that has read the boot's hops
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var first = await _lab.Client.JournalAsync(session.Id, 0);
        var nothingNew = await _lab.Client.JournalAsync(session.Id, first.Changes);

        // When the periodic publish happens and the reader asks after the change number it has
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));
        var next = await _lab.Client.JournalAsync(session.Id, first.Changes);

        // Then
        first.Hops.Should().NotBeEmpty();
        first.Dropped.Should().Be(0);
        nothingNew.Hops.Redacted(spec).Should().BeEmpty("nothing changed since the reader's change number");
        nothingNew.Changes.Should().Be(first.Changes);
        next.Changes.Should().BeGreaterThan(first.Changes);
        next.Hops.Select(h => h.Kind).Should().Contain(HopKind.Publish);
        next.Hops.Select(h => h.Sequence).Should().OnlyContain(s => s > first.Hops.Max(h => h.Sequence), "only new hops changed: the boot's are not sent again");
        next.Hops.Select(h => h.At).Should().OnlyContain(at => at >= Start.AddMinutes(5));
        (await _lab.Client.JournalAsync(session.Id, 0)).Hops.Select(h => h.Sequence).Should().Equal(first.Hops.Concat(next.Hops).Select(h => h.Sequence));
    }

    [Fact]
    public async Task A_hop_completed_in_place_is_paged_again_with_its_new_revision()
    {
        // Given a booted board whose LED is switched on from the Blynk app: V16's webhook is recorded when sent and completed with its answer
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var before = await _lab.Client.JournalAsync(session.Id, 0);
        using var probe = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = InProcessLab.Patience };
        var flow = "h-" + Guid.NewGuid().ToString("N");
        var dashboard = new Uri(session.DashboardUrl!);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(dashboard.GetLeftPart(UriPartial.Path).Replace("/dashboard/", "/dashboard/api/", StringComparison.Ordinal) + "/pins/V16"))
        {
            Content = JsonContent.Create(new { value = "1" }),
        };
        request.Headers.Authorization = new("Bearer", dashboard.Fragment["#token=".Length..]);
        request.Headers.TryAddWithoutValidation(HarnessHeaders.Flow, flow);
        (await probe.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);

        // When
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(1)));
        var page = await _lab.Client.JournalAsync(session.Id, before.Changes);

        // Then
        var webhooks = page.Hops.Where(h => h.Kind == HopKind.BlynkWebhook).ToList();
        webhooks.Redacted(spec).Should().ContainSingle();
        webhooks[0].Revision.Should().BeGreaterThan(0, "the webhook's hop was completed in place with its answer");
        webhooks[0].Outcome.Should().Be(HopOutcome.Delivered);
        page.Changes.Should().BeGreaterThan(page.Hops.Max(h => h.Sequence), "a completion is a change too");
    }

    [Fact]
    public async Task Journal_ndjson_is_every_hop_as_one_json_line_each()
    {
        // Given a booted board that also made its periodic publish
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        await _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, $"sessions/{session.Id}/journal.ndjson");
        var page = await _lab.Client.JournalAsync(session.Id, 0);

        // Then
        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Body.Should().EndWith("\n");
        var hops = answer.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(WireJson.Deserialize<Hop>).ToList();
        hops.Select(h => h.Sequence).Should().Equal(page.Hops.Select(h => h.Sequence));
        hops.Select(h => h.Kind).Should().Contain(HopKind.Publish).And.Contain(HopKind.DatastreamWrite);
        hops.Zip(page.Hops, (line, paged) => WireJson.Serialize(line) == WireJson.Serialize(paged)).Should().AllSatisfy(same => same.Should().BeTrue("a line is the hop the page has"));
        hops.Redacted(spec).Should().HaveCount(page.Hops.Count);
    }

    [Fact]
    public async Task The_stream_sends_the_hops_so_far_then_a_hop_that_happens_after_it_opened()
    {
        // Given a booted board and a reader of its stream
        var (session, spec) = await _lab.CreateBootedSessionAsync();
        var known = await _lab.Client.JournalAsync(session.Id, 0);
        await using var stream = await JournalStream.OpenAsync(_lab, session.Id);
        var sent = new List<Hop>();
        foreach (var _ in known.Hops)
        {
            sent.Add(await stream.NextAsync(InProcessLab.Patience) ?? throw new InvalidOperationException("The stream ended."));
        }

        // When time moves on past the periodic publish
        var advance = _lab.Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromMinutes(5)));
        var periodic = await stream.FirstAsync(h => h.Kind == HopKind.Publish, InProcessLab.Patience);
        await advance.WaitAsync(InProcessLab.Patience);

        // Then
        stream.ContentType.Should().Be("application/x-ndjson");
        sent.Select(h => h.Sequence).Should().Equal(known.Hops.Select(h => h.Sequence), "the stream starts with every hop so far");
        periodic.At.Should().BeAfter(Start.AddMinutes(5));
        periodic.Sequence.Should().BeGreaterThan(known.Hops.Max(h => h.Sequence));
        periodic.DeviceId.Should().Be(spec.DeviceId);
    }

    [Fact]
    public async Task Deleting_the_session_ends_its_journal_stream()
    {
        // Given a reader of a booted session's stream that has read every hop so far
        var (session, _) = await _lab.CreateBootedSessionAsync();
        var known = await _lab.Client.JournalAsync(session.Id, 0);
        await using var stream = await JournalStream.OpenAsync(_lab, session.Id);
        foreach (var _ in known.Hops)
        {
            (await stream.NextAsync(InProcessLab.Patience)).Should().NotBeNull();
        }

        // When
        await _lab.Client.DeleteSessionAsync(session.Id);

        // Then the stream ends (no more hops can come) instead of holding the reader, and the lab's lease, for ever
        (await stream.NextAsync(InProcessLab.Patience)).Should().BeNull();
    }
}
