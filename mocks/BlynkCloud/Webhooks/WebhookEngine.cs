using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>What became of one webhook execution.</summary>
public enum WebhookDeliveryOutcome
{
    /// <summary>Sent and answered 2xx.</summary>
    Succeeded,

    /// <summary>Sent; non-2xx, timeout or unreachable (counts toward the failure notification).</summary>
    Failed,

    /// <summary>Not sent: the per-webhook quota was used up inside the window (dropped, never queued).</summary>
    DroppedByQuota,
}

/// <summary>One entry of the webhook log (Blynk shows Status OK/Failed with the response code).</summary>
public sealed record WebhookDelivery(
    string Webhook,
    DateTimeOffset At,
    int DeviceId,
    string Pin,
    string Value,
    WebhookDeliveryOutcome Outcome,
    string Method,
    string Url,
    string? RequestBody,
    int? StatusCode,
    string? ResponseBody,
    string? Error,
    TimeSpan? Duration);

/// <summary>"Send failure email after N failures": recorded when a webhook's consecutive failures reach its threshold.</summary>
public sealed record WebhookFailureNotification(string Webhook, DateTimeOffset At, int Failures);

/// <summary>
/// Runs "Device Datastream Update" webhooks: trigger, per-webhook quota on the harness clock, rendering and
/// delivery through the harness host map, each delivery a harness flow journalled as L4.
/// </summary>
internal sealed class WebhookEngine : IDisposable
{
    private const int MaxResponseChars = 16 * 1024;
    private readonly object _gate = new();
    private readonly BlynkCloudOptions _options;
    private readonly HarnessServices _services;
    private readonly HttpClient _client;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consecutiveFailures = new(StringComparer.Ordinal);
    private readonly List<WebhookDelivery> _log = [];
    private readonly List<WebhookFailureNotification> _notifications = [];
    private readonly Func<int, IReadOnlyDictionary<int, string?>> _currentValues;

    public WebhookEngine(BlynkCloudOptions options, HarnessServices services, Func<int, IReadOnlyDictionary<int, string?>> currentValues)
    {
        _options = options;
        _services = services;
        _currentValues = currentValues;
        _client = services.Hosts.CreateClient(services.Work);
    }

    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _log.ToArray();
            }
        }
    }

    public IReadOnlyList<WebhookFailureNotification> FailureNotifications
    {
        get
        {
            lock (_gate)
            {
                return _notifications.ToArray();
            }
        }
    }

    public void OnUpdated(IReadOnlyList<DatastreamUpdate> updates)
    {
        foreach (var update in updates)
        {
            foreach (var webhook in _options.Webhooks.Where(w => Triggers(w, update)))
            {
                Fire(webhook, update);
            }
        }
    }

    public void Dispose() => _client.Dispose();

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
        var (url, body, contentType) = Render(webhook, values);
        var method = webhook.Method.ToString().ToUpperInvariant();
        var pin = BlynkPins.Name(update.Datastream.PinNumber);
        var now = _services.Time.GetUtcNow();
        if (!TakeQuota(webhook.Name, now))
        {
            lock (_gate)
            {
                _log.Add(new WebhookDelivery(webhook.Name, now, update.Device.Id, pin, update.NewValue, WebhookDeliveryOutcome.DroppedByQuota, method, url, body, null, null, "quota", null));
            }

            _services.Journal.Record(Leg.L4, $"Blynk webhook '{webhook.Name}'", HostOf(url), $"{method} {url}", body ?? "", HopOutcome.DroppedByQuota,
                $"{pin}={update.NewValue}: quota {_options.Quota.Requests.ToString(CultureInfo.InvariantCulture)} per {_options.Quota.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s used up; dropped, not queued");
            return;
        }

        _services.Work.Start($"blynk webhook '{webhook.Name}' {pin}={update.NewValue}", () => DeliverAsync(webhook, update, method, url, body, contentType, pin));
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

    private async Task DeliverAsync(WebhookOptions webhook, DatastreamUpdate update, string method, string url, string? body, string? contentType, string pin)
    {
        var started = _services.Time.GetUtcNow();
        var place = _services.Journal.Reserve();
        int? status = null;
        string? responseBody = null;
        string? error = null;
        using (var deadline = _services.Work.Deadline(_options.Behaviour.WebhookTimeout))
        {
            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8);
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
                }

                foreach (var (name, value) in webhook.Headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, value))
                    {
                        request.Content?.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                using var response = await _client.SendAsync(request, deadline.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                responseBody = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                if (responseBody.Length > MaxResponseChars)
                {
                    responseBody = responseBody[..MaxResponseChars];
                }
            }
            catch (OperationCanceledException) when (deadline.Expired)
            {
                error = $"timeout after {_options.Behaviour.WebhookTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
            }
            catch (HttpRequestException ex)
            {
                error = "unreachable: " + ex.Message;
            }
        }

        var duration = _services.Time.GetUtcNow() - started;
        var ok = status is >= 200 and < 300;
        var delivery = new WebhookDelivery(webhook.Name, started, update.Device.Id, pin, update.NewValue, ok ? WebhookDeliveryOutcome.Succeeded : WebhookDeliveryOutcome.Failed, method, url, body, status, responseBody, error, duration);
        WebhookFailureNotification? notification = null;
        lock (_gate)
        {
            _log.Add(delivery);
            var failures = ok ? 0 : _consecutiveFailures.GetValueOrDefault(webhook.Name) + 1;
            if (failures >= webhook.FailureNotificationThreshold)
            {
                notification = new WebhookFailureNotification(webhook.Name, _services.Time.GetUtcNow(), failures);
                _notifications.Add(notification);
                failures = 0;
            }

            _consecutiveFailures[webhook.Name] = failures;
        }

        var detail = error ?? $"{status.GetValueOrDefault().ToString(CultureInfo.InvariantCulture)} {responseBody}";
        _services.Journal.Record(Leg.L4, $"Blynk webhook '{webhook.Name}'", HostOf(url), $"{method} {url}", body ?? "", ok ? HopOutcome.Delivered : HopOutcome.Failed, detail, started, duration, place);
        if (notification is not null)
        {
            _services.Journal.Record(Leg.L4, $"Blynk webhook '{webhook.Name}'", "failure receivers", "failure notification email", "", HopOutcome.Failed,
                $"{notification.Failures.ToString(CultureInfo.InvariantCulture)} failures reached the threshold");
        }
    }

    private static (string Url, string? Body, string? ContentType) Render(WebhookOptions webhook, IReadOnlyDictionary<string, string> values)
    {
        var bodyless = webhook.Method is WebhookMethod.Get or WebhookMethod.Delete;
        switch (webhook.ContentType)
        {
            case WebhookContentType.WebForm:
                var form = WebhookPlaceholderRenderer.FormEncode(webhook.FormFields.Select(f => KeyValuePair.Create(f.Key, WebhookPlaceholderRenderer.Render(f.Value, values, jsonEscape: false))));
                if (bodyless)
                {
                    var url = form.Length == 0 ? webhook.Url : webhook.Url + (webhook.Url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + form;
                    return (url, null, null);
                }

                return (webhook.Url, form, "application/x-www-form-urlencoded");
            case WebhookContentType.PlainText:
                return (webhook.Url, webhook.Body is null ? null : WebhookPlaceholderRenderer.Render(webhook.Body, values, jsonEscape: false), "text/plain");
            default:
                return (webhook.Url, webhook.Body is null ? null : WebhookPlaceholderRenderer.Render(webhook.Body, values, jsonEscape: true), "application/json");
        }
    }

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : url;
}
