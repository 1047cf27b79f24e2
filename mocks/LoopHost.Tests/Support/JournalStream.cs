using System.Net.Http.Headers;
using ParticleBlynk.Loop;

namespace ParticleBlynk.LoopHost.Tests.Support;

/// <summary>GET /sessions/{id}/journal/stream held open: one hop per JSON line, read with a bound; disposing it leaves (closes the connection).</summary>
public sealed class JournalStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private JournalStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>Opens the stream; returns once the lab has answered with its headers (the request is open on the lab's side).</summary>
    public static async Task<JournalStream> OpenAsync(InProcessLab lab, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{lab.Server.Url}/sessions/{session}/journal/stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lab.Server.Token);
        var response = await lab.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            response.EnsureSuccessStatusCode();
            return new JournalStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The next hop, or null when the lab ended the stream; throws <see cref="TimeoutException"/> after <paramref name="within"/> of wall time.</summary>
    public async Task<Hop?> NextAsync(TimeSpan within)
    {
        using var bound = new CancellationTokenSource(within);
        try
        {
            var line = await _reader.ReadLineAsync(bound.Token);
            return line is null ? null : WireJson.Deserialize<Hop>(line);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"The journal stream sent no hop within {within.TotalSeconds} s of wall time.");
        }
    }

    /// <summary>Reads hops until one matches <paramref name="wanted"/>, all within <paramref name="within"/> of wall time.</summary>
    public async Task<Hop> FirstAsync(Func<Hop, bool> wanted, TimeSpan within)
    {
        var end = DateTime.UtcNow + within;
        while (true)
        {
            var left = end - DateTime.UtcNow;
            var hop = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1))
                      ?? throw new InvalidOperationException("The lab ended the journal stream before the hop came.");
            if (wanted(hop))
            {
                return hop;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
