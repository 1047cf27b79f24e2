using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ParticleBlynk.Contracts.Running;

/// <summary>How a Particle request carries the access token (contracts.md §2.1 "Token transport").</summary>
public enum TokenIn
{
    Header,
    Query,
    Form,
}

/// <summary>
/// What a probe's request sequence works with: the target, request builders for both clouds (real host names, tokens
/// where the API wants them), waits scaled to the target, exchanges shared between probes of one run, and restores that
/// run after the probe whatever happened.
/// </summary>
public sealed class ProbeContext
{
    private readonly ProbeRun _run;
    private readonly List<Func<Task>> _restores = [];

    internal ProbeContext(ProbeRun run, ProbeBudget budget)
    {
        _run = run;
        Budget = budget;
    }

    public ProbeTarget Target => _run.Transport.Target;

    public ProbeBudget Budget { get; }

    public CancellationToken Cancellation => _run.Cancellation;

    /// <summary>The account's token (the probe declared <c>Need.ParticleToken</c>).</summary>
    public string ParticleToken => Target.ParticleToken ?? throw new InvalidOperationException("No Particle token.");

    public string DeviceId => Target.ParticleDeviceId ?? throw new InvalidOperationException("No Particle test device.");

    public string BlynkToken => Target.BlynkToken ?? throw new InvalidOperationException("No Blynk token.");

    internal IReadOnlyList<Func<Task>> Restores => _restores;

    /// <summary>A fresh marker for values and event names of this probe, e.g. "cp7f3a9c".</summary>
    public static string Nonce() => "cp" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Masks every token of the run in <paramref name="text"/>.</summary>
    public string Redact(string? text) => _run.Transport.Redact(text);

    /// <summary>Registers what puts a real service back as it was; it runs after the probe, even when the probe failed.</summary>
    public void OnRestore(Func<Task> restore) => _restores.Add(restore);

    /// <summary>How long to wait for something a real cloud may take <paramref name="real"/> for (a lab answers in milliseconds).</summary>
    public TimeSpan Patience(TimeSpan real) => Target.Patience(real);

    /// <summary>Waits wall-clock time (a pause a real service needs; a lab's is cut to its patience).</summary>
    public Task DelayAsync(TimeSpan real) => Task.Delay(Patience(real), Cancellation);

    /// <summary>An exchange several probes read (one event stream, one publish): run once per run, by the first probe that needs it.</summary>
    public Task<T> SharedAsync<T>(string key, Func<ProbeContext, Task<T>> exchange) =>
        (Task<T>)_run.Shared.GetOrAdd(key, _ => exchange(this));

    /// <summary>Notes what a probe learnt for later probes of the run (e.g. "the webhook fires on unchanged values").</summary>
    public void Remember(string key, bool value) => _run.Learnt[key] = value;

    /// <summary>What an earlier probe of the run learnt, or null.</summary>
    public bool? Recall(string key) => _run.Learnt.TryGetValue(key, out var value) ? value : null;

