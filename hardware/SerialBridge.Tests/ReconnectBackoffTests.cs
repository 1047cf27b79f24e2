namespace ParticleBlynk.SerialBridge.Tests;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_start_at_the_minimum_double_up_to_the_maximum_and_restart_after_a_success()
    {
        // Given the default 50 ms .. 2 s backoff
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

        // When eight attempts fail, then one succeeds
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalMilliseconds).ToList();
        backoff.Reset();

        // Then the delays double and cap, and the next loss retries at 50 ms again
        delays.Should().Equal(50, 100, 200, 400, 800, 1600, 2000, 2000);
        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(50));
    }
}
