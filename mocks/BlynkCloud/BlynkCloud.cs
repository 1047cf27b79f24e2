using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// The running Blynk.Cloud mock: the device HTTPS API, datastreams, webhooks and a web dashboard, served by a
/// WireMock.Net server on 127.0.0.1 and a random free port; behaviour lives in plain C# models behind it.
/// </summary>
public sealed partial class BlynkCloud : IAsyncDisposable
{
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
        ApiFaults = new HttpFaults(services.Work);
        _model = new BlynkCloudModel(options, services, _webhooks.OnUpdated);
        FrontDoor = new FrontDoor(
            options.Limits.MaxRequestBodyBytes,
            new RequestLog(options.Limits.RequestLogEntries, options.Limits.LoggedBodyBytes),
            services.Time,
            (_, message) => DeviceApiResponse.Error(message).Body!);
    }

    public BlynkCloudOptions Options { get; }

    /// <summary>Base URL, http://127.0.0.1:port/. Map the Blynk host names to it in the harness HostMap (<see cref="MapHosts"/>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The WireMock server behind the device API (the dashboard, extra mappings). Its own request log is off: see <see cref="Requests"/>.</summary>
    public WireMockServer Server => _server ?? throw new ObjectDisposedException(nameof(BlynkCloud));

    /// <summary>What every request meets first: Host check, body limit, Kestrel's refusals, the last-resort guard (<see cref="Timeline.FrontDoor"/>).</summary>
    public FrontDoor FrontDoor { get; }

    /// <summary>The last requests (bounded: <see cref="BlynkLimits.RequestLogEntries"/>, each body cut to <see cref="BlynkLimits.LoggedBodyBytes"/>).</summary>
    public RequestLog Requests => FrontDoor.Requests;

    /// <summary>
    /// Modelled response latency of the device HTTPS API writes (update, batch/update) on the harness clock (zero = answer at once). The caller's
    /// harness flow (X-Harness-Flow) is parked meanwhile, so a virtual clock jumps over it.
    /// </summary>
    public TimeSpan ResponseLatency
    {
        get => _latency;
        set => _latency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>A fault of the device HTTPS API (/external/…): an error status, a reset, a delay before handling.</summary>
    public HttpFaults ApiFaults { get; }

    /// <summary>The webhooks' quota: used up now (a fault), or whole again.</summary>
    public void UseUpWebhookQuota() => _webhooks.UseUpQuota();

    public void ResetWebhookQuota() => _webhooks.ResetQuota();

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

    /// <summary>What the Blynk app / web dashboard does on a switch: an app-side datastream update (fires webhooks). Returns the stored value.</summary>
    public string SwitchFromApp(string deviceIdOrToken, string pin, string value) => _model.SwitchFromApp(deviceIdOrToken, pin, value);

    public DatastreamSnapshot? Datastream(string deviceIdOrToken, string pin) => _model.Datastream(deviceIdOrToken, pin);

    public string? Value(string deviceIdOrToken, string pin) => _model.Current(deviceIdOrToken, pin)?.Value;

    public DateTimeOffset? UpdatedAt(string deviceIdOrToken, string pin) => _model.Current(deviceIdOrToken, pin)?.UpdatedAt;

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
        _model.CurrentValues(deviceId.ToString(CultureInfo.InvariantCulture));

    private void Start(int port)
    {
        _server = LoopbackServer.Start(
            port,
            app =>
            {
                app.Use(AbortWhenUnreachable);
                app.Use(async (HttpContext context, RequestDelegate next) =>
                {
                    if (IsDeviceApi(context.Request))
                    {
                        await ServeDeviceApiAsync(context).ConfigureAwait(false); // Api/BlynkCloud.DeviceApi.cs
                        return;
                    }

                    await next(context).ConfigureAwait(false);
                });
            },
            maxRequestLogCount: Options.Limits.WireMockLogEntries,
            work: _services.Work,
            frontDoor: FrontDoor);
        Url = LoopbackServer.UrlOf(_server);

        MapDashboard(_server); // Dashboard/BlynkCloud.Dashboard.cs

        // Neither the device API nor the dashboard: 404 in Blynk's error shape (UNCONFIRMED: the docs show 400s only).
        _server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(DeviceApiResponse.Error("Not found.").Body!));
    }

    private async Task AbortWhenUnreachable(HttpContext context, Func<Task> next)
    {
        if (_unreachable && context.Request.Path.StartsWithSegments("/external", StringComparison.Ordinal))
        {
            context.Abort();
            return;
        }

        if (context.Request.Path.StartsWithSegments("/external", StringComparison.Ordinal) && await ApiFaults.ApplyAsync(context, _stopping.Token).ConfigureAwait(false))
        {
            return;
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits <paramref name="latency"/> of harness time with the CALLER's flow parked (its id comes in X-Harness-Flow).
    /// The timer is armed before the park, so the clock cannot look for the next event in between; the park is taken and
    /// released through a <see cref="ParkSlot"/> (taken under its lock, disposed synchronously in the timer callback).
    /// Taking the park before recording it let the timer fire in between, find nothing to release, and leave the flow
    /// parked while the clock ran on to its limit (CI, 2026-12-02: "Still waiting after 60 s … parked (Blynk modelled latency)").
    /// </summary>
    private async Task ModelledLatencyAsync(string? flow, TimeSpan latency)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slot = new ParkSlot();
        using var timer = _services.Time.CreateTimer(
            _ =>
            {
                slot.Release();
                done.TrySetResult();
            },
            null,
            latency,
            Timeout.InfiniteTimeSpan);
        // Only the caller's flow (from its header) is parked; "" parks nothing — never whatever flow this Kestrel thread carries.
        slot.Hold(() => _services.Work.Park(flow ?? "", "Blynk modelled latency"));
        using var stop = _stopping.Token.Register(() =>
        {
            slot.Release();
            done.TrySetResult();
        });
        await done.Task.ConfigureAwait(false);
    }
}
