using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Timeline;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// The running Blynk.Cloud mock: the device HTTPS API, datastreams, webhooks and a web dashboard, served by a
/// WireMock.Net server on 127.0.0.1 and a random free port; behaviour lives in plain C# models behind it.
/// </summary>
public sealed class BlynkCloud : IAsyncDisposable
{
    private static readonly string[] DeviceApiEndpoints =
        ["batch/update", "update", "get", "getAll", "isHardwareConnected", "update/property", "logEvent", "provision"];

    private readonly HarnessServices _services;
    private readonly BlynkCloudModel _model;
    private readonly WebhookEngine _webhooks;
    private readonly CancellationTokenSource _stopping = new();
    private WireMockServer? _server;
    private TimeSpan _latency;
    private volatile bool _unreachable;
    private int _disposed;

    private BlynkCloud(BlynkCloudOptions options, HarnessServices services)
    {
        Options = options;
        _services = services;
        _webhooks = new WebhookEngine(options, services, CurrentValues);
        _model = new BlynkCloudModel(options, services, _webhooks.OnUpdated);
    }

    public BlynkCloudOptions Options { get; }

    /// <summary>Base URL, http://127.0.0.1:port/. Map the Blynk host names to it in the harness HostMap (<see cref="MapHosts"/>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The WireMock server (request log, extra mappings for fault injection).</summary>
    public WireMockServer Server => _server ?? throw new ObjectDisposedException(nameof(BlynkCloud));

    /// <summary>
    /// Modelled response latency of the device HTTPS API writes (update, batch/update) on the harness clock (zero = answer at once). The caller's
    /// harness flow (X-Harness-Flow) is parked meanwhile, so a virtual clock jumps over it.
    /// </summary>
    public TimeSpan ResponseLatency
    {
        get => _latency;
        set => _latency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>When true, every request to the device HTTPS API has its connection aborted before any answer (connection reset).</summary>
    public bool Unreachable
    {
        get => _unreachable;
        set => _unreachable = value;
    }

    /// <summary>Validates <paramref name="options"/> and starts the mock on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public static Task<BlynkCloud> StartAsync(BlynkCloudOptions options, HarnessServices services, int port = 0)
    {
        BlynkCloudBuilder.Validate(options);
        var cloud = new BlynkCloud(options, services);
        cloud.Start(port);
        return Task.FromResult(cloud);
    }

    /// <summary>Routes every Blynk host name (regions and blynk.cloud) to this mock in the harness host map.</summary>
    public BlynkCloud MapHosts()
    {
        foreach (var host in BlynkRegions.AllHosts)
        {
            _services.Hosts.Map(host, Url);
        }

        return this;
    }

    /// <summary>The live web dashboard of a device (by Blynk device id or auth token).</summary>
    public Uri DashboardUrl(string deviceIdOrToken) =>
        _model.TryFind(deviceIdOrToken, out var device)
            ? new Uri(Url, "dashboard/" + device.Id.ToString(CultureInfo.InvariantCulture))
            : throw new KeyNotFoundException($"No Blynk device '{deviceIdOrToken}'.");

    public Uri DashboardUrl(int deviceId) => DashboardUrl(deviceId.ToString(CultureInfo.InvariantCulture));

    /// <summary>What the Blynk app / web dashboard does on a switch: an app-side datastream update (fires webhooks). Returns the stored value.</summary>
    public string SwitchFromApp(string deviceIdOrToken, string pin, string value) => _model.SwitchFromApp(deviceIdOrToken, pin, value);

    public DatastreamSnapshot? Datastream(string deviceIdOrToken, string pin) => _model.Datastream(deviceIdOrToken, pin);

    public string? Value(string deviceIdOrToken, string pin) => _model.Datastream(deviceIdOrToken, pin)?.Value;

    public DateTimeOffset? UpdatedAt(string deviceIdOrToken, string pin) => _model.Datastream(deviceIdOrToken, pin)?.UpdatedAt;

    public IReadOnlyList<HistoryPoint> History(string deviceIdOrToken, string pin) => _model.Datastream(deviceIdOrToken, pin)?.History ?? [];

    public IReadOnlyList<DatastreamSnapshot> Datastreams(string deviceIdOrToken) => _model.Datastreams(deviceIdOrToken);

    public IReadOnlyDictionary<string, string> Properties(string deviceIdOrToken, string pin) => _model.Properties(deviceIdOrToken, pin);

    /// <summary>The device's "Last Update": the last accepted device write (null before any).</summary>
    public DateTimeOffset? LastUpdate(string deviceIdOrToken) => _model.LastUpdate(deviceIdOrToken);

    /// <summary>Online per the connection lifecycle: false for HTTP-only devices unless "log when device reports any data" is on.</summary>
    public bool IsOnline(string deviceIdOrToken) => _model.IsOnline(deviceIdOrToken);

    public IReadOnlyList<LoggedEvent> Events(string deviceIdOrToken) => _model.Events(deviceIdOrToken);

    /// <summary>Stops the mock. Idempotent (an <c>await using</c> plus an explicit dispose must not throw).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _server?.Stop();
        _server?.Dispose();
        _server = null;
        _webhooks.Dispose();
        _stopping.Dispose();
    }

