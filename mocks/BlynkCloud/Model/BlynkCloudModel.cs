using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>A logEvent call the mock accepted.</summary>
public sealed record LoggedEvent(DateTimeOffset At, int DeviceId, string Code, string? Description);

/// <summary>One accepted datastream change, handed to the webhook engine.</summary>
internal sealed record DatastreamUpdate(DeviceOptions Device, TemplateOptions Template, DatastreamOptions Datastream, string? OldValue, string NewValue, WriteSource Source, DateTimeOffset At);

/// <summary>
/// The device registry and datastreams of the Blynk mock, in plain C#: the HTTP front (WireMock) and the dashboard
/// call into it. One lock guards all state; webhooks are handed over after the lock is released.
/// </summary>
internal sealed class BlynkCloudModel
{
    private readonly object _gate = new();
    private readonly BlynkCloudOptions _options;
    private readonly HarnessServices _services;
    private readonly Dictionary<string, DeviceState> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<int, DeviceState> _byId = [];
    private readonly Action<IReadOnlyList<DatastreamUpdate>> _onUpdated;

    public BlynkCloudModel(BlynkCloudOptions options, HarnessServices services, Action<IReadOnlyList<DatastreamUpdate>> onUpdated)
    {
        _options = options;
        _services = services;
        _onUpdated = onUpdated;
        foreach (var device in options.Devices)
        {
            var template = options.Templates.Single(t => t.Id == device.TemplateId);
            var state = new DeviceState(device, template, options.Limits.HistoryPoints);
            _byToken.Add(device.Token, state);
            _byId.Add(device.Id, state);
        }
    }

    private BlynkBehaviour Behaviour => _options.Behaviour;

    private DateTimeOffset Now => _services.Time.GetUtcNow();

    /// <summary>Finds a device by its id ("12") or its auth token.</summary>
    public bool TryFind(string idOrToken, out DeviceOptions device)
    {
        var state = Find(idOrToken);
        device = state?.Device!;
        return state is not null;
    }

