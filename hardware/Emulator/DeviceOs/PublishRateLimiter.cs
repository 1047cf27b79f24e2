namespace ParticleBlynk.Emulator;

/// <summary>
/// Device OS's limit on user events (communication/src/publisher.h, is_rate_limited): a ring of the last
/// five attempt timestamps, initialised to (system_tick_t)-1000. The current attempt is written into the ring
/// before the check, and the attempt is rejected when now − t[attempt − 4] &lt; 1000 ms, so the fifth attempt
/// inside one second fails and rejected attempts occupy slots too. Arithmetic is uint32 like millis().
/// </summary>
public sealed class PublishRateLimiter
{
    private const int Slots = 5;
    private const uint WindowMs = 1000;

    private readonly uint[] _recent = [unchecked((uint)-1000), unchecked((uint)-1000), unchecked((uint)-1000), unchecked((uint)-1000), unchecked((uint)-1000)];
    private int _index;

    /// <summary>Records an attempt at <paramref name="millis"/> and says whether Device OS refuses it.</summary>
    public bool IsRateLimited(uint millis)
    {
        _recent[_index++] = millis;
        if (_index == Slots)
        {
            _index = 0;
        }

        return unchecked(millis - _recent[_index]) < WindowMs;
    }
}
