using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>A reader of the account's event stream with its own HTTP client: what a separate subscriber sees.</summary>
public sealed class EventStreamReader : IEventStreamReader
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly ParticleEventStream _stream;

    private EventStreamReader(HttpClient http, ParticleEventStream stream)
    {
        _http = http;
        _stream = stream;
    }

    public IReadOnlyList<CloudEvent> Events => _stream.Events;

    public int Reconnections => _stream.Reconnections;

    /// <summary>Opens <c>{particleApi}/v1/devices/events</c> with <paramref name="token"/>; completes once the cloud said ":ok".</summary>
    public static async Task<IEventStreamReader> OpenAsync(Uri particleApi, string token)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var stream = ParticleEventStream.Open(http, particleApi, token);
        try
        {
            await stream.ConnectedAsync(Connect).ConfigureAwait(false);
            return new EventStreamReader(http, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            http.Dispose();
            throw;
        }
    }

    public Task WaitForReconnectionsAsync(int count, TimeSpan timeout) => _stream.WaitForReconnectionsAsync(count, timeout);

    public Task<bool> WaitForEventAsync(Func<CloudEvent, bool> match, TimeSpan timeout) => _stream.WaitForEventAsync(match, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }
}
