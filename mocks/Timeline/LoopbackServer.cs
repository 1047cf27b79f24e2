using Microsoft.AspNetCore.Builder;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace ParticleBlynk.Timeline;

/// <summary>
/// The one way a mock starts its WireMock.Net front: on 127.0.0.1 only, on a free port, quiet, no admin interface.
/// Without an explicit IP literal WireMock listens on http://*:port (every interface), and "localhost" or a fixed
/// port on it also binds ::1 — so the binding rule lives here, not in each mock.
/// </summary>
public static class LoopbackServer
{
    /// <summary>Starts a server; <paramref name="middleware"/> goes in front of WireMock's own (SSE, fault injection).</summary>
    public static WireMockServer Start(Action<IApplicationBuilder>? middleware = null, int? maxRequestLogCount = null)
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["http://127.0.0.1:0"],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = maxRequestLogCount,
            PreWireMockMiddlewareInit = middleware is null ? null : app => middleware((IApplicationBuilder)app),
        });
        if (new Uri(server.Urls[0]).Port == 0)
        {
            server.Stop();
            throw new InvalidOperationException("WireMock did not report the port it bound.");
        }

        return server;
    }
}
