using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace ParticleBlynk.Timeline;

/// <summary>
/// The one way a mock starts its WireMock.Net front: on 127.0.0.1 only, on the port asked for (0 = a free one), quiet,
/// no admin interface. Without an explicit IP literal WireMock listens on http://*:port (every interface), and
/// "localhost" also binds ::1 — so the binding rule lives here, not in each mock. With a <see cref="WorkTracker"/>, a
/// request that names a harness flow the tracker does not know (a harness in another process, X-Harness-Flow) runs as
/// that flow, so a clock driven from outside waits for it.
/// <para>
/// Every request meets the <see cref="FrontDoor"/> first (Host, body limit, Kestrel's refusals, the request log, the
/// last-resort guard), then the mock's <c>middleware</c> (its own endpoints), and only then WireMock — whose request mapping
/// throws on inputs Kestrel accepts, so what reaches it is checked for those first (<see cref="WireMockProblem"/>). Kestrel's
/// limits are restored (WireMock lifts them): the body limit is the front door's, request and response buffering bounded.
/// </para>
/// </summary>
public static class LoopbackServer
{
    /// <summary>Kestrel's own default (WireMock sets it unbounded): how much of a request Kestrel buffers ahead of the reader.</summary>
    public const long MaxRequestBufferBytes = 1024 * 1024;

    /// <summary>Kestrel's own default (WireMock sets it unbounded): how much of a response is buffered before a write waits.</summary>
    public const long MaxResponseBufferBytes = 64 * 1024;

    /// <summary>
    /// The largest body that reaches WireMock (its mappings: the dashboard, unknown paths), whatever the server's limit:
    /// WireMock keeps each body it logs several times over (bytes, text), so its log stays small only if its bodies do.
    /// </summary>
    public const long MaxWireMockBodyBytes = 64 * 1024;

    /// <summary>Requests WireMock's own log keeps by default (whole requests, bodies included; the front door's log keeps every request's summary).</summary>
    public const int DefaultWireMockLogEntries = 100;

