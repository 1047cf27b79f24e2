using System.Diagnostics;
using System.Text;

namespace ParticleBlynk.Contracts.Running;

/// <summary>One line of an event stream and when it arrived (since the stream opened).</summary>
public sealed record SseLine(TimeSpan At, string Text)
{
    /// <summary>An SSE comment (":ok", ":" keep-alive).</summary>
    public bool IsComment => Text.StartsWith(':');
}

/// <summary>An SSE event block: its event: name and its data: text.</summary>
public sealed record SseEvent(TimeSpan At, string Name, string Data);

/// <summary>
/// An open Server-Sent Events stream, read line by line in the background with arrival times (the keep-alive period is
/// a fact under test). A stream that did not answer 200 keeps its status and body instead.
/// </summary>
public sealed class SseSession : IAsyncDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<SseLine> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;

    private SseSession(HttpRequestMessage request, HttpResponseMessage response, CancellationTokenSource stop)
    {
        _request = request;
        _response = response;
        _stop = stop;
        Status = (int)response.StatusCode;
    }

    public int Status { get; }

    /// <summary>Time since the stream opened.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The body of a stream that was refused (not 200).</summary>
    public string ErrorBody { get; private set; } = "";

    /// <summary>Whether the server closed the stream.</summary>
    public bool Ended { get; private set; }

    public IReadOnlyList<SseLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The event blocks so far (event: and data: lines up to a blank line).</summary>
    public IReadOnlyList<SseEvent> Events
    {
        get
        {
            var events = new List<SseEvent>();
            string? name = null;
            var data = new StringBuilder();
            var at = TimeSpan.Zero;
            foreach (var line in Lines)
            {
                if (line.Text.Length == 0)
                {
                    if (name is not null || data.Length > 0)
                    {
                        events.Add(new SseEvent(at, name ?? "", data.ToString()));
                    }

                    name = null;
                    data.Clear();
                }
                else if (line.Text.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line.Text["event:".Length..].TrimStart(' ');
                    at = line.At;
                }
                else if (line.Text.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line.Text["data:".Length..].TrimStart(' '));
                }
            }

            return events;
        }
    }

    internal static async Task<SseSession> StartAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationTokenSource stop)
    {
        var session = new SseSession(request, response, stop);
        if (session.Status != 200)
        {
            session.ErrorBody = await response.Content.ReadAsStringAsync(stop.Token).ConfigureAwait(false);
            session.Ended = true;
            return session;
        }

        session._reading = Task.Run(session.ReadAsync);
        return session;
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the lines so far, the stream ends, or <paramref name="timeout"/> passes; returns whether it holds.</summary>
    public async Task<bool> WaitForAsync(Func<SseSession, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return true;
            }

            var left = deadline - _clock.Elapsed;
            if (Ended || left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await changed.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return condition(this);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _response.Dispose();
        _request.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                Add(new SseLine(_clock.Elapsed, line));
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The stream dropped or was closed by us: what arrived stays.
        }

        Ended = true;
        Signal();
    }

    private void Add(SseLine line)
    {
        lock (_gate)
        {
            _lines.Add(line);
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
