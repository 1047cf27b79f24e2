using FluentAssertions;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Tests;

/// <summary>
/// Particle's throttling rule held on its own (WebhookTests drive it through real deliveries): a host sleeps once errors in
/// the window outnumber successes and number at least the minimum; outcomes leave the window; a cooldown wakes it clean.
/// </summary>
public sealed class WebhookThrottleTests
{
    private const string Host = "ny3.blynk.cloud";

    private readonly VirtualTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_host_sleeps_once_its_errors_outnumber_its_successes_and_reach_the_minimum()
    {
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        throttle.Record(Host, success: true);
        throttle.Record(Host, success: false);
        throttle.Record(Host, success: false);
        throttle.IsSleeping(Host).Should().BeFalse("2 errors are under the minimum of 3");

        throttle.Record(Host, success: false);

        throttle.IsSleeping(Host).Should().BeTrue("3 errors against 1 success");
        throttle.IsSleeping("other.example").Should().BeFalse("throttling is per host");
    }

    [Fact]
    public void Outcomes_older_than_the_window_no_longer_count()
    {
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        RecordMany(throttle, success: true, times: 5);

        _time.Advance(TimeSpan.FromSeconds(60)); // still inside: "older than" the window
        RecordMany(throttle, success: false, times: 5);

        throttle.IsSleeping(Host).Should().BeFalse("5 errors against 5 successes do not outnumber them");

        _time.Advance(TimeSpan.FromTicks(1)); // the successes leave the window
        throttle.Record(Host, success: false);

        throttle.IsSleeping(Host).Should().BeTrue("6 errors and no success in the last 60 s");
    }

    [Fact]
    public void The_cooldown_wakes_a_host_with_a_clean_slate()
    {
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        RecordMany(throttle, success: false, times: 3);

        throttle.IsSleeping(Host).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(5));

        throttle.IsSleeping(Host).Should().BeFalse("5 s without a new error");
        throttle.Record(Host, success: false);
        throttle.IsSleeping(Host).Should().BeFalse("the 3 errors before the cooldown were forgotten: 1 error now");
        throttle.OutcomeEntries(Host).Should().Be(1);
    }

    [Fact]
    public void Outcomes_at_one_instant_take_one_entry_and_still_count_one_by_one()
    {
        // Virtual time standing still while a test or a benchmark delivers: every outcome shares one timestamp.
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        RecordMany(throttle, success: true, times: 100_000);
        RecordMany(throttle, success: false, times: 100_000);

        throttle.IsSleeping(Host).Should().BeFalse("100,000 errors do not outnumber 100,000 successes");
        throttle.OutcomeEntries(Host).Should().Be(2, "one run of successes and one of errors");

        throttle.Record(Host, success: false);

        throttle.IsSleeping(Host).Should().BeTrue("100,001 errors outnumber them");
        throttle.OutcomeEntries(Host).Should().Be(2);
    }

    [Fact]
    public void Outcomes_at_different_instants_leave_the_window_one_run_at_a_time()
    {
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        throttle.Record(Host, success: true);
        throttle.Record(Host, success: true);
        _time.Advance(TimeSpan.FromSeconds(30));
        throttle.Record(Host, success: false);
        throttle.Record(Host, success: true);
        throttle.OutcomeEntries(Host).Should().Be(3);

        _time.Advance(TimeSpan.FromSeconds(31)); // the first two successes leave, the later pair stays
        throttle.Record(Host, success: false);
        throttle.Record(Host, success: false);

        throttle.OutcomeEntries(Host).Should().Be(3, "the later error, the later success, the run of two new errors");
        throttle.IsSleeping(Host).Should().BeTrue("3 errors against the 1 success left in the window");
    }

    [Fact]
    public void A_run_of_outcomes_at_one_instant_leaves_the_window_whole()
    {
        var throttle = new WebhookThrottle(WebhookThrottlePolicy.Default, _time);
        RecordMany(throttle, success: true, times: 10);
        _time.Advance(TimeSpan.FromSeconds(61));

        RecordMany(throttle, success: false, times: 3);

        throttle.IsSleeping(Host).Should().BeTrue("the 10 successes left the window together: 3 errors against none");
        throttle.OutcomeEntries(Host).Should().Be(1);
    }

    private static void RecordMany(WebhookThrottle throttle, bool success, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.Record(Host, success);
        }
    }
}