    /// <summary>Starts a server; <paramref name="middleware"/> goes in front of WireMock's own (the mock's endpoints, SSE, fault injection).</summary>
    /// <param name="port">127.0.0.1 port; 0: a free one.</param>
    /// <param name="middleware">The mock's own middleware, after the front door and before WireMock.</param>
    /// <param name="maxRequestLogCount">Requests WireMock's own log keeps (whole, bodies included: at most <see cref="MaxWireMockBodyBytes"/> each); default <see cref="DefaultWireMockLogEntries"/>. <see cref="FrontDoor.Requests"/> logs every request.</param>
    /// <param name="work">Runs requests that name an unknown harness flow as that flow.</param>
    /// <param name="frontDoor">The mock's front door; default: a 1 MiB body limit, the last 100 requests, {"error":"…"} bodies.</param>
    public static WireMockServer Start(
        int port = 0,
        Action<IApplicationBuilder>? middleware = null,
        int? maxRequestLogCount = null,
        WorkTracker? work = null,
        FrontDoor? frontDoor = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var door = frontDoor ?? new FrontDoor(1024 * 1024, new RequestLog(100, 1024), TimeProvider.System, DefaultErrorBody);
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            // WireMock turns "127.0.0.1" with a fixed port into ListenLocalhost (127.0.0.1 and ::1); any other spelling of the
            // address is parsed and bound as given (AspNetCoreSelfHost.Listen). "127.0.0.01" is 127.0.0.1 to IPAddress.Parse.
            Urls = [string.Create(CultureInfo.InvariantCulture, $"http://{(port == 0 ? "127.0.0.1" : "127.0.0.01")}:{port}")],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = maxRequestLogCount ?? DefaultWireMockLogEntries,
            // WireMock would inflate a gzip body whatever its size (and throw on a broken one), and parse JSON bodies into a
            // Newtonsoft tree no mapping here reads: the mocks read bodies themselves.
            DisableRequestBodyDecompressing = true,
            DisableJsonBodyParsing = true,
            // WireMock's own ASP.NET logger provider only hands Kestrel's messages to WireMock's logger — null here — but being
            // enabled for Critical it made ASP.NET start an Activity and a log scope for every request. Without it: neither.
            AdditionalServiceRegistration = services => services.RemoveAll<Microsoft.Extensions.Logging.ILoggerProvider>().PostConfigure<KestrelServerOptions>(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = door.MaxRequestBodyBytes;
                kestrel.Limits.MaxRequestBufferSize = MaxRequestBufferBytes;
                kestrel.Limits.MaxResponseBufferSize = MaxResponseBufferBytes;
            }).PostConfigure<SocketTransportOptions>(sockets =>
            {
                // A request is handled on the thread its bytes arrived on, and an answer written on the thread that wrote it,
                // instead of each being queued to another thread first (two thread hops per request on loopback). Safe here:
                // no handler of a mock blocks (every wait is awaited, Kestrel forbids synchronous body I/O).
                sockets.UnsafePreferInlineScheduling = true;
            }),
            PreWireMockMiddlewareInit = app =>
            {
                var builder = (IApplicationBuilder)app;
                builder.Use(door.InvokeAsync);
                if (work is not null)
                {
                    builder.Use((HttpContext context, RequestDelegate next) => RunAsHarnessFlow(work, context, next));
                }

                middleware?.Invoke(builder);
                builder.Use(async (HttpContext context, RequestDelegate next) =>
                {
                    if (WireMockProblem(context.Request) is { } problem)
                    {
                        await door.RefuseAsync(context, 400, problem).ConfigureAwait(false);
                        return;
                    }

                    var limit = Math.Min(door.MaxRequestBodyBytes, MaxWireMockBodyBytes);
                    if (context.Request.ContentLength > limit)
                    {
                        await door.RefuseAsync(context, 413, string.Create(CultureInfo.InvariantCulture, $"Request body of {context.Request.ContentLength} bytes is over the limit of {limit} bytes"), close: true).ConfigureAwait(false);
                        return;
                    }

                    if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                    {
                        size.MaxRequestBodySize = limit; // a chunked body too: Kestrel throws 413 past it, the front door answers it
                    }

                    await next(context).ConfigureAwait(false);
                });
            },
        });
        if (server.Ports.Count == 0 || server.Ports[0] == 0)
        {
            server.Stop();
            throw new InvalidOperationException("WireMock did not report the port it bound.");
        }

        return server;
    }

    /// <summary>
    /// The server's base URL with a trailing slash, always on 127.0.0.1 (WireMock reports "localhost" for a fixed port,
    /// which a client may resolve to ::1 — where nothing listens).
    /// </summary>
    public static Uri UrlOf(WireMockServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{server.Ports[0]}/"));
    }

    /// <summary>The error body of a server started without a front door of its own: {"error":"…"}.</summary>
    public static string DefaultErrorBody(int status, string message) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message });

    /// <summary>
    /// Why WireMock's request mapping would throw on this request, or null. Its query parser (QueryStringParser.Parse, run
    /// on every request) splits on '&amp;' and ';', then throws IndexOutOfRangeException on a parameter made only of '='
    /// ("?=", "…&amp;V16&amp;=") and ArgumentException on two names that differ only in case ("?a=1&amp;A=2").
    /// </summary>
    public static string? WireMockProblem(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.QueryString.Value;
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        // WireMock reads the query of new Uri(GetEncodedUrl()), which may normalise it: read the same.
        var query = Uri.TryCreate(Microsoft.AspNetCore.Http.Extensions.UriHelper.GetEncodedUrl(request), UriKind.Absolute, out var uri) ? uri.Query : raw;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in query.TrimStart('?').Split(['&', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = parameter.Split('=', 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                return "A query parameter has no name";
            }

            names.Add(parts[0]);
        }

        return names.Count == new HashSet<string>(names, StringComparer.OrdinalIgnoreCase).Count
            ? null
            : "Query parameter names differ only in letter case";
    }

    private static Task RunAsHarnessFlow(WorkTracker work, HttpContext context, RequestDelegate next)
    {
        var flow = context.Request.Headers[WorkTracker.FlowHeader].ToString();
        return flow.Length == 0 || work.IsLive(flow)
            ? next(context)
            : work.RunExternal(flow, $"{context.Request.Method} {context.Request.Path}", () => next(context));
    }
}
