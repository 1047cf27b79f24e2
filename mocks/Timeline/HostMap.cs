using System.Collections.Concurrent;
using System.Net.Security;

namespace ParticleBlynk.Timeline;

/// <summary>
/// Resolves the host names written in webhook definitions (ny3.blynk.cloud, api.particle.io) to the mocks on
/// loopback, so definitions stay verbatim and a wrong host is a finding, not a silent pass (design.md §6).
/// A host mapped to an http:// loopback address stands for a public HTTPS service whose certificate is valid: the
/// harness terminates TLS for it. A host mapped to an https:// address gets real TLS and real validation.
/// </summary>
public sealed class HostMap
{
    private readonly ConcurrentDictionary<string, Uri> _routes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Routes requests for <paramref name="host"/> to <paramref name="target"/> (scheme, loopback host and port).</summary>
    public HostMap Map(string host, Uri target)
    {
        if (!target.IsLoopback)
        {
            throw new ArgumentException($"The harness only talks to loopback; {target} is not.", nameof(target));
        }

        _routes[host] = target;
        return this;
    }

    public bool TryResolve(string host, out Uri target) => _routes.TryGetValue(host, out target!);

    public IReadOnlyDictionary<string, Uri> Routes => _routes;

    /// <summary>
    /// An HttpClient for outbound calls of a mock: hosts resolved through this map, the caller's harness flow
    /// carried in <see cref="WorkTracker.FlowHeader"/>, certificates validated unless <paramref name="rejectUnauthorized"/> is false.
    /// </summary>
    public HttpClient CreateClient(WorkTracker? work, bool rejectUnauthorized = true)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),

            // .NET would add traceparent/tracestate whenever an activity is current — and ASP.NET starts one for each request
            // a mock serves, so a webhook fired by an API call carried them. Real webhook requests carry no trace context.
            ActivityHeadersPropagator = System.Diagnostics.DistributedContextPropagator.CreateNoOutputPropagator(),
        };
        if (!rejectUnauthorized)
        {
            sockets.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        }

        return new HttpClient(new HarnessRoutingHandler(this, work) { InnerHandler = sockets }) { Timeout = Timeout.InfiniteTimeSpan };
    }
}

/// <summary>No route for a host in the harness host map: the request never left the harness.</summary>
public sealed class UnmappedHostException(string host)
    : HttpRequestException($"Host '{host}' is not in the harness host map: no mock answers for it (getaddrinfo ENOTFOUND {host}).")
{
    public string Host { get; } = host;
}

/// <summary>Rewrites the request to the mapped loopback address, keeps the original Host header, adds the flow header.</summary>
internal sealed class HarnessRoutingHandler(HostMap map, WorkTracker? work) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("Request without a URI.");
        if (!original.IsLoopback)
        {
            if (!map.TryResolve(original.Host, out var target))
            {
                throw new UnmappedHostException(original.Host);
            }

            request.Headers.Host = original.IsDefaultPort ? original.Host : $"{original.Host}:{original.Port}";
            request.RequestUri = new UriBuilder(original) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        if (work?.CurrentFlowId is { } flow)
        {
            request.Headers.Remove(WorkTracker.FlowHeader);
            request.Headers.TryAddWithoutValidation(WorkTracker.FlowHeader, flow);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
