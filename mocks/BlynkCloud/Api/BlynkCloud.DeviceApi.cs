using System.Text;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// The device HTTPS API (/external/api/…) served from the request itself, in front of WireMock: the query exactly as sent
/// (Blynk's own parser, <see cref="DeviceApiRequest.ParseQuery"/>, takes "&amp;V16&amp;=" and "V1=…&amp;v1=…" as they come; WireMock's
/// threw on both), the region from the Host header the front door has checked. Every path under /external/api that is not
/// an endpoint answers 404, every method but GET 405, both in Blynk's error shape (UNCONFIRMED: the docs show 400s only).
/// </summary>
public sealed partial class BlynkCloud
{
    private const string DeviceApiPrefix = "/external/api/";

    private static readonly string[] DeviceApiEndpoints =
        ["batch/update", "update", "get", "getAll", "isHardwareConnected", "update/property", "logEvent", "provision"];

    private static bool IsDeviceApi(HttpRequest request) => request.Path.StartsWithSegments("/external/api", StringComparison.Ordinal);

    private async Task ServeDeviceApiAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";

        // The HTTPS API is case-sensitive (troubleshooting.md): the path matches exactly.
        var endpoint = path.StartsWith(DeviceApiPrefix, StringComparison.Ordinal) ? path[DeviceApiPrefix.Length..] : "";
        if (!DeviceApiEndpoints.Contains(endpoint, StringComparer.Ordinal))
        {
            await WriteAsync(context, new DeviceApiResponse(404, DeviceApiResponse.Error("Not found.").Body, "application/json")).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await WriteAsync(context, new DeviceApiResponse(405, DeviceApiResponse.Error("Method not allowed.").Body, "application/json")).ConfigureAwait(false);
            return;
        }

        var query = (request.QueryString.Value ?? "").TrimStart('?');
        var response = BlynkContractMutations.Apply(Options.Mutations, _model.Handle(new DeviceApiRequest(HostOf(request.Headers.Host.ToString()), path, query)));

        // The modelled slowness is the write path's (what the Particle webhook waits for); reads answer at once.
        var latency = endpoint.EndsWith("update", StringComparison.Ordinal) ? _latency : TimeSpan.Zero;
        if (latency > TimeSpan.Zero)
        {
            var flow = request.Headers[WorkTracker.FlowHeader];
            await ModelledLatencyAsync(flow.Count == 0 ? null : flow[0], latency).ConfigureAwait(false);
        }

        await WriteAsync(context, response).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, DeviceApiResponse answer)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        if (answer.Body is null)
        {
            response.ContentLength = 0;
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentType = answer.ContentType ?? "text/plain";
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The region server the request reached: its Host header without the port (the harness keeps the original Host).</summary>
    private static string HostOf(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[..(close + 1)];
        }

        var colon = host.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? host : host[..colon]).ToLowerInvariant();
    }
}
