using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Api;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// The running Particle Cloud mock: the REST API and event streams on a WireMock.Net server bound to 127.0.0.1 on a free
/// port, the in-process device gateway, the event bus and the webhook engine, all on the harness's clock and journal.
/// </summary>
public sealed class ParticleCloud : IAsyncDisposable
{
    private readonly ParticleCloudModel _model;
    private readonly HarnessServices _services;
    private readonly ParticleApi _api;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly WireMockServer _server;
    private readonly EventStreamEndpoint _streams;
    private int _disposed;

    private ParticleCloud(ParticleCloudOptions options, HarnessServices services, int port)
    {
        _services = services;
        _model = new ParticleCloudModel(options, services);
        _api = new ParticleApi(_model, _shutdown.Token);
        DeviceGateway = new DeviceGateway(_model);
        ApiFaults = new HttpFaults(services.Work);
        var streams = new EventStreamEndpoint(_model, _shutdown.Token);
        _streams = streams;
        var limits = options.Limits;
        FrontDoor = new FrontDoor(
            limits.MaxRequestBodyBytes,
            new RequestLog(limits.RequestLogEntries, limits.LoggedBodyBytes),
            services.Time,
            (status, message) => ApiResponse.Error(status, message).Body);
        var rest = new RestEndpoint(_model, _api, FrontDoor);
        _server = LoopbackServer.Start(
            port,
            app => app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                if (EventStreamEndpoint.Handles(context.Request))
                {
                    await ParticleContractMutations.RunEventStreamAsync(options.Mutations, context, () => streams.HandleAsync(context)).ConfigureAwait(false);
                    return;
                }

                if (context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) && await ApiFaults.ApplyAsync(context, _shutdown.Token).ConfigureAwait(false))
                {
                    return;
                }

                if (RestEndpoint.Handles(context.Request))
                {
                    await rest.HandleAsync(context).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            }),
            maxRequestLogCount: limits.WireMockLogEntries,
            work: services.Work,
            frontDoor: FrontDoor);
        MapApi();
        Url = LoopbackServer.UrlOf(_server);
    }

    /// <summary>Validates <paramref name="options"/> and starts the mock on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public static Task<ParticleCloud> StartAsync(ParticleCloudOptions options, HarnessServices services, int port = 0) =>
        Task.FromResult(new ParticleCloud(new ParticleCloudBuilder(options).Build(), services, port));

    /// <summary>Routes api.particle.io to this mock in the harness host map.</summary>
    public ParticleCloud MapHosts()
    {
        _services.Hosts.Map("api.particle.io", Url);
        return this;
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:41234 (map api.particle.io to it in the host map).</summary>
    public Uri Url { get; }

    /// <summary>Where emulated devices connect in-process.</summary>
    public IParticleCloudLink DeviceGateway { get; }

    public ParticleCloudOptions Options => _model.Options;

    /// <summary>The event bus: every event, in-process subscriptions (also what the SSE endpoint reads).</summary>
    public ParticleEventBus Bus => _model.Bus;

    /// <summary>Every event the cloud has seen, in order (the last <see cref="ParticleLimits.EventHistory"/>: <see cref="ParticleEventBus.Dropped"/> says how many older ones went).</summary>
    public IReadOnlyList<ParticleEvent> Events => _model.Bus.Events;

    public DeviceRegistry Devices => _model.Registry;

    /// <summary>The WireMock server behind the API (extra mappings for paths the API does not serve). Its own request log is off: see <see cref="Requests"/>.</summary>
    public WireMockServer Server => _server;

    /// <summary>What every request meets first: Host check, body limit, Kestrel's refusals, the last-resort guard (<see cref="Timeline.FrontDoor"/>).</summary>
    public FrontDoor FrontDoor { get; }

    /// <summary>The last requests (bounded: <see cref="ParticleLimits.RequestLogEntries"/>, each body cut to <see cref="ParticleLimits.LoggedBodyBytes"/>).</summary>
    public RequestLog Requests => FrontDoor.Requests;

    /// <summary>The fault the REST API shows (not the event streams: <see cref="DropEventStreams"/>).</summary>
    public HttpFaults ApiFaults { get; }

    /// <summary>
    /// Closes every open event stream now and refuses new ones until <see cref="RestoreEventStreams"/>: a reader
    /// reconnects and misses what was published meanwhile (Particle keeps no backlog).
    /// </summary>
    public void DropEventStreams() => _streams.Drop();

    public void RestoreEventStreams() => _streams.Restore();

    /// <summary>Events from now on whose name starts with <paramref name="prefix"/>, until cancelled.</summary>
    public IAsyncEnumerable<ParticleEvent> SubscribeAsync(string prefix, CancellationToken cancellationToken = default) =>
        _model.Bus.SubscribeAsync(prefix, cancellationToken);

    /// <summary>Makes the cloud treat a device as offline (calls answer the offline response) or online again.</summary>
    public void SetDeviceOnline(string deviceId, bool online)
    {
        var device = _model.Registry.ById(deviceId) ?? throw new ArgumentException($"Device {deviceId} is not claimed.", nameof(deviceId));
        device.ForcedOffline = !online;
    }

    /// <summary>
    /// Stops the mock. Calls still waiting for a device are answered first (503), so the server's stop does not sit out
    /// Kestrel's 30 s wall-clock shutdown timeout waiting for handlers that only virtual time would finish. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _model.Bus.CompleteAll();
        _server.Stop();
        _server.Dispose();
        _model.Webhooks.Dispose();
        _shutdown.Dispose();
    }

    // The REST API and the event streams are served in front of WireMock (RestEndpoint, EventStreamEndpoint); what is left
    // is not the API: 404 in its error shape.
    private void MapApi() =>
        _server
            .Given(Request.Create().UsingAnyMethod())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.NotFound).WithHeader("Content-Type", "application/json").WithBody("""{"ok":false,"error":"Not found"}"""));
}
