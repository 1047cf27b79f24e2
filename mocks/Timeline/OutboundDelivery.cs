using System.Globalization;
using System.Security.Authentication;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Timeline;

/// <summary>What became of one outbound webhook request: the answer, or why there was none.</summary>
/// <param name="Status">Status code; null when nothing answered.</param>
/// <param name="Body">The answer's body (cut at the delivery's limit), or empty.</param>
/// <param name="Location">A redirect's Location.</param>
/// <param name="Outcome">Delivered (2xx), Rejected (any other status), TimedOut, Failed (unreachable, reset, TLS).</param>
/// <param name="Error">Why nothing answered (as the cloud's own log words it), null when something did.</param>
/// <param name="Duration">Harness-clock time from send to answer.</param>
public sealed record DeliveryResult(int? Status, string Body, string? Location, HopOutcome Outcome, string? Error, TimeSpan Duration)
{
    public bool Succeeded => Outcome == HopOutcome.Delivered;

    /// <summary>"400 {…}", "200" or the error, for the journal's reason.</summary>
    public string Summary => Status is { } status
        ? status.ToString(CultureInfo.InvariantCulture) + (Body.Length > 0 ? " " + Body : "")
        : Error ?? "";
}

/// <summary>
/// The delivery core both clouds' webhooks share (the templates differ, delivery does not): sends one request through
/// the harness host map as part of the caller's flow, gives up at a deadline on the harness clock, and classifies what
/// came back. The body read is bounded, so a huge answer cannot exhaust memory.
/// </summary>
public sealed class OutboundDelivery : IDisposable
{
    /// <summary>Answers longer than this are cut (the journal and the hook-response events never need more).</summary>
    public const int MaxBodyChars = 16 * 1024;

    /// <summary>Request headers the journal keeps (what scenarios assert on); others are left out.</summary>
    private static readonly string[] JournalledHeaders = ["Authorization", "Content-Type", "User-Agent", "Accept"];

    private readonly HarnessServices _services;
    private readonly HttpClient _strict;
    private readonly HttpClient _lenient;

    public OutboundDelivery(HarnessServices services)
    {
        _services = services;
        _strict = services.Hosts.CreateClient(services.Work, rejectUnauthorized: true);
        _lenient = services.Hosts.CreateClient(services.Work, rejectUnauthorized: false);
    }

    /// <summary>Sends <paramref name="request"/>; never throws for what a remote end can do (no answer, a reset, a slow answer).</summary>
    public async Task<DeliveryResult> SendAsync(HttpRequestMessage request, TimeSpan timeout, bool rejectUnauthorized = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _services.Time.GetUtcNow();
        var host = request.RequestUri?.Host ?? "";
        TimeSpan Elapsed() => _services.Time.GetUtcNow() - started;
        using var deadline = _services.Work.Deadline(timeout);
        try
        {
            using var response = await (rejectUnauthorized ? _strict : _lenient)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new DeliveryResult(
                status,
                body,
                response.Headers.Location?.ToString(),
                status is >= 200 and < 300 ? HopOutcome.Delivered : HopOutcome.Rejected,
                null,
                Elapsed());
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            return new DeliveryResult(null, "", null, HopOutcome.TimedOut,
                $"ETIMEDOUT: no response within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", Elapsed());
        }
        catch (UnmappedHostException ex)
        {
            return new DeliveryResult(null, "", null, HopOutcome.Failed, $"getaddrinfo ENOTFOUND {ex.Host}", Elapsed());
        }
        catch (HttpRequestException ex)
        {
            var error = ex.InnerException is AuthenticationException auth ? $"TLS: {auth.Message}" : ConnectionError(ex, host);
            return new DeliveryResult(null, "", null, HopOutcome.Failed, error, Elapsed());
        }
        catch (IOException ex)
        {
            return new DeliveryResult(null, "", null, HopOutcome.Failed, $"ECONNRESET: {ex.Message}", Elapsed());
        }
    }

    /// <summary>The request as the journal keeps it: method, URL as written, the headers that matter, the body.</summary>
    public static HttpExchange Describe(HttpRequestMessage request, string? body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in JournalledHeaders)
        {
            // As written (not re-parsed: a parsed User-Agent would come back as "product, (comment)").
            if (request.Headers.NonValidated.TryGetValues(name, out var values) || (request.Content?.Headers.NonValidated.TryGetValues(name, out values) ?? false))
            {
                headers[name] = values.ToString();
            }
        }

        return new HttpExchange(request.Method.Method, request.RequestUri?.ToString() ?? "") { RequestHeaders = headers, RequestBody = body };
    }

    /// <summary>The answer added to the request's exchange.</summary>
    public static HttpExchange Answered(HttpExchange sent, DeliveryResult result)
    {
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(result);
        return sent with { Status = result.Status, Location = result.Location, ResponseBody = result.Status is null ? null : result.Body };
    }

    public void Dispose()
    {
        _strict.Dispose();
        _lenient.Dispose();
    }

    private static string ConnectionError(HttpRequestException ex, string host) =>
        ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => $"ECONNREFUSED: {host}: {ex.Message}",
            HttpRequestError.ResponseEnded => $"ECONNRESET: {host} closed the connection before answering",
            _ => ex.Message,
        };

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // Most answers are short ("", {"error":…}): the buffer is pooled and sized to the announced length when there is one,
        // so a delivery does not allocate the 16 K characters of the limit each time.
        if (content.Headers.ContentLength == 0)
        {
            return "";
        }

        using var reader = new StreamReader(await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), bufferSize: 1024);
        var size = content.Headers.ContentLength is { } length and < MaxBodyChars ? (int)length + 1 : MaxBodyChars + 1;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(size);
        try
        {
            var read = 0;
            int n;
            while (read < MaxBodyChars + 1)
            {
                if (read == buffer.Length)
                {
                    var larger = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyChars + 1));
                    buffer.AsSpan(0, read).CopyTo(larger);
                    System.Buffers.ArrayPool<char>.Shared.Return(buffer);
                    buffer = larger;
                }

                if ((n = await reader.ReadAsync(buffer.AsMemory(read, Math.Min(buffer.Length, MaxBodyChars + 1) - read), cancellationToken).ConfigureAwait(false)) == 0)
                {
                    break;
                }

                read += n;
            }

            return new string(buffer, 0, Math.Min(read, MaxBodyChars));
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