    private IReadOnlyDictionary<int, string?> CurrentValues(int deviceId) =>
        _model.Datastreams(deviceId.ToString(CultureInfo.InvariantCulture)).ToDictionary(d => int.Parse(d.Pin[1..], CultureInfo.InvariantCulture), d => d.Value);

    private void Start(int port)
    {
        _server = LoopbackServer.Start(port, app => app.Use(AbortWhenUnreachable), maxRequestLogCount: 1000, work: _services.Work);
        Url = LoopbackServer.UrlOf(_server);

        foreach (var endpoint in DeviceApiEndpoints)
        {
            // ExactMatcher: the HTTPS API is case-sensitive (WireMock's default path matcher ignores case).
            _server.Given(Request.Create().WithPath(new ExactMatcher("/external/api/" + endpoint)).UsingGet())
                .RespondWith(Response.Create().WithCallback(ServeDeviceApiAsync));
        }

        _server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/[^/]+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(ServeDashboardPage));
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/api/[^/]+/state$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(ServeDashboardState));
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/api/[^/]+/pins/[^/]+$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(ServeDashboardSwitch));
    }

    private async Task AbortWhenUnreachable(HttpContext context, Func<Task> next)
    {
        if (_unreachable && context.Request.Path.StartsWithSegments("/external", StringComparison.Ordinal))
        {
            context.Abort();
            return;
        }

        await next().ConfigureAwait(false);
    }

    private async Task<IResponseMessage> ServeDeviceApiAsync(IRequestMessage message)
    {
        var host = HostOf(message);
        var raw = message.RawQuery ?? "";
        var response = _model.Handle(new DeviceApiRequest(host, message.Path, raw.TrimStart('?')));
        // The modelled slowness is the write path's (what the Particle webhook waits for); reads answer at once.
        var latency = message.Path.EndsWith("update", StringComparison.Ordinal) ? _latency : TimeSpan.Zero;
        if (latency > TimeSpan.Zero)
        {
            await ModelledLatencyAsync(message, latency).ConfigureAwait(false);
        }

        var reply = new ResponseMessage { StatusCode = response.Status };
        if (response.Location is not null)
        {
            reply.AddHeader("Location", response.Location);
        }

        if (response.Body is null)
        {
            reply.AddHeader("Content-Length", "0");
        }
        else
        {
            reply.BodyData = new BodyData { BodyAsString = response.Body, DetectedBodyType = BodyType.String, Encoding = new UTF8Encoding(false) };
            reply.AddHeader("Content-Type", response.ContentType ?? "text/plain");
        }

        return reply;
    }

    /// <summary>
    /// Waits <paramref name="latency"/> of harness time with the CALLER's flow parked (its id comes in X-Harness-Flow).
    /// The timer is armed before the park, so the clock cannot look for the next event in between; the park is
    /// disposed synchronously in the timer callback, before the response continues.
    /// </summary>
    private async Task ModelledLatencyAsync(IRequestMessage message, TimeSpan latency)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new object();
        IDisposable? park = null;
        var fired = false;
        using var timer = _services.Time.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    fired = true;
                    park?.Dispose();
                }

                done.TrySetResult();
            },
            null,
            latency,
            Timeout.InfiniteTimeSpan);
        // Only the caller's flow (from its header) is parked; "" parks nothing — never whatever flow this Kestrel thread carries.
        var handle = _services.Work.Park(Header(message, WorkTracker.FlowHeader) ?? "", "Blynk modelled latency");
        lock (gate)
        {
            if (fired)
            {
                handle.Dispose();
            }
            else
            {
                park = handle;
            }
        }

        using var stop = _stopping.Token.Register(() =>
        {
            lock (gate)
            {
                park?.Dispose();
            }

            done.TrySetResult();
        });
        await done.Task.ConfigureAwait(false);
    }

    private IResponseMessage ServeDashboardPage(IRequestMessage message)
    {
        var key = message.Path["/dashboard/".Length..];
        if (!_model.TryFind(key, out var device))
        {
            return Text(404, "text/plain", "No such device");
        }

        var html = DashboardPage.Html.Replace("__DEVICE_ID__", device.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("__DEVICE_NAME__", WebUtility.HtmlEncode(device.Name), StringComparison.Ordinal);
        return Text(200, "text/html; charset=utf-8", html);
    }

    private IResponseMessage ServeDashboardState(IRequestMessage message)
    {
        var key = message.PathSegments[2];
        if (!_model.TryFind(key, out var device))
        {
            return Text(404, "application/json", "{}");
        }

        var id = device.Id.ToString(CultureInfo.InvariantCulture);
        var template = Options.Templates.Single(t => t.Id == device.TemplateId);
        var state = new
        {
            id = device.Id,
            name = device.Name,
            now = _services.Time.GetUtcNow(),
            online = _model.IsOnline(id),
            lastUpdate = _model.LastUpdate(id),
            pins = _model.Datastreams(id).ToDictionary(
                d => d.Pin,
                d => new
                {
                    type = d.Type.ToString(),
                    value = d.Value,
                    updatedAt = d.UpdatedAt,
                    decimals = template.Datastreams.First(x => BlynkPins.Name(x.PinNumber) == d.Pin).Decimals,
                    history = d.History.TakeLast(200).Select(h => new { at = h.At, value = h.Value }),
                }),
        };
        return Text(200, "application/json", JsonSerializer.Serialize(state, BlynkCloudOptions.JsonOptions));
    }

    private IResponseMessage ServeDashboardSwitch(IRequestMessage message)
    {
        var key = message.PathSegments[2];
        var pin = message.PathSegments[4];
        var value = (message.Body ?? "").Trim();
        try
        {
            var stored = _model.SwitchFromApp(key, pin, value);
            return Text(200, "application/json", JsonSerializer.Serialize(new { pin, value = stored }));
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
        {
            return Text(400, "application/json", JsonSerializer.Serialize(new { error = ex.Message }));
        }
    }

    private static ResponseMessage Text(int status, string contentType, string body)
    {
        var reply = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = new UTF8Encoding(false) },
        };
        reply.AddHeader("Content-Type", contentType);
        reply.AddHeader("Cache-Control", "no-store");
        return reply;
    }

    /// <summary>The region server the request reached: its Host header without the port (the harness keeps the original Host).</summary>
    private static string HostOf(IRequestMessage message)
    {
        var host = Header(message, "Host") ?? message.Host;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[..(close + 1)];
        }

        var colon = host.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? host : host[..colon]).ToLowerInvariant();
    }

    private static string? Header(IRequestMessage message, string name) =>
        message.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}
