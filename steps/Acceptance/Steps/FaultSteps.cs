using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>
/// The fault catalogue (docs/faults.md): one Given step per fault, each needing @needs:fault-injection, and what a
/// scenario checks to see the journal account for the fault — a lost publish, a reader that missed events.
/// </summary>
[Binding]
public sealed class FaultSteps(LabDriver lab)
{
    /// <summary>How long a stream reader may take to notice a dropped stream and get it back (wall time, loopback).</summary>
    private static readonly TimeSpan ReaderReconnect = TimeSpan.FromSeconds(20);

    private IEventStreamReader? _reader;
    private int _readerSawBeforeDrop;
    private TimeSpan? _linkDown;

    [Given("the Particle API answers {int} for {int} minute(s)")]
    public Task GivenTheParticleApiAnswers(int status, int minutes) =>
        InjectAsync($"Making the Particle API answer {status}", status == 429
            ? new Fault(FaultKind.ParticleApiRateLimited, For: TimeSpan.FromMinutes(minutes))
            : new Fault(FaultKind.ParticleApiError, For: TimeSpan.FromMinutes(minutes), Status: status));

    [Given("the Particle API takes {int} seconds to answer")]
    public Task GivenTheParticleApiIsSlow(int seconds) =>
        InjectAsync("Slowing the Particle API down", new Fault(FaultKind.ParticleApiSlow, Latency: TimeSpan.FromSeconds(seconds)));

    [Given("the Particle API drops every connection for {int} minute(s)")]
    public Task GivenTheParticleApiIsUnreachable(int minutes) =>
        InjectAsync("Making the Particle API unreachable", new Fault(FaultKind.ParticleApiUnreachable, For: TimeSpan.FromMinutes(minutes)));

    [Given("Blynk answers {int} for {int} minute(s)")]
    public Task GivenBlynkAnswers(int status, int minutes) =>
        InjectAsync($"Making Blynk answer {status}", status == 429
            ? new Fault(FaultKind.BlynkRateLimited, For: TimeSpan.FromMinutes(minutes))
            : new Fault(FaultKind.BlynkError, For: TimeSpan.FromMinutes(minutes), Status: status));

    [Given("the Particle event stream drops for {int} seconds")]
    public Task GivenTheEventStreamDrops(int seconds) =>
        InjectAsync("Dropping the Particle event stream", new Fault(FaultKind.EventStreamDropped, For: TimeSpan.FromSeconds(seconds)));

    [Given("the cloud link drops in the middle of the next publish and comes back {int} seconds later")]
    public Task GivenTheLinkDropsMidPublish(int seconds)
    {
        _linkDown = TimeSpan.FromSeconds(seconds);
        return InjectAsync("Dropping the cloud link mid-publish", new Fault(FaultKind.CloudLinkDroppedMidPublish, For: _linkDown));
    }

    [Given("the board's application thread is blocked for {int} seconds, so no loop runs")]
    public Task GivenTheApplicationThreadIsBlocked(int seconds) =>
        InjectAsync("Blocking the board's application thread", new Fault(FaultKind.FunctionCallTimeout, For: TimeSpan.FromSeconds(seconds)));

    [Given("the V16 webhook's quota is used up")]
    public Task GivenTheQuotaIsUsedUp() =>
        InjectAsync("Using up the Blynk webhook quota", new Fault(FaultKind.BlynkWebhookQuotaExceeded));

    [Given("the device has just published 4 other events, using up its publish burst")]
    public Task GivenTheBurstIsUsedUp() =>
        InjectAsync("Using up the device's publish burst", new Fault(FaultKind.PublishBurstUsedUp));

    [Given("a reader follows the account's Particle event stream")]
    public async Task GivenAReaderFollowsTheStream()
    {
        _reader = await lab.FollowEventStreamAsync();
        _readerSawBeforeDrop = _reader.Events.Count; // Particle keeps no backlog: a new reader starts empty
    }

    [When("the reader has its stream back")]
    public Task WhenTheReaderHasItsStreamBack() => Reader.WaitForReconnectionsAsync(1, ReaderReconnect);

    [Then("the journal shows the fault {word} injected")]
    public void ThenTheJournalShowsTheFault(string kind) =>
        lab.Journal.Hops.Should().Contain(h => h.Kind == HopKind.Fault && h.Payload.StartsWith(kind, StringComparison.Ordinal), lab.JournalText());

    [Then("the reader lost the stream and got it back")]
    public void ThenTheReaderReconnected() =>
        Reader.Reconnections.Should().BeGreaterThanOrEqualTo(1, "the dropped stream came back for the reader");

    [Then("the reader missed the republish made while the stream was down, and received the one after")]
    public async Task ThenTheReaderMissedTheRepublish()
    {
        // The reader got the "off" republish after the stream came back, and never the "on" one.
        (await Reader.WaitForEventAsync(e => Echoes(e, 0), ReaderReconnect)).Should().BeTrue("the republish made after the stream came back reaches the reader");
        Reader.Events.Skip(_readerSawBeforeDrop).Where(e => Echoes(e, 1)).Should().BeEmpty("the stream keeps no backlog: the reader never gets what was published while it was down");
    }

    [Then("the device refused the echo republish")]
    public void ThenTheEchoWasRefused() =>
        lab.PublishHops.Should().Contain(h => h.Kind == HopKind.PublishRefused, lab.JournalText());

    [Then("the publish was lost with the link")]
    public void ThenThePublishWasLost() =>
        lab.PublishHops.Should().Contain(h => h.Kind == HopKind.PublishRefused && h.Outcome != HopOutcome.RateLimited, lab.JournalText());

    [Then("the next publish went out within {int} seconds of the link coming back")]
    public void ThenTheNextPublishFollowedTheLink(int seconds)
    {
        var lost = lab.PublishHops.LastOrDefault(h => h.Kind == HopKind.PublishRefused) ?? throw new InvalidOperationException("No publish was lost: " + lab.JournalText());
        var back = lost.At + (_linkDown ?? throw new InvalidOperationException("No link drop was injected."));
        var next = lab.PublishHops.FirstOrDefault(h => h.Kind != HopKind.PublishRefused && h.At > lost.At);
        next.Should().NotBeNull($"a publish follows the link's return at {back:HH:mm:ss.fff}: {lab.JournalText()}");
        (next!.At - back).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(seconds), $"the link came back at {back:HH:mm:ss.fff}: {lab.JournalText()}");
    }

    private static bool Echoes(CloudEvent e, int led) =>
        e.Name == LabDriver.PublishEvent && e.Data.Contains("\"v17\":" + led.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}", StringComparison.Ordinal);

    private IEventStreamReader Reader => _reader ?? throw new InvalidOperationException("No reader follows the stream: a Given step starts one.");

    private async Task InjectAsync(string what, Fault fault)
    {
        await lab.StartAsync();
        await lab.Faults(what).InjectAsync(fault);
    }
}
