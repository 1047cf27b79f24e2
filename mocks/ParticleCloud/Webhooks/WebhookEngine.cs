using System.Globalization;
using System.Security.Authentication;
using System.Text;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>
/// Runs the account's webhooks for each event (contracts.md §3): prefix match, mustache rendering, the HTTP request
/// through the harness host map, the 20 s timeout on the harness clock, hook-sent / hook-response / hook-error events,
/// throttling per host, and a journal hop (L2) and delivery-log entry for every attempt or skip.
/// </summary>
public sealed class WebhookEngine : IDisposable
{
    /// <summary>"Servers must return a response within the timeout period of 20 seconds" (P-WH "Limits").</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Response chunk size for hook-response events (P-WH "Multipart responses").</summary>
    public const int ChunkBytes = 512;

    public const string SleepingMessage = "Sleeping, too many errors, please wait and try again";

    private readonly ParticleCloudOptions _options;
    private readonly HarnessServices _services;
    private readonly ParticleEventBus _bus;
    private readonly DeviceRegistry _registry;
    private readonly WebhookTemplateRenderer _renderer;
    private readonly HttpClient _strictClient;
    private readonly HttpClient _lenientClient;
    private readonly object _gate = new();
    private readonly List<WebhookDelivery> _deliveries = [];

    public WebhookEngine(ParticleCloudOptions options, HarnessServices services, ParticleEventBus bus, DeviceRegistry registry)
    {
        _options = options;
        _services = services;
        _bus = bus;
        _registry = registry;
        _renderer = new WebhookTemplateRenderer(options.NumberRendering, options.Escaping);
        Throttle = new WebhookThrottle(options.Throttle, services.Time);
        _strictClient = services.Hosts.CreateClient(services.Work, rejectUnauthorized: true);
        _lenientClient = services.Hosts.CreateClient(services.Work, rejectUnauthorized: false);
    }

    public WebhookThrottle Throttle { get; }

    public WebhookTemplateRenderer Renderer => _renderer;

