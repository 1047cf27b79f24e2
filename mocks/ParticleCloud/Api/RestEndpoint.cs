using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Api;

/// <summary>
/// The REST API (/v1/…, except the event streams) served from the request itself, in front of WireMock: the path and query
/// as sent (each segment decoded once, by the API), a body read only where a method has one and never past the front
/// door's limit. WireMock's request mapping, which the API used to sit behind, throws on queries Kestrel accepts ("?=",
/// names differing in case) and keeps a whole copy of every body in several forms.
/// </summary>
internal sealed class RestEndpoint(ParticleCloudModel model, ParticleApi api, FrontDoor door)
{
    // The request headers a function-call hop keeps (what scenarios assert on: the Blynk webhook's Bearer token, its body type).
    private static readonly string[] JournalledHeaders = ["Authorization", "Content-Type", "User-Agent"];

    /// <summary>Whether the request is for the REST API.</summary>
    public static bool Handles(HttpRequest request) => request.Path.StartsWithSegments("/v1", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = HasBody(request.Method) ? await door.ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false) : null;
        var apiRequest = ApiRequest.Create(
            request.Method,
            RawPath(context),
            request.QueryString.Value,
            request.ContentType,
            body,
            First(request.Headers.Authorization),
            First(request.Headers[WorkTracker.FlowHeader]),
            request.Headers.Host.ToString(),
            JournalledHeaders
                .Where(name => request.Headers.ContainsKey(name))
                .ToDictionary(name => name, name => string.Join(", ", request.Headers[name].ToArray()), StringComparer.OrdinalIgnoreCase));
        apiRequest = ParticleContractMutations.OnRequest(model.Options.Mutations, apiRequest);
        var answer = ParticleContractMutations.OnAnswer(model.Options.Mutations, await api.HandleAsync(apiRequest).ConfigureAwait(false));

        var response = context.Response;
        response.StatusCode = answer.Status;
        response.ContentType = answer.ContentType;
        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // The methods WireMock read a body for (BodyParser.ShouldParseBody): not GET, HEAD, TRACE or CONNECT.
    private static bool HasBody(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsTrace(method) || HttpMethods.IsConnect(method));

    // The path still percent-encoded, as sent: the API decodes each segment once (a device name may hold "%2F").
    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is null || !raw.StartsWith('/'))
        {
            return context.Request.Path.Value ?? "/";
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? raw : raw[..query];
    }

    private static string? First(StringValues values) => values.Count == 0 ? null : values[0];
}
