namespace ParticleBlynk.Emulator.Tests;

public sealed class NewlibRandomTests
{
    [Fact]
    public void Rand_from_the_initial_state_yields_newlibs_sequence()
    {
        // Given newlib's initial state 1
        var random = new NewlibRandom();

        // When rand() is called five times
        var values = Enumerable.Range(0, 5).Select(_ => random.Rand()).ToArray();

        // Then the values are those of state = state * 6364136223846793005 + 1, bits 32..62
        values.Should().Equal(1481765933, 1085377743, 1270216262, 1191391529, 812669700);
    }

    [Fact]
    public void Random_of_zero_returns_zero_without_calling_rand()
    {
        // Given a fresh generator
        var random = new NewlibRandom();

        // When random(0) is called, then rand()
        var zero = random.Random(0);
        var next = random.Rand();

        // Then random(0) is 0 and did not advance the state
        zero.Should().Be(0);
        next.Should().Be(1481765933);
    }

    [Fact]
    public void Random_of_millis_beyond_2_pow_31_uses_a_negative_int_and_Cs_remainder()
    {
        // Given three generators in the initial state (first rand() = 1481765933)
        // When random() gets 1000, millis 2^31 and millis 3e9 passed as 32-bit int
        var small = new NewlibRandom().Random(1000);
        var intMin = new NewlibRandom().Random(unchecked((int)2147483648u));
        var negative = new NewlibRandom().Random(unchecked((int)3000000000u));

        // Then the remainder takes the sign of the (non-negative) dividend
        small.Should().Be(933);
        intMin.Should().Be(1481765933);
        negative.Should().Be(186798637);
    }

    [Fact]
    public void RandomSeed_sets_the_state_to_the_seed()
    {
        // Given a generator that has been used
        var random = new NewlibRandom();
        random.Rand();

        // When seeded with 1
        random.Seed(1);

        // Then the sequence restarts
        random.Rand().Should().Be(1481765933);
        random.State.Should().NotBe(1UL);
    }
}
