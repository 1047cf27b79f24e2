using Microsoft.AspNetCore.Http;

namespace ParticleBlynk.Timeline;

/// <summary>How a faulty API treats a request.</summary>
public enum HttpFaultMode
{
    /// <summary>Answers after a latency (harness time; the caller's flow is parked meanwhile), then normally.</summary>
    Slow,

    /// <summary>Resets the connection before any answer.</summary>
    Unreachable,

    /// <summary>Answers a fixed status and body instead of handling the request.</summary>
    Answer,
}

/// <summary>One fault of an API.</summary>
public sealed record HttpFault(HttpFaultMode Mode, TimeSpan Latency = default, int Status = 0, string Body = "", string ContentType = "application/json")
{
    /// <summary>Extra response headers of an <see cref="HttpFaultMode.Answer"/> (Retry-After…).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The fault a mock's API currently shows (at most one; a new one replaces it), applied by the mock's front middleware
/// before the request reaches its handlers. Thread-safe; the clock a slow answer waits on is the harness's.
/// </summary>
public sealed class HttpFaults(WorkTracker work)
{
    private HttpFault? _current;

    /// <summary>The fault in force, or null.</summary>
    public HttpFault? Current => Volatile.Read(ref _current);

    public void Set(HttpFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Volatile.Write(ref _current, fault);
    }

    public void Clear() => Volatile.Write(ref _current, null);

    /// <summary>
    /// Applies the fault to a request. True when the fault answered it (or reset it): the caller stops there. A slow fault
    /// waits, then returns false so the request is handled normally.
    /// </summary>
    public async Task<bool> ApplyAsync(HttpContext context, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (Current)
        {
            case null:
                return false;
            case { Mode: HttpFaultMode.Unreachable }:
                context.Abort();
                return true;
            case { Mode: HttpFaultMode.Slow } slow:
                using (var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping, context.RequestAborted))
                {
                    try
                    {
                        await work.DelayForAsync(context.Request.Headers[WorkTracker.FlowHeader].ToString(), slow.Latency, stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        context.Abort();
                        return true;
                    }
                }

                return false;
            case var answer:
                context.Response.StatusCode = answer.Status;
                context.Response.ContentType = answer.ContentType;
                foreach (var (name, value) in answer.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
                return true;
        }
    }
}
