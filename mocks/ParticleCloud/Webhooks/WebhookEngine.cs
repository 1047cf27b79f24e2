using System.Globalization;
using System.Text;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>
/// Runs the account's webhooks for each event (contracts.md §3): prefix match, mustache rendering, the request through
/// the shared delivery core (host map, 20 s timeout on the harness clock), hook-sent / hook-response / hook-error
/// events, throttling per host, and two journal hops per attempt: the request (L2, when sent) and its answer.
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
    private readonly OutboundDelivery _delivery;

    public WebhookEngine(ParticleCloudOptions options, HarnessServices services, ParticleEventBus bus, DeviceRegistry registry)
    {
        _options = options;
        _services = services;
        _bus = bus;
        _registry = registry;
        _renderer = new WebhookTemplateRenderer(options.NumberRendering, options.Escaping);
        Throttle = new WebhookThrottle(options.Throttle, services.Time);
        _delivery = new OutboundDelivery(services);
    }

    public WebhookThrottle Throttle { get; }

    public WebhookTemplateRenderer Renderer => _renderer;

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
        var view = _renderer.CreateView(evt, _registry.ById(evt.CoreId)?.Definition.EffectiveProductId);
        var request = WebhookRequest.Create(hook, view, _renderer);
        using var message = request.ToHttpRequestMessage();
        var sent = OutboundDelivery.Describe(message, request.Body);
        var host = message.RequestUri is { IsAbsoluteUri: true, Host.Length: > 0 } uri ? uri.Host : request.Url; // parsed once, not again from sent.Url
        var hop = new Hop
        {
            Kind = HopKind.WebhookRequest,
            Source = $"Particle webhook {hook.Name}",
            Target = host,
            EventName = evt.Name,
            DeviceId = evt.IsWebhookEvent ? null : evt.CoreId,
            Payload = request.Method is "GET" or "DELETE" ? sent.RawQuery : request.Body ?? "",
            Http = sent,
        };
        var retryNote = attempt > 1 ? $" (retry {(attempt - 1).ToString(CultureInfo.InvariantCulture)} of 2)" : "";

        if (Throttle.IsSleeping(host))
        {
            PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0", SleepingMessage);
            var retry = _options.Throttle.SkippedEvents == SkippedEventPolicy.RetryAfter30sAnd1Min && attempt < 3;
            _services.Journal.Record(hop with
            {
                Kind = HopKind.WebhookResponse,
                Outcome = HopOutcome.Throttled,
                Reason = $"skipped: {SleepingMessage}{retryNote}; " + (retry ? "retry scheduled in 30 s" : "event dropped"),
                Duration = TimeSpan.Zero,
            });
            if (retry)
            {
                // UNCONFIRMED (contracts.md §3.4): the reference says skipped events are retried after 30 s and 1 min.
                await _services.Work.DelayAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                await DeliverAsync(registration, evt, attempt + 1).ConfigureAwait(false);
            }

            return;
        }

        PublishInternal(evt, "hook-sent/" + evt.Name, "undefined"); // P-WH "Sequence of events" shows data "undefined"
        _services.Journal.Record(hop with { Reason = retryNote.Length > 0 ? retryNote.Trim() : null });
        var result = await _delivery.SendAsync(message, Timeout, hook.RejectUnauthorized).ConfigureAwait(false);
        Throttle.Record(host, result.Succeeded);
        if (result.Succeeded)
        {
            PublishResponse(hook, evt, view, result.Body);
        }
        else
        {
            PublishInternal(evt, Topic(hook.ErrorResponseTopic, view) + "/0",
                result.Status is { } status ? $"error status {status.ToString(CultureInfo.InvariantCulture)} from {host}" : result.Error ?? "");
        }

        _services.Journal.Record(hop with
        {
            Kind = HopKind.WebhookResponse,
            At = _services.Time.GetUtcNow(),
            Outcome = result.Outcome,
            Reason = result.Summary,
            Duration = result.Duration,
            Http = OutboundDelivery.Answered(sent, result),
            Payload = result.Body,
        });
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

    public void Dispose() => _delivery.Dispose();
}
