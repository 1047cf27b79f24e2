using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace ParticleBlynk.Targets.Hardware.Tests;

/// <summary>
/// The Blynk webhook quota guard on virtual time (a <see cref="FakeTimeProvider"/>): how long a V16 write waits, what it
/// remembers across instances (runs), the 2 s margin, the board's own V16 changes, and a state file it cannot read.
/// Each test uses its own device id, so its own state file, and deletes it afterwards.
/// </summary>
public sealed class WebhookQuotaGuardTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _deviceId = "test-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _files = [];

    [Fact]
    public async Task The_first_write_goes_at_once_and_is_remembered_in_the_boards_state_file()
    {
        // Given
        var guard = Guard();
        var start = _time.GetUtcNow();

        // When
        var write = guard.BeforeWriteAsync();

        // Then
        write.IsCompletedSuccessfully.Should().BeTrue("an empty quota has room");
        await write;
        guard.StateFile.Should().Be(Path.Combine(Path.GetTempPath(), "particle-blynk-e2e", $"blynk-webhook-writes-{_deviceId}.txt"));
        Writes(guard).Should().Equal(start);
    }

    [Fact]
    public async Task A_second_write_waits_the_quota_window_plus_the_2_s_margin()
    {
        // Given a write at t0 under the doc's 1/60 s
        var guard = Guard();
        var start = _time.GetUtcNow();
        await guard.BeforeWriteAsync();

        // When
        var second = guard.BeforeWriteAsync();
        _time.Advance(Minute);
        var atTheWindow = second.IsCompleted;
        _time.Advance(Margin - TimeSpan.FromMilliseconds(1));
        var justBefore = second.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(Bound);

        // Then
        atTheWindow.Should().BeFalse("Blynk counts the execution a moment after the write: the window alone is not enough");
        justBefore.Should().BeFalse();
        Writes(guard).Should().Equal([start + Minute + Margin], "the first write left the window and was forgotten");
    }

    [Fact]
    public async Task A_larger_quota_lets_that_many_writes_through_and_then_waits_for_the_oldest()
    {
        // Given 3 requests per 10 s
        var guard = Guard(requests: 3, window: TimeSpan.FromSeconds(10));
        var start = _time.GetUtcNow();
        await guard.BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await guard.BeforeWriteAsync();
        await guard.BeforeWriteAsync();

        // When
        var fourth = guard.BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(10) + Margin - TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        var justBefore = fourth.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));
        await fourth.WaitAsync(Bound);

        // Then
        justBefore.Should().BeFalse();
        _time.GetUtcNow().Should().Be(start + TimeSpan.FromSeconds(12), "the oldest write (t0) leaves the window at t0 + 10 s + 2 s");
        Writes(guard).Should().HaveCount(3, "the two writes at t0 + 1 s still count, with the new one");
    }

    [Fact]
    public async Task A_new_guard_for_the_same_board_waits_for_what_an_earlier_one_wrote()
    {
        // Given a run that wrote V16 and ended
        var start = _time.GetUtcNow();
        await Guard().BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(30));

        // When the next run's guard writes
        var next = Guard();
        var write = next.BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(32) - TimeSpan.FromTicks(1));
        var justBefore = write.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));
        await write.WaitAsync(Bound);

        // Then
        justBefore.Should().BeFalse("the quota belongs to the Blynk account, not to the test process");
        _time.GetUtcNow().Should().Be(start + Minute + Margin);
    }

    [Fact]
    public async Task Another_boards_writes_do_not_hold_this_board()
    {
        // Given
        await Guard(deviceId: _deviceId + "-other").BeforeWriteAsync();

        // When
        var write = Guard().BeforeWriteAsync();

        // Then
        write.IsCompletedSuccessfully.Should().BeTrue();
        await write;
    }

    [Fact]
    public async Task Writes_older_than_the_window_plus_margin_are_forgotten_by_the_next_run()
    {
        // Given a state file from a run 62 s ago
        var guard = Guard();
        var now = _time.GetUtcNow();
        WriteState(guard, Iso(now - Minute - Margin), Iso(now - TimeSpan.FromHours(3)));

        // When
        var write = guard.BeforeWriteAsync();

        // Then
        write.IsCompletedSuccessfully.Should().BeTrue();
        await write;
        Writes(guard).Should().Equal(now);
    }

    [Fact]
    public async Task A_V16_change_noted_from_the_board_uses_the_quota_from_the_time_it_happened()
    {
        // Given the board's republish changed V16 10 s ago
        var guard = Guard();
        var changedAt = _time.GetUtcNow() - TimeSpan.FromSeconds(10);
        await guard.NoteAsync(changedAt);

        // When
        var write = guard.BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(52) - TimeSpan.FromTicks(1));
        var justBefore = write.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));
        await write.WaitAsync(Bound);

        // Then
        justBefore.Should().BeFalse();
        _time.GetUtcNow().Should().Be(changedAt + Minute + Margin);
    }

    [Fact]
    public async Task Noting_a_change_drops_the_expired_writes_and_keeps_the_live_ones()
    {
        // Given
        var guard = Guard();
        var now = _time.GetUtcNow();
        WriteState(guard, Iso(now - TimeSpan.FromMinutes(5)), Iso(now - TimeSpan.FromSeconds(20)));

        // When
        await guard.NoteAsync(now);

        // Then
        Writes(guard).Should().Equal(now - TimeSpan.FromSeconds(20), now);
    }

    [Fact]
    public async Task A_change_noted_long_after_it_happened_does_not_hold_the_next_write()
    {
        // Given a hop that arrives 70 s late
        var guard = Guard();
        await guard.NoteAsync(_time.GetUtcNow() - TimeSpan.FromSeconds(70));

        // When
        var write = guard.BeforeWriteAsync();

        // Then
        write.IsCompletedSuccessfully.Should().BeTrue();
        await write;
        Writes(guard).Should().Equal(_time.GetUtcNow());
    }

    [Fact]
    public async Task Concurrent_notes_are_all_kept()
    {
        // Given
        var guard = Guard(requests: 10);
        var now = _time.GetUtcNow();
        var at = Enumerable.Range(1, 8).Select(i => now - TimeSpan.FromSeconds(i)).ToList();

        // When
        await Task.WhenAll(at.Select(a => Task.Run(() => guard.NoteAsync(a))));

        // Then
        Writes(guard).Should().BeEquivalentTo(at, "the guard serialises its read-modify-write of the file");
    }

    [Fact]
    public async Task A_corrupt_state_file_is_read_for_what_it_holds_and_rewritten_clean()
    {
        // Given a state file with garbage around one live write
        var guard = Guard();
        var start = _time.GetUtcNow();
        var live = start - TimeSpan.FromSeconds(40);
        WriteState(guard, "", "not a time", "\u0000\u0001\u00ff binary", Iso(live), "2026-13-45T99:99:99Z", "   ");

        // When
        var write = guard.BeforeWriteAsync();
        _time.Advance(TimeSpan.FromSeconds(22) - TimeSpan.FromTicks(1));
        var justBefore = write.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));
        await write.WaitAsync(Bound);

        // Then
        justBefore.Should().BeFalse("the one readable write still counts");
        File.ReadAllLines(guard.StateFile).Should().Equal(Iso(_time.GetUtcNow()));
    }

    [Fact]
    public async Task A_state_file_of_garbage_only_holds_nothing_back()
    {
        // Given
        var guard = Guard();
        Directory.CreateDirectory(Path.GetDirectoryName(guard.StateFile)!);
        await File.WriteAllBytesAsync(guard.StateFile, [0xde, 0xad, 0xbe, 0xef, 0x0a, 0xff, 0xfe]);

        // When
        var write = guard.BeforeWriteAsync();

        // Then
        write.IsCompletedSuccessfully.Should().BeTrue();
        await write;
        Writes(guard).Should().Equal(_time.GetUtcNow());
    }

    [Fact]
    public async Task A_write_dated_in_the_future_holds_the_next_write_one_window_at_most()
    {
        // Given a state file with a write a day ahead (another machine's clock, a hand-edited file)
        var guard = Guard();
        WriteState(guard, (_time.GetUtcNow() + TimeSpan.FromDays(1)).ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        // When
        var write = guard.BeforeWriteAsync();
        _time.Advance(Minute + Margin - TimeSpan.FromMilliseconds(1));
        var stillWaiting = !write.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        // Then
        stillWaiting.Should().BeTrue("the future write counts as made now");
        await write.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_leaves_the_guard_usable()
    {
        // Given a write waiting for the quota
        var guard = Guard();
        await guard.BeforeWriteAsync();
        using var cancel = new CancellationTokenSource();
        var waiting = guard.BeforeWriteAsync(cancel.Token);

        // When
        await cancel.CancelAsync();

        // Then
        await FluentActions.Awaiting(() => waiting.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();
        Writes(guard).Should().HaveCount(1, "the cancelled write was not counted");
        var next = guard.BeforeWriteAsync();
        _time.Advance(Minute + Margin);
        await next.WaitAsync(Bound);
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    private WebhookQuotaGuard Guard(string? deviceId = null, int requests = 1, TimeSpan? window = null)
    {
        var guard = new WebhookQuotaGuard(deviceId ?? _deviceId, requests, window ?? Minute, _time);
        _files.Add(guard.StateFile);
        return guard;
    }

    private static void WriteState(WebhookQuotaGuard guard, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(guard.StateFile)!);
        File.WriteAllLines(guard.StateFile, lines);
    }

    private static List<DateTimeOffset> Writes(WebhookQuotaGuard guard) =>
        [.. File.ReadAllLines(guard.StateFile).Select(l => DateTimeOffset.Parse(l, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))];

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
