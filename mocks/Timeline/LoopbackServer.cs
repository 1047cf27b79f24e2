using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
/// </summary>
public static class LoopbackServer
{
    /// <summary>Starts a server; <paramref name="middleware"/> goes in front of WireMock's own (SSE, fault injection).</summary>
    public static WireMockServer Start(
        int port = 0,
        Action<IApplicationBuilder>? middleware = null,
        int? maxRequestLogCount = null,
        WorkTracker? work = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            // WireMock turns "127.0.0.1" with a fixed port into ListenLocalhost (127.0.0.1 and ::1); any other spelling of the
            // address is parsed and bound as given (AspNetCoreSelfHost.Listen). "127.0.0.01" is 127.0.0.1 to IPAddress.Parse.
            Urls = [string.Create(CultureInfo.InvariantCulture, $"http://{(port == 0 ? "127.0.0.1" : "127.0.0.01")}:{port}")],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = maxRequestLogCount,
            PreWireMockMiddlewareInit = app =>
            {
                var builder = (IApplicationBuilder)app;
                if (work is not null)
                {
                    builder.Use((HttpContext context, RequestDelegate next) => RunAsHarnessFlow(work, context, next));
                }

                middleware?.Invoke(builder);
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

    private static Task RunAsHarnessFlow(WorkTracker work, HttpContext context, RequestDelegate next)
    {
        var flow = context.Request.Headers[WorkTracker.FlowHeader].ToString();
        return flow.Length == 0 || work.IsLive(flow)
            ? next(context)
            : work.RunExternal(flow, $"{context.Request.Method} {context.Request.Path}", () => next(context));
    }
}
