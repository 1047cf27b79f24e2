using System.Collections.Concurrent;
using System.Globalization;
using ParticleBlynk.Loop;

namespace ParticleBlynk.LoopHost.Control;

/// <summary>
/// One loop a lab runs: the one from its configuration file ("default") or one a driver created for a scenario. Control
/// operations on it are serialized: a board is never steered while its clock is advancing.
/// </summary>
public sealed class LabSession(string id, LoopHost host, LabSpec? spec) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    public string Id { get; } = id;

    public LoopHost Host { get; } = host;

    /// <summary>The scenario's lab, for sessions a driver created; null for the configured one.</summary>
    public LabSpec? Spec { get; } = spec;

    /// <summary>Cancelled when the session stops: its open journal streams end instead of waiting for hops that never come.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Runs <paramref name="operation"/> alone on this session.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await Host.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>The sessions of a lab, by id.</summary>
public sealed class LabSessions : IAsyncDisposable
{
    public const string DefaultId = "default";

    private readonly ConcurrentDictionary<string, LabSession> _sessions = new(StringComparer.Ordinal);
    private long _next;

    public IReadOnlyList<LabSession> All => [.. _sessions.Values.OrderBy(s => s.Id, StringComparer.Ordinal)];

    public LabSession? Find(string id) => _sessions.GetValueOrDefault(id);

    public LabSession Add(LoopHost host, LabSpec? spec = null, string? id = null)
    {
        var session = new LabSession(id ?? "s" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture), host, spec);
        if (!_sessions.TryAdd(session.Id, session))
        {
            throw new InvalidOperationException($"Session {session.Id} exists already.");
        }

        return session;
    }

    /// <summary>Stops and forgets a session; false when there is none with that id.</summary>
    public async Task<bool> RemoveAsync(string id)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            return false;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys.ToList())
        {
            await RemoveAsync(id).ConfigureAwait(false);
        }
    }
}
