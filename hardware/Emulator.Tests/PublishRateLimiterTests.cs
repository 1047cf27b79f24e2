namespace ParticleBlynk.Emulator.Tests;

public sealed class PublishRateLimiterTests
{
    [Fact]
    public void Fifth_attempt_inside_one_second_is_rejected()
    {
        // Given a fresh limiter
        var limiter = new PublishRateLimiter();

        // When five attempts happen at the same millisecond
        var results = Enumerable.Range(0, 5).Select(_ => limiter.IsRateLimited(5000)).ToArray();

        // Then four pass and the fifth is limited
        results.Should().Equal(false, false, false, false, true);
    }

    [Fact]
    public void Attempt_exactly_1000_ms_after_the_fourth_previous_one_passes()
    {
        // Given four attempts at t = 0
        var limiter = new PublishRateLimiter();
        for (var i = 0; i < 4; i++)
        {
            limiter.IsRateLimited(0);
        }

        // When attempts follow at 999 and 1000 ms
        var at999 = limiter.IsRateLimited(999);
        var at1000 = limiter.IsRateLimited(1000);

        // Then 999 is limited (999 − 0 < 1000) and 1000 passes (compared with the second attempt at 0)
        at999.Should().BeTrue();
        at1000.Should().BeFalse();
    }

    [Fact]
    public void Rejected_attempts_occupy_slots_and_limit_later_attempts()
    {
        // Given a burst of four at 0 and a rejected attempt at 500
        var limiter = new PublishRateLimiter();
        for (var i = 0; i < 4; i++)
        {
            limiter.IsRateLimited(0);
        }

        limiter.IsRateLimited(500).Should().BeTrue();

        // When four attempts happen at 1100
        var results = Enumerable.Range(0, 4).Select(_ => limiter.IsRateLimited(1100)).ToArray();

        // Then the fourth is compared with the rejected attempt at 500 (600 ms ago) and is limited
        results.Should().Equal(false, false, false, true);
    }

    [Fact]
    public void Unused_slots_hold_minus_1000_so_a_first_attempt_just_below_the_wrap_is_limited()
    {
        // Given a fresh limiter (slots initialised to (system_tick_t)-1000 as in publisher.h)
        var limiter = new PublishRateLimiter();

        // When the very first attempt happens at millis 2^32 − 296
        var limited = limiter.IsRateLimited(4294967000u);

        // Then it is limited: 4294967000 − 4294966296 = 704 < 1000 (only reachable by jumping millis)
        limited.Should().BeTrue();
    }
}