    /// <summary>Every attempt and skip so far, in the order they finished.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.ToArray();
            }
        }
    }

    /// <summary>
    /// Starts one harness flow per matching webhook, synchronously, so the clock waits for the deliveries.
    /// hook-* events and disabled or device-filtered webhooks never fire (P-WH).
    /// </summary>
    public void Dispatch(ParticleEvent evt)
    {
        if (evt.IsWebhookEvent)
        {
            return;
        }

        foreach (var registration in _options.Webhooks)
        {
            var hook = registration.Definition;
            if (registration.Owner != evt.Owner || hook.Disabled || !hook.Matches(evt.Name)
                || (hook.DeviceId is { } only && !only.Equals(evt.CoreId, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            _services.Work.Start($"webhook {hook.Name} for {evt.Name}", () => DeliverAsync(registration, evt, attempt: 1));
        }
    }

    private async Task DeliverAsync(WebhookRegistration registration, ParticleEvent evt, int attempt)
    {
        var hook = registration.Definition;
        var view = _renderer.CreateView(evt, _registry.ById(evt.CoreId)?.Definition.ProductId);
        var request = WebhookRequest.Create(hook, view, _renderer);
        var started = _services.Time.GetUtcNow();
        var place = _services.Journal.Reserve();
        var host = Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) ? uri.Host : request.Url;
        var source = $"Particle webhook {hook.Name}";
        var action = $"{request.Method} {uri?.AbsolutePath ?? request.Url}";
        var payload = request.Method is "GET" or "DELETE" ? uri?.Query.TrimStart('?') ?? "" : request.Body ?? "";

        if (Throttle.IsSleeping(host))
        {
            PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", SleepingMessage);
            var retry = _options.Throttle.SkippedEvents == SkippedEventPolicy.RetryAfter30sAnd1Min && attempt < 3;
            var detail = retry ? $"skipped: {SleepingMessage}; retry {attempt} of 2 scheduled" : $"skipped: {SleepingMessage}; event dropped";
            Finish(new WebhookDelivery(hook.Name, evt.Name, evt.Id, attempt, request.Method, request.Url, request.Body ?? "", null, SleepingMessage, HopOutcome.Throttled, started, TimeSpan.Zero));
            _services.Journal.Record(Leg.L2, source, host, action, payload, HopOutcome.Throttled, detail, started, reserved: place);
            if (retry)
            {
                // UNCONFIRMED (contracts.md §3.4): the reference says skipped events are retried after 30 s and 1 min.
                // Retry 1 at +30 s, retry 2 at +1 min: 30 s apart.
                await _services.Work.DelayAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                await DeliverAsync(registration, evt, attempt + 1).ConfigureAwait(false);
            }

            return;
        }

        PublishInternal(evt, "hook-sent/" + evt.Name, "undefined"); // P-WH "Sequence of events" shows data "undefined"
        int? status = null;
        string answer;
        HopOutcome outcome;
        using (var deadline = _services.Work.Deadline(Timeout))
        {
            try
            {
                using var message = request.ToHttpRequestMessage();
                using var response = await (hook.RejectUnauthorized ? _strictClient : _lenientClient)
                    .SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                answer = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                var success = status is >= 200 and < 300;
                Throttle.Record(host, success);
                if (success)
                {
                    outcome = HopOutcome.Delivered;
                    PublishResponse(hook, evt, view, answer);
                }
                else
                {
                    outcome = HopOutcome.Rejected;
                    PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", $"error status {status} from {host}");
                }
            }
            catch (OperationCanceledException) when (deadline.Expired)
            {
                outcome = HopOutcome.Failed;
                answer = $"ETIMEDOUT: no response within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
                Throttle.Record(host, success: false);
                PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", answer);
            }
            catch (UnmappedHostException ex)
            {
                outcome = HopOutcome.Failed;
                answer = $"getaddrinfo ENOTFOUND {ex.Host}";
                Throttle.Record(host, success: false);
                PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", answer);
            }
            catch (HttpRequestException ex)
            {
                outcome = HopOutcome.Failed;
                answer = ex.InnerException is AuthenticationException auth ? $"TLS: {auth.Message}" : ex.Message;
                Throttle.Record(host, success: false);
                PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", answer);
            }
        }

        var duration = _services.Time.GetUtcNow() - started;
        Finish(new WebhookDelivery(hook.Name, evt.Name, evt.Id, attempt, request.Method, request.Url, request.Body ?? "", status, answer, outcome, started, duration));
        var statusText = status is { } s ? s.ToString(CultureInfo.InvariantCulture) + (answer.Length > 0 ? " " + answer : "") : answer;
        _services.Journal.Record(Leg.L2, source, host, action, payload, outcome, statusText, started, duration, place);
    }

    private void PublishResponse(WebhookDefinition hook, ParticleEvent evt, IReadOnlyDictionary<string, object?> view, string body)
    {
        if (hook.ResponseTemplate is { } template && _renderer.TryParseObject(body) is { } parsed)
        {
            var text = template.ValueKind == System.Text.Json.JsonValueKind.String ? template.GetString()! : template.GetRawText();
            body = _renderer.Render(text, parsed);
        }

        if (body.Length == 0)
        {
            return; // hook-response only for a non-empty body (P-WHG)
        }

        var topic = Topic(hook.ResponseTopic, view);
        var index = 0;
        foreach (var chunk in Chunk(body))
        {
            PublishInternal(evt, $"{topic}/{index.ToString(CultureInfo.InvariantCulture)}", chunk);
            index++;
        }
    }

    /// <summary>Splits into parts of at most 512 UTF-8 bytes, never inside a character.</summary>
    public static IEnumerable<string> Chunk(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Math.Min(start + ChunkBytes, bytes.Length);
            while (end < bytes.Length && end > start && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }

            yield return Encoding.UTF8.GetString(bytes, start, end - start);
            start = end;
        }
    }

    private string Topic(string template, IReadOnlyDictionary<string, object?> view) => _renderer.Render(template, view);

    private void PublishInternal(ParticleEvent trigger, string name, string data) =>
        _bus.Publish(new ParticleEvent(name, data, _services.Time.GetUtcNow(), ParticleEvent.InternalCoreId, 60, _bus.NextEventId(), trigger.Owner)
        {
            TriggeredBy = trigger.CoreId,
        });

    private void Finish(WebhookDelivery delivery)
    {
        lock (_gate)
        {
            _deliveries.Add(delivery);
        }
    }

    public void Dispose()
    {
        _strictClient.Dispose();
        _lenientClient.Dispose();
    }
}
