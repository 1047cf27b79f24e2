using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Contracts.Running;

/// <summary>One request as a probe wrote it: the URL uses the real host names; the transport routes it.</summary>
public sealed record ProbeRequest(HttpMethod Method, Uri Url)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Form body (application/x-www-form-urlencoded), or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Form { get; init; }

    /// <summary>JSON body (application/json), or null.</summary>
    public string? Json { get; init; }

    public string BodyText => Form is { } form
        ? string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)))
        : Json ?? "";
}

/// <summary>An answer, reduced to what classifiers read.</summary>
public sealed record ProbeResponse(int Status, string Body)
{
    public string? ContentType { get; init; }

    /// <summary>The Content-Length header as sent (null when absent).</summary>
    public long? ContentLength { get; init; }

    public string? Location { get; init; }

    /// <summary>The body as JSON, or default when it is not JSON.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>A string property of a JSON object body, or null.</summary>
    public string? JsonText(string property) =>
        Json() is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Blynk's error shape {"error":{"message":"…"}}: the message, or null.</summary>
    public string? BlynkErrorMessage =>
        Json() is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
        && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()
            : null;

    /// <summary>"HTTP 404 {"ok":false,…}" — status and the start of the body, for evidence.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture, $"HTTP {Status}{(Body.Length == 0 ? " (empty body)" : " " + Short(Body, 160))}");

    public static string Short(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>A probe sent more than its stated budget: it is stopped (and reported as an error).</summary>
public sealed class RequestBudgetExceededException(string probe, int budget)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"probe {probe} would exceed its budget of {budget} requests"));

/// <summary>One line of the request log: what went out and what came back, tokens masked.</summary>
public sealed record SentRequest(string Probe, TimeSpan At, string Method, string Url, string Body, int? Status, string Outcome);