    /// <summary>Keeps what <paramref name="opening"/> opens (a stream several probes read) open until the run ends.</summary>
    public async Task<T> KeepOpenAsync<T>(Task<T> opening)
        where T : IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(opening);
        var opened = await opening.ConfigureAwait(false);
        _run.KeepOpen(opened);
        return opened;
    }

    /// <summary>A request to the Particle Cloud API (path from /v1…), the token carried as <paramref name="tokenIn"/>.</summary>
    public Task<ProbeResponse> ParticleAsync(
        HttpMethod method,
        string path,
        TokenIn tokenIn = TokenIn.Header,
        IReadOnlyList<KeyValuePair<string, string>>? form = null,
        object? json = null,
        string? token = null,
        TimeSpan? timeout = null)
    {
        var request = ParticleRequest(method, path, tokenIn, form, json, token);
        return _run.Transport.SendAsync(Budget, request, timeout, Cancellation);
    }

    /// <summary>Opens a Particle event stream (Bearer token).</summary>
    public Task<SseSession> ParticleStreamAsync(string path) =>
        _run.Transport.OpenStreamAsync(Budget, ParticleRequest(HttpMethod.Get, path, TokenIn.Header, null, null, null), Cancellation);

    /// <summary>
    /// A request to the Blynk device HTTPS API: <c>https://{host}/external/api/{endpoint}?token=…&amp;{parameters}</c>. A
    /// parameter whose value is null is sent bare (<c>&amp;V14</c>, as <c>get</c> takes pins).
    /// </summary>
    public Task<ProbeResponse> BlynkAsync(string endpoint, IEnumerable<(string Name, string? Value)> parameters, string? host = null, string? token = null)
    {
        if (token is not null)
        {
            _run.Transport.AddSecret(token.Trim());
        }

        var query = new StringBuilder("token=").Append(Uri.EscapeDataString(token ?? BlynkToken));
        foreach (var (name, value) in parameters)
        {
            query.Append('&').Append(Uri.EscapeDataString(name));
            if (value is not null)
            {
                query.Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        var url = new Uri($"https://{host ?? Target.BlynkRegion}/external/api/{endpoint}?{query}");
        return _run.Transport.SendAsync(Budget, new ProbeRequest(HttpMethod.Get, url), null, Cancellation);
    }

    /// <summary>The value of one pin (<c>get?token&amp;V14</c>); null when Blynk refused the read.</summary>
    public async Task<string?> ReadPinAsync(string pin)
    {
        var answer = await BlynkAsync("get", [(pin, null)]).ConfigureAwait(false);
        return answer.Status == 200 ? answer.Body : null;
    }

    /// <summary>Writes one pin with <c>update</c>; the answer.</summary>
    public Task<ProbeResponse> WritePinAsync(string pin, string value) => BlynkAsync("update", [(pin, value)]);

    /// <summary>Reads <paramref name="pin"/> now and registers a restore that writes it back if a probe changed it.</summary>
    public async Task<string> KeepPinAsync(string pin)
    {
        var original = await ReadPinAsync(pin).ConfigureAwait(false)
                       ?? throw new ProbeSetupException($"cannot read {pin} with this Blynk token (the probes expect the Blueprint's datastreams V6, V14…V17)");
        OnRestore(async () =>
        {
            if (await ReadPinAsync(pin).ConfigureAwait(false) != original)
            {
                var put = await WritePinAsync(pin, original).ConfigureAwait(false);
                if (put.Status != 200)
                {
                    throw new InvalidOperationException($"could not write {pin} back: {Redact(put.Summary)}");
                }
            }
        });
        return original;
    }

    /// <summary>Polls <paramref name="pin"/> every <paramref name="every"/> until <paramref name="condition"/> holds or the (target-scaled) time is up.</summary>
    public async Task<string?> WaitForPinAsync(string pin, Func<string?, bool> condition, TimeSpan real, TimeSpan every)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var patience = Patience(real);
        var deadline = DateTime.UtcNow + patience;
        // About as many polls on a lab as on a real service: the budget holds on both.
        var poll = Target.IsRealService ? every : TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, patience.Ticks * every.Ticks / real.Ticks));
        while (true)
        {
            var value = await ReadPinAsync(pin).ConfigureAwait(false);
            if (condition(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(poll, Cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Calls a function of the test device with a JSON body {"args": …}; the answer.</summary>
    public Task<ProbeResponse> CallAsync(string function, string argument, string? device = null, TimeSpan? timeout = null) =>
        ParticleAsync(HttpMethod.Post, $"/v1/devices/{device ?? DeviceId}/{function}", json: new Dictionary<string, string> { ["args"] = argument }, timeout: timeout);

    /// <summary>return_value of a function-call answer, or null.</summary>
    public static int? ReturnValue(ProbeResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Json() is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("return_value", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)
            ? n
            : null;
    }

    private ProbeRequest ParticleRequest(HttpMethod method, string path, TokenIn tokenIn, IReadOnlyList<KeyValuePair<string, string>>? form, object? json, string? token)
    {
        var secret = token ?? ParticleToken;
        _run.Transport.AddSecret(secret);
        var url = new Uri(Target.ParticleApi, path);
        var headers = new Dictionary<string, string>();
        switch (tokenIn)
        {
            case TokenIn.Header:
                headers["Authorization"] = "Bearer " + secret;
                break;
            case TokenIn.Query:
                url = new Uri(url + (url.Query.Length > 0 ? "&" : "?") + "access_token=" + Uri.EscapeDataString(secret));
                break;
            case TokenIn.Form:
                form = [.. form ?? [], new("access_token", secret)];
                break;
        }

        return new ProbeRequest(method, url)
        {
            Headers = headers,
            Form = form,
            Json = json is null ? null : JsonSerializer.Serialize(json),
        };
    }
}

/// <summary>The target lacks something a probe needs to run at all (a datastream, a webhook): the probe is skipped, saying so.</summary>
public sealed class ProbeSetupException(string message) : Exception(message);

/// <summary>What the probes of one run share: the transport, exchanges read by several probes, cancellation.</summary>
internal sealed class ProbeRun(ProbeTransport transport, CancellationToken cancellation) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _open = [];
    private int _restoring;

    public ProbeTransport Transport { get; } = transport;

    /// <summary>The run's cancellation; none while restores run (a real service is put back even after Ctrl-C).</summary>
    public CancellationToken Cancellation => Volatile.Read(ref _restoring) > 0 ? CancellationToken.None : cancellation;

    /// <summary>While the returned scope lives, requests ignore the run's cancellation.</summary>
    public IDisposable Restoring()
    {
        Interlocked.Increment(ref _restoring);
        return new Scope(() => Interlocked.Decrement(ref _restoring));
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    public ConcurrentDictionary<string, Task> Shared { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, bool> Learnt { get; } = new(StringComparer.Ordinal);

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    public void KeepOpen(IAsyncDisposable resource)
    {
        lock (_open)
        {
            _open.Add(resource);
        }
    }

    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var resource in open)
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
