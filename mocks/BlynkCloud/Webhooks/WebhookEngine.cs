using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// Runs "Device Datastream Update" webhooks: trigger, per-webhook quota on the harness clock, rendering, and delivery
/// through the delivery core both clouds share. Each execution is one journal hop (L4) recorded when it is sent — or
/// dropped by the quota — and completed in place with the answer, so the function call and echo it causes read after it.
/// </summary>
internal sealed class WebhookEngine : IDisposable
{
    private readonly Lock _gate = new();
    private readonly BlynkCloudOptions _options;
    private readonly HarnessServices _services;
    private readonly OutboundDelivery _delivery;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consecutiveFailures = new(StringComparer.Ordinal);
    private readonly Func<int, IReadOnlyDictionary<int, string?>> _currentValues;

    public WebhookEngine(BlynkCloudOptions options, HarnessServices services, Func<int, IReadOnlyDictionary<int, string?>> currentValues)
    {
        _options = options;
        _services = services;
        _currentValues = currentValues;
        _delivery = new OutboundDelivery(services);
    }

    public void OnUpdated(IReadOnlyList<DatastreamUpdate> updates)
    {
        foreach (var update in updates)
        {
            foreach (var webhook in _options.Webhooks)
            {
                if (Triggers(webhook, update))
                {
                    Fire(webhook, update);
                }
            }
        }
    }

    public void Dispose() => _delivery.Dispose();

    private bool Triggers(WebhookOptions webhook, DatastreamUpdate update)
    {
        if (!webhook.Enabled || !BlynkPins.TryParse(webhook.Pin, out var pin) || pin != update.Datastream.PinNumber)
        {
            return false;
        }

        var scope = webhook.DeviceId is { } id ? id == update.Device.Id : webhook.TemplateId == update.Template.Id;
        if (!scope)
        {
            return false;
        }

        // UNCONFIRMED (contracts.md §9.3): see BlynkBehaviour.HttpApiWriteFiresWebhook / WebhookFiresOnUnchangedValue.
        if (update.Source == WriteSource.HttpApi && !_options.Behaviour.HttpApiWriteFiresWebhook)
        {
            return false;
        }

        return _options.Behaviour.WebhookFiresOnUnchangedValue || update.OldValue != update.NewValue;
    }

