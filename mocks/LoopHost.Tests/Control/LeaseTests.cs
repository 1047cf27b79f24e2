using System.Diagnostics;
using System.Net;
using ParticleBlynk.LoopHost.Tests.Support;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>
/// <see cref="LoopHost.Control.LabControlServer.WhenIdleAsync"/>, the lease behind --exit-when-idle: it completes once no
/// authorised request has been open or arrived for the span (wall time). Each test has its own lab: another test's
/// requests would hold the lease.
/// </summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(300);

    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task The_lease_ends_once_no_request_came_for_the_idle_span()
    {
        // Given a request (the watch starts before it is sent: the lab marks its end later)
        var sinceRequest = Stopwatch.StartNew();
        (await _lab.SendAsync(HttpMethod.Get, "sessions")).Status.Should().Be(HttpStatusCode.OK);

        // When
        await _lab.Server.WhenIdleAsync(Idle).WaitAsync(InProcessLab.Patience);

        // Then (less the coarse tick of Environment.TickCount64)
        sinceRequest.Elapsed.Should().BeGreaterThanOrEqualTo(Idle - TimeSpan.FromMilliseconds(20), "the lease lasts the idle span after the last request");
    }

    [Fact]
    public async Task An_open_journal_stream_holds_the_lease_until_it_closes()
    {
        // Given a session and a reader of its journal stream (the request stays open)
        var (session, _) = await _lab.CreateSessionAsync();
        var stream = await JournalStream.OpenAsync(_lab, session.Id);
        Task idle;
        try
        {
            // When
            idle = _lab.Server.WhenIdleAsync(Idle);
            var first = await Task.WhenAny(idle, Task.Delay(Idle * 5));

            // Then it holds for five idle spans
            first.Should().NotBeSameAs(idle, "a reader of the journal stream is activity");
            idle.IsCompleted.Should().BeFalse();
        }
        finally
        {
            await stream.DisposeAsync();
        }

        // And once the reader leaves, the lease ends
        await idle.WaitAsync(InProcessLab.Patience);
        idle.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task Requests_without_the_token_do_not_hold_the_lease()
    {
        // Given the lease running
        var idle = _lab.Server.WhenIdleAsync(Idle);
        var watch = Stopwatch.StartNew();

        // When a stranger keeps knocking without the token
        var knocks = 0;
        while (!idle.IsCompleted && watch.Elapsed < InProcessLab.Patience)
        {
            (await _lab.SendAsync(HttpMethod.Get, "sessions", authorization: "")).Status.Should().Be(HttpStatusCode.Unauthorized);
            knocks++;
        }

        // Then the lease ended while the knocking went on
        idle.IsCompletedSuccessfully.Should().BeTrue($"{knocks} unauthorised requests must not keep a lab alive");
    }

    [Fact]
    public async Task The_lease_can_be_cancelled_and_needs_a_positive_span()
    {
        // Given a reader holding the lease
        var (session, _) = await _lab.CreateSessionAsync();
        await using var stream = await JournalStream.OpenAsync(_lab, session.Id);
        using var cancel = new CancellationTokenSource();

        // When
        var idle = _lab.Server.WhenIdleAsync(Idle, cancel.Token);
        await cancel.CancelAsync();

        // Then
        await FluentActions.Awaiting(() => idle.WaitAsync(InProcessLab.Patience)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => _lab.Server.WhenIdleAsync(TimeSpan.Zero)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
