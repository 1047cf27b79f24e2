using System.Globalization;
using System.Text.Json;

namespace ParticleBlynk.Loop;

/// <summary>
/// Links hops that one publish or one switch causes, by what each hop carries, so every feed — the mocks in-process, a
/// remote lab, observers of public interfaces — gets the same links: a publish → the webhook request for its event → the
/// Blynk write with that query → the V16 webhook → the function call it makes → its return → the republish (echo).
/// Not thread-safe: the journal calls it under its lock, in recording order.
/// </summary>
internal sealed class Correlator
{
    private const int Bound = 256;

    private readonly Dictionary<string, Queue<string>> _publishesAwaitingWebhook = new(StringComparer.Ordinal);
    private readonly List<(string Event, string Query, string Correlation)> _openRequests = [];
    private readonly Dictionary<string, string> _lastWrite = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Device, string Function, string Argument, string Correlation)> _webhookCalls = [];
    private readonly Dictionary<(string Device, string Function), Queue<string>> _callsAwaitingReturn = [];
    private readonly Dictionary<string, string> _echoPending = new(StringComparer.Ordinal);
    private readonly List<(string Value, string Correlation)> _unseenSwitches = [];
    private string _lastBlynkWebhook = "";
    private long _next;

    public EchoInference? Inference { get; set; }

    /// <summary>
    /// Completes <paramref name="hop"/> with its correlation and leg; <paramref name="inferred"/> receives hops that must
    /// precede it (the unseen L4/L5 of an echo), already linked.
    /// </summary>
    public Hop Link(Hop hop, List<Hop> inferred)
    {
        var (kind, correlation, leg) = Classify(hop, inferred);
        return hop with { Kind = kind, Correlation = correlation, Leg = leg };
    }

    /// <summary>What <see cref="Link"/> sets on the hop, without copying it: the journal sets these with its own fields in one copy.</summary>
    public (HopKind Kind, string Correlation, Leg Leg) Classify(Hop hop, List<Hop> inferred)
    {
        var correlation = hop.Correlation.Length > 0 ? hop.Correlation : null;
        var echo = false;
        switch (hop.Kind)
        {
            case HopKind.Publish or HopKind.PublishRefused or HopKind.Echo:
                if (hop.Kind == HopKind.Echo)
                {
                    echo = true;
                }
                else if (hop.DeviceId is { } device && _echoPending.Remove(device, out var pending))
                {
                    correlation ??= pending;
                    echo = true;
                }
                else if (Inference is { } inference && hop.Kind == HopKind.Publish && InferEcho(hop, inference, inferred) is { } switched)
                {
                    correlation = switched;
                    echo = true;
                }

                correlation ??= New();
                if (hop.Kind != HopKind.PublishRefused && hop.EventName is { } name)
                {
                    Enqueue(_publishesAwaitingWebhook, name, correlation);
                }

                break;
            case HopKind.WebhookRequest:
                correlation ??= Dequeue(_publishesAwaitingWebhook, hop.EventName) ?? New();
                if (hop.Outcome != HopOutcome.Throttled)
                {
                    _openRequests.Add((hop.EventName ?? "", hop.Http?.RawQuery ?? "", correlation));
                    Trim(_openRequests);
                }

                break;
            case HopKind.WebhookResponse:
                var open = _openRequests.FindIndex(r => r.Event == (hop.EventName ?? ""));
                if (open >= 0)
                {
                    correlation ??= _openRequests[open].Correlation;
                    _openRequests.RemoveAt(open);
                }

                correlation ??= Dequeue(_publishesAwaitingWebhook, hop.EventName) ?? New();
                break;
            case HopKind.DatastreamWrite:
                if (hop.Source != Hop.BlynkApp)
                {
                    // A write through the HTTPS API is the webhook's: the open request with the same query, else the latest.
                    var query = hop.Http?.RawQuery;
                    var request = query is null ? -1 : _openRequests.FindLastIndex(r => r.Query == query);
                    correlation ??= request >= 0 ? _openRequests[request].Correlation : _openRequests.Count > 0 ? _openRequests[^1].Correlation : null;
                }

                correlation ??= New();
                if (hop.Outcome == HopOutcome.Delivered)
                {
                    foreach (var (pin, value) in HopValues.Written(hop))
                    {
                        _lastWrite[pin] = correlation; // a datastream webhook fires right after the write that changed the pin
                        if (Inference is { } inference && hop.Source == Hop.BlynkApp && string.Equals(pin, inference.SwitchPin, StringComparison.OrdinalIgnoreCase))
                        {
                            _unseenSwitches.Add((value, correlation));
                            Trim(_unseenSwitches);
                        }
                    }
                }

                break;
            case HopKind.BlynkWebhook:
                correlation ??= (hop.Pin is { } trigger && _lastWrite.TryGetValue(trigger, out var write) ? write : null) ?? New();
                _lastBlynkWebhook = correlation;
                _unseenSwitches.Clear(); // the webhook is seen: nothing to infer for the switches before it
                if (hop.Outcome is HopOutcome.Pending or HopOutcome.Delivered && hop.Http is { } call && ParseCall(call) is { } target)
                {
                    _webhookCalls.Add((target.Device, target.Function, target.Argument, correlation));
                    Trim(_webhookCalls);
                }

                break;
            case HopKind.Notification:
                correlation ??= _lastBlynkWebhook.Length > 0 ? _lastBlynkWebhook : New();
                break;
            case HopKind.FunctionCall:
                var byWebhook = _webhookCalls.FindIndex(c => c.Device == hop.DeviceId && c.Function == hop.Function && c.Argument == hop.Payload);
                if (byWebhook >= 0)
                {
                    correlation ??= _webhookCalls[byWebhook].Correlation;
                    _webhookCalls.RemoveAt(byWebhook);
                }

                correlation ??= New();
                if (hop.Outcome == HopOutcome.Delivered)
                {
                    Enqueue(_callsAwaitingReturn, (hop.DeviceId ?? "", hop.Function ?? ""), correlation);
                }

                break;
            case HopKind.FunctionReturn:
                correlation ??= Dequeue(_callsAwaitingReturn, (hop.DeviceId ?? "", hop.Function ?? "")) ?? New();
                if (hop.Outcome == HopOutcome.Delivered && hop.ReturnValue is 0 or 1 && hop.DeviceId is { } returned)
                {
                    _echoPending[returned] = correlation;
                }

                break;
            default:
                correlation ??= "";
                break;
        }

        var kind = echo && hop.Kind == HopKind.Publish ? HopKind.Echo : hop.Kind;
        return (kind, correlation, LegClassifier.Classify(kind, echo));
    }

    /// <summary>The correlation a hop recorded elsewhere (a remote lab) already carries: keep it, and keep counting past it.</summary>
    public void Seen(string correlation)
    {
        if (correlation.StartsWith('c') && long.TryParse(correlation.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > _next)
        {
            _next = n;
        }
    }

    private string? InferEcho(Hop publish, EchoInference inference, List<Hop> inferred)
    {
        if (_unseenSwitches.Count == 0 || FieldOf(publish.Payload, inference.PayloadField) is not { } reported)
        {
            return null;
        }

        var index = _unseenSwitches.FindIndex(s => s.Value == reported);
        if (index < 0)
        {
            return null;
        }

        var (value, correlation) = _unseenSwitches[index];
        _unseenSwitches.RemoveRange(0, index + 1);
        var device = publish.DeviceId ?? "";
        var at = publish.At;
        var evidence = $"implied by the publish reporting {inference.PayloadField}={value}";
        inferred.Add(new Hop
        {
            Kind = HopKind.BlynkWebhook, Source = $"Blynk webhook on {inference.SwitchPin}", Target = inference.WebhookTarget, At = at, Pin = inference.SwitchPin,
            Payload = value, Correlation = correlation, Leg = Leg.L4, Feed = publish.Feed, Inferred = true, Reason = evidence,
        });
        inferred.Add(new Hop
        {
            Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = $"device {device}", At = at, DeviceId = device,
            Function = inference.Function, Payload = value, Correlation = correlation, Leg = Leg.L5, Feed = publish.Feed, Inferred = true, Reason = evidence,
        });
        inferred.Add(new Hop
        {
            Kind = HopKind.FunctionReturn, Source = $"device {device}", Target = "Particle Cloud", At = at, DeviceId = device,
            Function = inference.Function, ReturnValue = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null,
            Correlation = correlation, Leg = Leg.L5, Feed = publish.Feed, Inferred = true, Reason = evidence,
        });
        return correlation;
    }

    /// <summary>/v1/devices/{id}/{function} and the "args"/"arg" of the body.</summary>
    private static (string Device, string Function, string Argument)? ParseCall(HttpExchange call)
    {
        var segments = call.Path.Trim('/').Split('/');
        if (segments.Length != 4 || segments[0] != "v1" || segments[1] != "devices")
        {
            return null;
        }

        var argument = "";
        if (call.RequestBody is { Length: > 0 } body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && (json.RootElement.TryGetProperty("args", out var a) || json.RootElement.TryGetProperty("arg", out a)))
                {
                    argument = a.ValueKind == JsonValueKind.String ? a.GetString() ?? "" : a.GetRawText();
                }
            }
            catch (JsonException)
            {
                argument = QueryPairs.Parse(body).FirstOrDefault(p => p.Key is "args" or "arg").Value is { } form ? Uri.UnescapeDataString(form) : "";
            }
        }

        return (Uri.UnescapeDataString(segments[2]), Uri.UnescapeDataString(segments[3]), argument);
    }

    private static string? FieldOf(string payload, string field)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(field, out var value) ? value.GetRawText().Trim('"') : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string New() => "c" + (++_next).ToString(CultureInfo.InvariantCulture);

    private static void Enqueue<TKey>(Dictionary<TKey, Queue<string>> queues, TKey key, string correlation)
        where TKey : notnull
    {
        if (!queues.TryGetValue(key, out var queue))
        {
            if (queues.Count >= Bound)
            {
                queues.Remove(queues.Keys.First()); // bounded in keys too: every event name a client invents would stay otherwise
            }

            queues[key] = queue = new Queue<string>();
        }

        queue.Enqueue(correlation);
        if (queue.Count > Bound)
        {
            queue.Dequeue();
        }
    }

    private static string? Dequeue<TKey>(Dictionary<TKey, Queue<string>> queues, TKey? key)
        where TKey : notnull
    {
        if (key is null || !queues.TryGetValue(key, out var queue) || !queue.TryDequeue(out var correlation))
        {
            return null;
        }

        if (queue.Count == 0)
        {
            queues.Remove(key);
        }

        return correlation;
    }

    private static void Trim<T>(List<T> list)
    {
        if (list.Count > Bound)
        {
            list.RemoveAt(0);
        }
    }
}