    private void Fire(WebhookOptions webhook, DatastreamUpdate update)
    {
        var values = WebhookPlaceholderRenderer.Values(update, _currentValues(update.Device.Id));
        var pin = BlynkPins.Name(update.Datastream.PinNumber);
        var message = Render(webhook, values, out var body);
        var hop = new Hop
        {
            Kind = HopKind.BlynkWebhook, Source = $"Blynk webhook '{webhook.Name}'", Target = message.RequestUri?.Host ?? webhook.Url, Pin = pin,
            Payload = body ?? "", Http = OutboundDelivery.Describe(message, body), Outcome = HopOutcome.Pending,
            Reason = $"{pin}={update.NewValue}",
        };
        if (!TakeQuota(webhook.Name, _services.Time.GetUtcNow()))
        {
            message.Dispose();
            _services.Journal.Record(hop with
            {
                Outcome = HopOutcome.DroppedByQuota,
                Reason = $"{pin}={update.NewValue}: quota {_options.Quota.Requests.ToString(CultureInfo.InvariantCulture)} per {_options.Quota.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s used up; dropped, not queued",
            });
            return;
        }

        var delay = _options.Behaviour.WebhookDispatchDelay;
        if (delay <= TimeSpan.Zero)
        {
            var sent = _services.Journal.Record(hop);
            _services.Work.Start($"blynk webhook '{webhook.Name}' {pin}={update.NewValue}", () => DeliverAsync(webhook, message, sent));
            return;
        }

        // The request goes out after the dispatch delay (UNCONFIRMED, BlynkBehaviour.WebhookDispatchDelay); its hop is recorded then.
        _services.Work.Start($"blynk webhook '{webhook.Name}' {pin}={update.NewValue} (in {delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms)", async () =>
        {
            await _services.Work.DelayAsync(delay).ConfigureAwait(false);
            await DeliverAsync(webhook, message, _services.Journal.Record(hop)).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Uses up every webhook's quota now (the fault "quota exceeded"): as many executions as the quota allows are counted
    /// at this instant, so a change within the next window is dropped.
    /// </summary>
    public void UseUpQuota()
    {
        var now = _services.Time.GetUtcNow();
        lock (_gate)
        {
            foreach (var webhook in _options.Webhooks)
            {
                var times = new Queue<DateTimeOffset>();
                for (var i = 0; i < _options.Quota.Requests; i++)
                {
                    times.Enqueue(now);
                }

                _executions[webhook.Name] = times;
            }
        }
    }

    /// <summary>Forgets the counted executions: every webhook has its whole quota again.</summary>
    public void ResetQuota()
    {
        lock (_gate)
        {
            _executions.Clear();
        }
    }

    /// <summary>Sliding window: at most N executions in any window; an execution exactly one window later is allowed.</summary>
    private bool TakeQuota(string webhook, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_executions.TryGetValue(webhook, out var times))
            {
                _executions[webhook] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && now - times.Peek() >= _options.Quota.Window)
            {
                times.Dequeue();
            }

            if (times.Count >= _options.Quota.Requests)
            {
                return false;
            }

            times.Enqueue(now);
            return true;
        }
    }

    private async Task DeliverAsync(WebhookOptions webhook, HttpRequestMessage message, Hop sent)
    {
        DeliveryResult result;
        using (message)
        {
            result = await _delivery.SendAsync(message, _options.Behaviour.WebhookTimeout).ConfigureAwait(false);
        }

        int? notify = null;
        lock (_gate)
        {
            var failures = result.Succeeded ? 0 : _consecutiveFailures.GetValueOrDefault(webhook.Name) + 1;
            if (failures >= webhook.FailureNotificationThreshold)
            {
                notify = failures;
                failures = 0;
            }

            _consecutiveFailures[webhook.Name] = failures;
        }

        _services.Journal.Complete(sent, h => h with
        {
            Outcome = result.Outcome,
            Reason = $"{h.Reason}: {result.Summary}",
            Duration = result.Duration,
            Http = OutboundDelivery.Answered(h.Http!, result),
        });
        if (notify is { } count)
        {
            _services.Journal.Record(new Hop
            {
                Kind = HopKind.Notification, Source = $"Blynk webhook '{webhook.Name}'", Target = "failure receivers", Outcome = HopOutcome.Delivered,
                Reason = $"{count.ToString(CultureInfo.InvariantCulture)} failures reached the threshold",
            });
        }
    }

    /// <summary>The request the webhook sends: URL, body by content type, custom headers.</summary>
    private static HttpRequestMessage Render(WebhookOptions webhook, IReadOnlyDictionary<string, string> values, out string? body)
    {
        var url = webhook.Url;
        string? contentType;
        var bodyless = webhook.Method is WebhookMethod.Get or WebhookMethod.Delete;
        switch (webhook.ContentType)
        {
            case WebhookContentType.WebForm:
                var form = WebhookPlaceholderRenderer.FormEncode(webhook.FormFields.Select(f => KeyValuePair.Create(f.Key, WebhookPlaceholderRenderer.Render(f.Value, values, jsonEscape: false))));
                if (bodyless)
                {
                    url = form.Length == 0 ? webhook.Url : webhook.Url + (webhook.Url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + form;
                    (body, contentType) = (null, null);
                }
                else
                {
                    (body, contentType) = (form, "application/x-www-form-urlencoded");
                }

                break;
            case WebhookContentType.PlainText:
                (body, contentType) = (webhook.Body is null ? null : WebhookPlaceholderRenderer.Render(webhook.Body, values, jsonEscape: false), "text/plain");
                break;
            default:
                (body, contentType) = (webhook.Body is null ? null : WebhookPlaceholderRenderer.Render(webhook.Body, values, jsonEscape: true), "application/json");
                break;
        }

        var message = new HttpRequestMessage(new HttpMethod(webhook.Method.ToString().ToUpperInvariant()), url);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        foreach (var (name, value) in webhook.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }
}
