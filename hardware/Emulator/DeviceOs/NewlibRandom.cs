namespace ParticleBlynk.Emulator;

/// <summary>
/// newlib's rand()/srand() (libc/stdlib/rand.c), which Device OS's random()/randomSeed() call:
/// a 64-bit LCG, state = state * 6364136223846793005 + 1, returning bits 32..62.
/// </summary>
public sealed class NewlibRandom
{
    /// <summary>newlib's _REENT_RAND_NEXT starts at 1.</summary>
    private ulong _state = 1;

    /// <summary>The LCG state (for snapshots and tests).</summary>
    public ulong State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>srand(seed): the state becomes the seed.</summary>
    public void Seed(uint seed) => _state = seed;

    /// <summary>rand(): 0 … 2^31 − 1.</summary>
    public int Rand()
    {
        _state = unchecked((_state * 6364136223846793005UL) + 1);
        return (int)((_state >> 32) & 0x7FFFFFFF);
    }

    /// <summary>
    /// Device OS random(int max) (wiring/src/spark_wiring_random.cpp): 0 when max is 0 without calling rand(),
    /// otherwise rand() % max with C's remainder (sign of the dividend, which is never negative).
    /// </summary>
    public int Random(int max) => max == 0 ? 0 : Rand() % max;
}
