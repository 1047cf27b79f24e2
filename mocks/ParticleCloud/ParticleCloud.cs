using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Api;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

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
    private int _disposed;

    private ParticleCloud(ParticleCloudOptions options, HarnessServices services, int port)
    {
        _services = services;
        _model = new ParticleCloudModel(options, services);
        _api = new ParticleApi(_model, _shutdown.Token);
        DeviceGateway = new DeviceGateway(_model);
        var streams = new EventStreamEndpoint(_model, _shutdown.Token);
        _server = LoopbackServer.Start(
            port,
            app => app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                if (EventStreamEndpoint.Handles(context.Request))
                {
                    await streams.HandleAsync(context).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            }),
            work: services.Work);
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

    /// <summary>Every event the cloud has seen, in order.</summary>
    public IReadOnlyList<ParticleEvent> Events => _model.Bus.Events;

    public DeviceRegistry Devices => _model.Registry;

    /// <summary>The WireMock server in front (request log, extra mappings, fault injection).</summary>
    public WireMockServer Server => _server;

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

    private void MapApi()
    {
        _server
            .Given(Request.Create().WithPath(new RegexMatcher("^/v1/.*$")).UsingAnyMethod())
            .AtPriority(10)
            .RespondWith(Response.Create().WithCallback(HandleAsync));
        _server
            .Given(Request.Create().UsingAnyMethod())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.NotFound).WithHeader("Content-Type", "application/json").WithBody("""{"ok":false,"error":"Not found"}"""));
    }

    // The request headers a function-call hop keeps (what scenarios assert on: the Blynk webhook's Bearer token, its body type).
    private static Dictionary<string, string> JournalledHeaders(IRequestMessage message) =>
        (message.Headers ?? new Dictionary<string, WireMockList<string>>())
            .Where(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                        || h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    private async Task<IResponseMessage> HandleAsync(IRequestMessage message)
    {
        string? Header(string name) =>
            message.Headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

        var request = ApiRequest.Create(
            message.Method,
            message.Path,
            message.RawQuery,
            Header("Content-Type"),
            message.BodyAsBytes ?? (message.Body is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : null),
            Header("Authorization"),
            Header(WorkTracker.FlowHeader),
            Header("Host"),
            JournalledHeaders(message));
        var answer = await _api.HandleAsync(request).ConfigureAwait(false);
        return new ResponseMessage
        {
            StatusCode = answer.Status,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(answer.ContentType) },
            BodyData = new BodyData { BodyAsString = answer.Body, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 },
        };
    }
}