    public DatastreamSnapshot? Datastream(string idOrToken, string pin)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return BlynkPins.TryParse(pin, out var n) && device.Pins.TryGetValue(n, out var ds) ? ds.Snapshot() : null;
        }
    }

    /// <summary>A datastream's value and when it was written, without copying its history (what a poll or an assertion reads).</summary>
    public (string? Value, DateTimeOffset? UpdatedAt)? Current(string idOrToken, string pin)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return BlynkPins.TryParse(pin, out var n) && device.Pins.TryGetValue(n, out var ds) ? (ds.Value, ds.UpdatedAt) : null;
        }
    }

    /// <summary>Every datastream's current value by pin number, without copying histories (the webhook placeholders read these).</summary>
    public IReadOnlyDictionary<int, string?> CurrentValues(string idOrToken)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return device.Pins.ToDictionary(p => p.Value.Options.PinNumber, p => p.Value.Value);
        }
    }

    public IReadOnlyList<DatastreamSnapshot> Datastreams(string idOrToken)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return device.Pins.Values.OrderBy(p => p.Options.PinNumber).Select(p => p.Snapshot()).ToArray();
        }
    }

    public IReadOnlyDictionary<string, string> Properties(string idOrToken, string pin)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return BlynkPins.TryParse(pin, out var n) && device.Pins.TryGetValue(n, out var ds)
                ? new Dictionary<string, string>(ds.Properties)
                : new Dictionary<string, string>();
        }
    }

    public DateTimeOffset? LastUpdate(string idOrToken)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return device.LastUpdate;
        }
    }

    public bool IsOnline(string idOrToken)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return IsOnline(device);
        }
    }

    public IReadOnlyList<LoggedEvent> Events(string idOrToken)
    {
        var device = FindOrThrow(idOrToken);
        lock (_gate)
        {
            return device.Events.ToArray();
        }
    }

    /// <summary>What the Blynk app or web dashboard does when a user flips a switch: an app-side datastream update.</summary>
    public string SwitchFromApp(string idOrToken, string pin, string value)
    {
        var device = FindOrThrow(idOrToken);
        DatastreamUpdate update;
        lock (_gate)
        {
            if (!BlynkPins.TryParse(pin, out var n) || !device.Pins.TryGetValue(n, out var ds))
            {
                throw new ArgumentException($"Device {device.Device.Id} has no datastream {pin}.", nameof(pin));
            }

            var stored = DatastreamValueParser.Parse(ds.Options, value, Behaviour)
                         ?? throw new ArgumentException($"'{value}' does not match {pin} ({ds.Options.Type}).", nameof(value));
            update = new DatastreamUpdate(device.Device, device.Template, ds.Options, ds.Value, stored, WriteSource.App, Now);
            ds.Write(stored, Now);
        }

        var pinName = BlynkPins.Name(update.Datastream.PinNumber);
        _services.Journal.Record(new Hop
        {
            Kind = HopKind.DatastreamWrite, Source = Hop.BlynkApp, Target = $"Blynk device {device.Device.Id}", Pin = pinName,
            Payload = $"{pinName}={update.NewValue}", Reason = "app-side datastream update",
        });
        _onUpdated([update]);
        return update.NewValue;
    }

    /// <summary>Serves one device HTTPS API request (contracts.md §5).</summary>
    public DeviceApiResponse Handle(DeviceApiRequest request)
    {
        var endpoint = request.Path["/external/api/".Length..];
        var token = request.Get("token");
        var device = token is null ? null : Find(token, tokenOnly: true);
        DeviceApiResponse response;
        var updates = new List<DatastreamUpdate>();
        if (device is null)
        {
            response = DeviceApiResponse.Error(BlynkErrors.InvalidToken);
        }
        else if (WrongRegion(request.Host, device) is { } rightRegion)
        {
            response = DeviceApiResponse.Redirect($"https://{rightRegion}{request.PathAndQuery}");
        }
        else
        {
            lock (_gate)
            {
                response = endpoint switch
                {
                    "batch/update" => Write(device, request, batch: true, updates),
                    "update" => Write(device, request, batch: false, updates),
                    "get" => Get(device, request),
                    "getAll" => GetAll(device),
                    "isHardwareConnected" => DeviceApiResponse.Text(IsOnline(device) ? "true" : "false"),
                    "update/property" => UpdateProperty(device, request),
                    "logEvent" => LogEvent(device, request),
                    "provision" => DeviceApiResponse.Ok, // 200; only "Invalid token." is documented (contracts.md §5.1)
                    _ => new DeviceApiResponse(404, "Not found", "text/plain"),
                };
            }
        }

        if (endpoint is "batch/update" or "update")
        {
            var reason = response.Status switch
            {
                200 => updates.Count == 0 ? "nothing changed" : Stored(updates),
                308 => "wrong region",
                _ => ErrorMessage(response),
            };
            _services.Journal.Record(new Hop
            {
                Kind = HopKind.DatastreamWrite, Source = "HTTPS API client", Target = request.Host, Payload = request.RawQuery,
                Outcome = response.Status == 200 ? HopOutcome.Delivered : HopOutcome.Rejected, Reason = reason,
                Http = new HttpExchange("GET", request.Url("https"))
                {
                    Status = response.Status, Location = response.Location, ResponseBody = response.Body,
                },
            });
        }

        if (updates.Count > 0)
        {
            _onUpdated(updates);
        }

        return response;
    }

    // "stored V6=…, V14=1": one string per write (was one per pin, a LINQ closure and a join).
    private static string Stored(List<DatastreamUpdate> updates)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendLiteral("stored ");
        for (var i = 0; i < updates.Count; i++)
        {
            text.AppendLiteral(i == 0 ? "V" : ", V");
            text.AppendFormatted(updates[i].Datastream.PinNumber);
            text.AppendLiteral("=");
            text.AppendLiteral(updates[i].NewValue);
        }

        return text.ToStringAndClear();
    }

    private static string ErrorMessage(DeviceApiResponse response)
    {
        if (response.Body is null)
        {
            return "";
        }

        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            return doc.RootElement.GetProperty("error").GetProperty("message").GetString() ?? response.Body;
        }
        catch (JsonException)
        {
            return response.Body;
        }
        catch (KeyNotFoundException)
        {
            return response.Body;
        }
    }

    /// <summary>The region the request should have gone to, or null when it reached the right server.</summary>
    private string? WrongRegion(string host, DeviceState device)
    {
        if (Behaviour.DirectAccessHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var reached = string.Equals(host, BlynkRegions.GeoDns, StringComparison.OrdinalIgnoreCase)
            ? Behaviour.GeoDnsRegion ?? device.Device.RegionHost
            : host;
        return string.Equals(reached, device.Device.RegionHost, StringComparison.OrdinalIgnoreCase) ? null : device.Device.RegionHost;
    }

    private DeviceApiResponse Write(DeviceState device, DeviceApiRequest request, bool batch, List<DatastreamUpdate> updates)
    {
        // Each section of the docs has its own text: batch and update's dataStreamId section without the period,
        // update's {pin}= section with it (update-datastream-value.md contradicts itself; we follow each section).
        var mismatch = batch || request.Get("dataStreamId") is not null ? BlynkErrors.TypeMismatchBatch : BlynkErrors.TypeMismatchUpdate;
        var writes = new List<(DatastreamState State, string Value)>();
        string? error = null;
        var args = request.Parameters.Where(p => p.Name != "token").ToList();
        if (!batch)
        {
            // update takes one pin: {pin}={value}, pin=Vx&value=…, or dataStreamId=…&value=…
            if (request.Get("dataStreamId") is { } dsId)
            {
                if (!int.TryParse(dsId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return DeviceApiResponse.Error(BlynkErrors.WrongDataStreamId);
                }

                var byId = device.Pins.Values.FirstOrDefault(p => (p.Options.Id ?? p.Options.PinNumber) == id);
                args = byId is null ? [] : [new QueryParameter(BlynkPins.Name(byId.Options.PinNumber), request.Get("value") ?? "", true)];
                if (byId is null)
                {
                    return DeviceApiResponse.Error(BlynkErrors.NoDatastream);
                }
            }
            else if (request.Get("pin") is { } pinName)
            {
                args = [new QueryParameter(pinName, request.Get("value") ?? "", true)];
            }
            else
            {
                args = args.Take(1).ToList();
            }

            if (args.Count == 0)
            {
                return DeviceApiResponse.Error(BlynkErrors.WrongPinFormat);
            }
        }

        foreach (var arg in args)
        {
            string? failure = null;
            if (!BlynkPins.TryParse(arg.Name, out var pin))
            {
                failure = BlynkErrors.WrongPinFormat;
            }
            else if (!device.Pins.TryGetValue(pin, out var ds))
            {
                failure = BlynkErrors.NoDatastream;
            }
            else if (DatastreamValueParser.Parse(ds.Options, arg.Value, Behaviour) is { } stored)
            {
                writes.Add((ds, stored));
            }
            else
            {
                failure = mismatch;
            }

            if (failure is not null)
            {
                error ??= failure;
                if (Behaviour.BatchWithBadPin == BatchWithBadPin.RejectAll)
                {
                    return DeviceApiResponse.Error(error);
                }
            }
        }

        var now = Now;
        foreach (var (ds, value) in writes)
        {
            updates.Add(new DatastreamUpdate(device.Device, device.Template, ds.Options, ds.Value, value, WriteSource.HttpApi, now));
            ds.Write(value, now);
        }

        if (writes.Count > 0)
        {
            // "Last Update" and the online window move only on accepted data (contracts.md §8; 400s do not, UNCONFIRMED).
            device.LastUpdate = now;
            device.LastReport = now;
        }

        return error is null ? DeviceApiResponse.Ok : DeviceApiResponse.Error(error);
    }

    private static DeviceApiResponse Get(DeviceState device, DeviceApiRequest request)
    {
        var pins = new List<DatastreamState>();
        if (request.Get("dataStreamId") is { } dsId)
        {
            var found = int.TryParse(dsId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? device.Pins.Values.FirstOrDefault(p => (p.Options.Id ?? p.Options.PinNumber) == id)
                : null;
            if (found is null)
            {
                return DeviceApiResponse.Error(BlynkErrors.DatastreamMissing(device.Template.Name));
            }

            pins.Add(found);
        }

        foreach (var p in request.Parameters.Where(p => p.Name is not "token" and not "dataStreamId"))
        {
            if (!BlynkPins.TryParse(p.Name, out var pin))
            {
                return DeviceApiResponse.Error(BlynkErrors.WrongPinFormat);
            }

            if (!device.Pins.TryGetValue(pin, out var ds))
            {
                return DeviceApiResponse.Error(BlynkErrors.DatastreamMissing(device.Template.Name));
            }

            if (!pins.Contains(ds))
            {
                pins.Add(ds); // V16&v16 names one pin: one key in the JSON object
            }
        }

        if (pins.Count == 0)
        {
            return DeviceApiResponse.Error(BlynkErrors.WrongPinFormat);
        }

        // One pin: the value as text. Several pins: a JSON object keyed by pin, typed as getAll types it
        // (get-multiple-datastream-values.md: {"v1":1.0,"v2":2,"v3":3,"v4":"string pin"}).
        return pins.Count == 1
            ? DeviceApiResponse.Text(pins[0].Value ?? "")
            : DeviceApiResponse.Json(JsonObjectOf(pins));
    }

    private static string JsonObjectOf(IEnumerable<DatastreamState> pins)
    {
        var json = new StringBuilder("{");
        foreach (var ds in pins)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(CultureInfo.InvariantCulture, $"\"v{ds.Options.PinNumber}\":");
            json.Append(ds.Value is null ? "null" : ds.Options.Type switch
            {
                DatastreamType.String => JsonSerializer.Serialize(ds.Value),
                DatastreamType.Double => ds.Value.Contains('.', StringComparison.Ordinal) || ds.Value.Contains('E', StringComparison.Ordinal) ? ds.Value : ds.Value + ".0",
                _ => ds.Value,
            });
        }

        return json.Append('}').ToString();
    }

    private static DeviceApiResponse GetAll(DeviceState device) =>
        DeviceApiResponse.Json(JsonObjectOf(device.Pins.Values.Where(p => p.Value is not null).OrderBy(p => p.Options.PinNumber)));

    private DeviceApiResponse UpdateProperty(DeviceState device, DeviceApiRequest request)
    {
        if (!BlynkPins.TryParse(request.Get("pin"), out var pin))
        {
            return DeviceApiResponse.Error(BlynkErrors.WrongPinFormat);
        }

        if (!device.Pins.TryGetValue(pin, out var ds))
        {
            return DeviceApiResponse.Error(BlynkErrors.NoDatastream);
        }

        var properties = request.Parameters.Where(p => p.Name is not "token" and not "pin").ToList();
        if (properties.Any(p => p.Name is "isDisabled" or "isHidden" && p.Value is not ("true" or "false")))
        {
            return DeviceApiResponse.Error(BlynkErrors.TypeMismatchBatch);
        }

        // Bounded: a value is cut as a String value is (MaxStringBytes), and past PropertiesPerDatastream names a new one is
        // refused (UNCONFIRMED: the docs list about 20 properties and say nothing of others).
        if (properties.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count(n => !ds.Properties.ContainsKey(n)) + ds.Properties.Count > _options.Limits.PropertiesPerDatastream)
        {
            return DeviceApiResponse.Error(BlynkErrors.TypeMismatchBatch);
        }

        foreach (var p in properties)
        {
            ds.Properties[p.Name] = Fit(p.Value);
        }

        return DeviceApiResponse.Ok;
    }

    private DeviceApiResponse LogEvent(DeviceState device, DeviceApiRequest request)
    {
        var code = request.Get("code");
        if (string.IsNullOrEmpty(code))
        {
            return DeviceApiResponse.Error(BlynkErrors.EventCodeMissing);
        }

        if (!device.Template.EventCodes.Contains(code, StringComparer.Ordinal))
        {
            return DeviceApiResponse.Error(BlynkErrors.EventCodeUnknown);
        }

        device.Events.Add(new LoggedEvent(Now, device.Device.Id, code, request.Get("description") is { } d ? Fit(d) : null));
        if (device.Events.Count > _options.Limits.LoggedEvents)
        {
            device.Events.RemoveRange(0, Math.Max(1, _options.Limits.LoggedEvents / 10)); // the oldest tenth at once
        }

        device.LastReport = Now;
        return DeviceApiResponse.Ok;
    }

    private static readonly DatastreamOptions KeptText = new() { Pin = "V0", Type = DatastreamType.String };

    // A text the mock keeps (a property value, an event description): cut as a String datastream value is cut.
    private string Fit(string value) => DatastreamValueParser.Parse(KeptText, value, Behaviour with { StringOverLimit = StringOverLimit.Truncate })!;

    private bool IsOnline(DeviceState device) =>
        device.Template.LogWhenDeviceReportsAnyData && device.LastReport is { } at && Now - at < device.Template.OfflineWaitPeriod;

    private DeviceState? Find(string idOrToken, bool tokenOnly = false)
    {
        if (_byToken.TryGetValue(idOrToken, out var byToken))
        {
            return byToken;
        }

        return !tokenOnly && int.TryParse(idOrToken, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _byId.TryGetValue(id, out var byId)
            ? byId
            : null;
    }

    private DeviceState FindOrThrow(string idOrToken) =>
        Find(idOrToken) ?? throw new KeyNotFoundException($"No Blynk device with id or token '{idOrToken}'.");

    private sealed class DeviceState(DeviceOptions device, TemplateOptions template, int historyPoints)
    {
        public DeviceOptions Device { get; } = device;

        public TemplateOptions Template { get; } = template;

        public Dictionary<int, DatastreamState> Pins { get; } = template.Datastreams.ToDictionary(d => d.PinNumber, d => new DatastreamState(d, historyPoints));

        public DateTimeOffset? LastUpdate { get; set; }

        public DateTimeOffset? LastReport { get; set; }

        public List<LoggedEvent> Events { get; } = [];
    }
}
