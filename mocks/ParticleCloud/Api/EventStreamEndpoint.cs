using System.Text;
using Microsoft.AspNetCore.Http;

namespace ParticleBlynk.ParticleCloud.Api;

/// <summary>
/// Server-Sent Events (contracts.md §2.3): GET /v1/events/{prefix}, /v1/devices/events[/{prefix}],
/// /v1/devices/{id}/events[/{prefix}]. ":ok" first, then "event:/data:" blocks for the token owner's events whose name
/// starts with the prefix (case-sensitive, filtered here: particle-api-js does not filter), and a ":" keep-alive comment
/// every <see cref="ParticleCloudOptions.SseKeepAlive"/> of wall time. Runs as ASP.NET Core middleware in front of
/// WireMock on the same server, because WireMock's own SSE body drains a blocking queue on a thread-pool thread.
/// </summary>
internal sealed class EventStreamEndpoint(ParticleCloudModel model, CancellationToken shutdown)
{
    private readonly Lock _gate = new();
    private readonly HashSet<CancellationTokenSource> _open = [];
    private bool _dropped;

    /// <summary>Closes every open stream and refuses (resets) new ones until <see cref="Restore"/>.</summary>
    public void Drop()
    {
        CancellationTokenSource[] open;
        lock (_gate)
        {
            _dropped = true;
            open = [.. _open];
        }

        foreach (var stream in open)
        {
            stream.Cancel();
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            _dropped = false;
        }
    }

    /// <summary>Whether the request is for an event stream (GET …/events…); everything else goes on to WireMock.</summary>
    public static bool Handles(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }

        var s = request.Path.Value?.Trim('/').Split('/') ?? [];
        return s.Length >= 2 && s[0] == "v1"
            && ((s[1] == "events")
                || (s[1] == "devices" && s.Length >= 3 && s[2] == "events")
                || (s[1] == "devices" && s.Length >= 4 && s[3] == "events"));
    }

    public async Task HandleAsync(HttpContext context)
    {
        lock (_gate)
        {
            if (_dropped)
            {
                context.Abort();
                return;
            }
        }

        var request = context.Request;
        var apiRequest = ApiRequest.Create(request.Method, request.Path.Value ?? "", request.QueryString.Value, null, null, request.Headers.Authorization.ToString(), null);
        var account = model.Registry.AccountOf(apiRequest.Token);
        if (account is null)
        {
            await WriteAsync(context, ApiResponse.InvalidToken).ConfigureAwait(false);
            return;
        }

        // The prefix is the rest of the path, so it may hold '/' (hook-response/blynk_https_get/0). ?nonce= is ignored.
        var s = (request.Path.Value ?? "").Trim('/').Split('/');
        string prefix;
        string? deviceId = null;
        if (s[1] == "events")
        {
            prefix = Unescape(s.Skip(2));
            if (prefix.Length == 0)
            {
                await WriteAsync(context, ApiResponse.Error(400, "event prefix filter is required")).ConfigureAwait(false);
                return;
            }
        }
        else if (s[2] == "events")
        {
            prefix = Unescape(s.Skip(3));
        }
        else
        {
            if (model.Registry.Resolve(account, Uri.UnescapeDataString(s[2])) is not { } device)
            {
                await WriteAsync(context, ApiResponse.PermissionDenied(apiRequest.Query.GetValueOrDefault("access_token"))).ConfigureAwait(false);
                return;
            }

            deviceId = device.Id;
            prefix = Unescape(s.Skip(4));
        }

        var hookEventsOnDevice = model.Options.HookEventsOnDeviceStream;
        using var subscription = model.Bus.Subscribe(e =>
            e.Owner == account
            && e.Name.StartsWith(prefix, StringComparison.Ordinal)
            && (deviceId is null || e.CoreId == deviceId || (hookEventsOnDevice && e.IsWebhookEvent && e.TriggeredBy == deviceId)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        lock (_gate)
        {
            _open.Add(stop);
        }

        try
        {
            await StreamAsync(context, subscription, stop).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(stop);
            }
        }

        if (stop.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            context.Abort(); // dropped: the reader sees the connection go, as when the cloud drops a stream
        }
    }

    private async Task StreamAsync(HttpContext context, EventSubscription subscription, CancellationTokenSource stop)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        try
        {
            await Write(response, ":ok\n\n", stop.Token).ConfigureAwait(false);
            var reader = subscription.Reader;
            while (!stop.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                keepAlive.CancelAfter(model.Options.SseKeepAlive); // wall time: it keeps real sockets alive
                try
                {
                    if (!await reader.WaitToReadAsync(keepAlive.Token).ConfigureAwait(false))
                    {
                        return; // the cloud shut down
                    }

                    while (reader.TryRead(out var evt))
                    {
                        await Write(response, evt.ToSseBlock(), stop.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await Write(response, ":\n", stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away or the cloud is shutting down.
        }
        catch (IOException)
        {
            // Connection reset by the client.
        }
    }

    private static string Unescape(IEnumerable<string> segments) => Uri.UnescapeDataString(string.Join('/', segments));

    private static async Task Write(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, ApiResponse answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