/// <summary>
/// Sends probe requests: routes real host names to a lab (Host header kept) or to the internet, never follows a redirect
/// (the 308 is the fact under test), pauses between requests, counts them against the probe's budget, and logs each
/// one with every token masked. A dry run still sends — to the in-process lab it runs against — and prints each request
/// as the real target would get it.
/// </summary>
public sealed class ProbeTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly Secrets _secrets;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<SentRequest> _log = [];
    private readonly Func<string, string> _display;
    private DateTime _lastSent = DateTime.MinValue;

    public ProbeTransport(ProbeTarget target, Secrets secrets, Func<string, string>? display = null, Action<string>? print = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        _secrets = secrets;
        _display = display ?? (s => s);
        Print = print;
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = target.IsRealService,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(new RoutingHandler(target) { InnerHandler = sockets }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public ProbeTarget Target { get; }

    /// <summary>Dry run: each request is printed here as the real target would get it.</summary>
    public Action<string>? Print { get; }

    /// <summary>Every request so far, tokens masked.</summary>
    public IReadOnlyList<SentRequest> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _log.Count;
            }
        }
    }

    public string Redact(string? text) => _display(_secrets.Redact(text));

    /// <summary>Masks <paramref name="secret"/> too (a made-up token a probe sends: never written in full either).</summary>
    public void AddSecret(string secret) => _secrets.Add(secret);

    /// <summary>Sends a request and reads the whole answer (bounded by <paramref name="timeout"/>, default 30 s).</summary>
    public async Task<ProbeResponse> SendAsync(ProbeBudget budget, ProbeRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(request);
        await BeforeSendAsync(budget, cancellationToken).ConfigureAwait(false);
        using var message = ToMessage(request);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        var at = _clock.Elapsed;
        try
        {
            using var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, bound.Token).ConfigureAwait(false);
            var body = await answer.Content.ReadAsStringAsync(bound.Token).ConfigureAwait(false);
            var response = new ProbeResponse((int)answer.StatusCode, body)
            {
                ContentType = answer.Content.Headers.ContentType?.ToString(),
                ContentLength = answer.Content.Headers.ContentLength,
                Location = answer.Headers.Location?.OriginalString,
            };
            Record(budget, at, request, response.Status, ProbeResponse.Short(body, 200));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Record(budget, at, request, null, ex is OperationCanceledException ? "timed out" : ex.Message);
            throw new ProbeNetworkException($"{request.Method} {Redact(request.Url.ToString())}: {(ex is OperationCanceledException ? "no answer in time" : ex.Message)}", ex);
        }
    }

    /// <summary>Opens a Server-Sent Events stream (one request of the budget); the caller disposes it.</summary>
    public async Task<SseSession> OpenStreamAsync(ProbeBudget budget, ProbeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(request);
        await BeforeSendAsync(budget, cancellationToken).ConfigureAwait(false);
        var message = ToMessage(request);
        var at = _clock.Elapsed;
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            stop.CancelAfter(TimeSpan.FromSeconds(30));
            var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, stop.Token).ConfigureAwait(false);
            stop.CancelAfter(Timeout.InfiniteTimeSpan);
            Record(budget, at, request, (int)answer.StatusCode, answer.IsSuccessStatusCode ? "event stream opened" : "event stream refused");
            return await SseSession.StartAsync(message, answer, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            message.Dispose();
            stop.Dispose();
            Record(budget, at, request, null, ex.Message);
            throw new ProbeNetworkException($"GET {Redact(request.Url.ToString())}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task BeforeSendAsync(ProbeBudget budget, CancellationToken cancellationToken)
    {
        budget.Take();
        if (!Target.IsRealService)
        {
            return;
        }

        // Against real services: never two requests closer than the probe's pause.
        TimeSpan wait;
        lock (_gate)
        {
            var due = _lastSent + budget.Pause;
            var now = DateTime.UtcNow;
            wait = due > now ? due - now : TimeSpan.Zero;
            _lastSent = now + wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static HttpRequestMessage ToMessage(ProbeRequest request)
    {
        var message = new HttpRequestMessage(request.Method, request.Url);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Form is { } form)
        {
            message.Content = new FormUrlEncodedContent(form);
        }
        else if (request.Json is { } json)
        {
            message.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return message;
    }

    private void Record(ProbeBudget budget, TimeSpan at, ProbeRequest request, int? status, string outcome)
    {
        var headers = string.Concat(request.Headers.Select(h => $" [{h.Key}: {h.Value}]"));
        var sent = new SentRequest(
            budget.Probe,
            at,
            request.Method.Method,
            Redact(request.Url.ToString()) + Redact(headers),
            Redact(ProbeResponse.Short(request.BodyText, 200)),
            status,
            Redact(outcome));
        lock (_gate)
        {
            _log.Add(sent);
        }

        Print?.Invoke($"  {sent.Method} {sent.Url}{(sent.Body.Length > 0 ? "  body: " + ProbeResponse.Short(sent.Body, 120) : "")}");
    }

    /// <summary>Sends requests for routed host names to the lab, keeping the original Host; anything else is refused when routes exist.</summary>
    private sealed class RoutingHandler(ProbeTarget target) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var original = request.RequestUri ?? throw new InvalidOperationException("A request without a URL.");
            if (target.Routes.Count > 0 && !original.IsLoopback)
            {
                if (!target.Routes.TryGetValue(original.Host, out var route))
                {
                    throw new HttpRequestException($"Host '{original.Host}' is not routed to the lab: a lab run never leaves 127.0.0.1.");
                }

                request.Headers.Host = original.Host;
                request.RequestUri = new UriBuilder(original) { Scheme = route.Scheme, Host = route.Host, Port = route.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>A request that got no answer (connection refused, reset, timed out).</summary>
public sealed class ProbeNetworkException(string message, Exception inner) : Exception(message, inner);

/// <summary>One probe's allowance: how many requests, how far apart.</summary>
public sealed class ProbeBudget(string probe, int maxRequests, TimeSpan pause)
{
    private int _used;

    public string Probe { get; } = probe;

    public int MaxRequests { get; } = maxRequests;

    public TimeSpan Pause { get; } = pause;

    public int Used => Volatile.Read(ref _used);

    public void Take()
    {
        if (Interlocked.Increment(ref _used) > MaxRequests)
        {
            throw new RequestBudgetExceededException(Probe, MaxRequests);
        }
    }
}
