using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Timeline;

/// <summary>
/// What every request to a mock meets first (<see cref="LoopbackServer"/> puts it in front of everything): a Host the
/// server can make a URL of, a body no larger than <see cref="MaxRequestBodyBytes"/> (refused with 413 before a byte of it
/// is read), Kestrel's own refusals (a malformed chunk, a body that ends early or comes too slowly) answered with their
/// status, and a bounded request log. Every refusal is an answer in the mock's own error shape (<see cref="ErrorBody"/>).
/// Last, a guard: an exception nobody handled is answered 500 with no detail (no stack trace, no source path) and counted
/// in <see cref="Unhandled"/> — a bug to fix at its cause, never an answer to rely on.
/// </summary>
public sealed class FrontDoor
{
    private readonly TimeProvider _time;
    private long _unhandled;
    private string? _lastUnhandled;

    /// <param name="maxRequestBodyBytes">The server-wide body limit (Kestrel's MaxRequestBodySize).</param>
    /// <param name="requests">Where every request is logged.</param>
    /// <param name="time">The harness clock the log's times are on.</param>
    /// <param name="errorBody">The mock's error body for a status and a message, e.g. {"ok":false,"error":"…"}.</param>
    public FrontDoor(long maxRequestBodyBytes, RequestLog requests, TimeProvider time, Func<int, string, string> errorBody)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequestBodyBytes, 1);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(errorBody);
        MaxRequestBodyBytes = maxRequestBodyBytes;
        Requests = requests;
        _time = time;
        ErrorBody = errorBody;
    }

    public long MaxRequestBodyBytes { get; }

    public RequestLog Requests { get; }

    /// <summary>The mock's error body for a status and a message.</summary>
    public Func<int, string, string> ErrorBody { get; }

    /// <summary>Exceptions the last-resort guard answered (500): each one is a bug.</summary>
    public long Unhandled => Interlocked.Read(ref _unhandled);

    /// <summary>The last of them: its type and message, one clean line (for a failing test's message).</summary>
    public string? LastUnhandled => Volatile.Read(ref _lastUnhandled);

    /// <summary>Answers <paramref name="status"/> with the mock's error body; the connection closes after it when <paramref name="close"/>.</summary>
    public async Task RefuseAsync(HttpContext context, int status, string message, bool close = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        if (close)
        {
            response.Headers.Connection = "close"; // Kestrel then reads nothing more of this request
        }

        var body = Encoding.UTF8.GetBytes(ErrorBody(status, message));
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        try
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away.
        }
    }

    /// <summary>
    /// Reads the whole request body, at most <see cref="MaxRequestBodyBytes"/> (past it Kestrel, or this, throws the 413
    /// the front door answers). A body is read only when the endpoint wants it: an unread one costs nothing.
    /// </summary>
    public async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 1024, 1, Math.Min(MaxRequestBodyBytes, 64 * 1024)));
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxRequestBodyBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
        }
    }

    /// <summary>The middleware.</summary>
    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var capture = new BodyCapture(request.Body, Requests.BodyPrefixBytes);
        request.Body = capture;
        var at = _time.GetUtcNow();
        string? note = null;
        var gone = false;
        var logged = 0;
        void Log()
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                Requests.Record(new LoggedRequest(
                    at,
                    request.Method,
                    CleanText.Cut(request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString, 1024)!,
                    CleanText.Cut(request.Headers.Host.ToString(), 256)!,
                    gone && !context.Response.HasStarted ? 0 : context.Response.StatusCode,
                    capture.BytesRead,
                    capture.Prefix(),
                    note));
            }
        }

        // Logged when the answer starts, before a byte of it can reach the client (a client that reads the log right after
        // its answer finds its request there); a request that never got an answer is logged at the end.
        context.Response.OnStarting(static log => { ((Action)log)(); return Task.CompletedTask; }, (Action)Log);
        try
        {
            if (HostProblem(request) is { } problem)
            {
                note = problem;
                await RefuseAsync(context, 400, problem, close: true).ConfigureAwait(false);
                return;
            }

            if (request.ContentLength > MaxRequestBodyBytes)
            {
                note = Invariant($"body of {request.ContentLength} bytes refused unread");
                await RefuseAsync(context, 413, Invariant($"Request body of {request.ContentLength} bytes is over the limit of {MaxRequestBodyBytes} bytes"), close: true).ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBodyBytes; // a chunked body is cut off here too: Kestrel throws 413 past it
            }

            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel's own refusal, raised while someone read the body: a malformed chunk (400), a body past the limit (413),
            // a body that ended early (400) or came too slowly (408). Its status, in the mock's words.
            note = Invariant($"{ex.StatusCode}: {ex.Message}");
            await RefuseAsync(context, ex.StatusCode, ex.StatusCode == 413 ? Invariant($"Request body is over the limit of {MaxRequestBodyBytes} bytes") : CleanText.Line(ex.Message, 200), close: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            gone = true;
            note = "the client went away";
        }
        catch (Exception ex)
        {
            // The last resort: an answer with no detail. The fuzz tests require this never to happen.
            Interlocked.Increment(ref _unhandled);
            note = CleanText.Line($"{ex.GetType().Name}: {ex.Message}", 300);
            Volatile.Write(ref _lastUnhandled, note);
            await RefuseAsync(context, 500, "Internal error of the mock", close: true).ConfigureAwait(false);
        }
        finally
        {
            Log();
        }
    }

    /// <summary>
    /// Why the Host header cannot be used, or null. WireMock builds <c>new Uri(request.GetEncodedUrl())</c> (a UriFormatException
    /// for an empty Host, "a..b", a 300-character name or port 99999), and the Blynk mock reads its region from the Host.
    /// </summary>
    public static string? HostProblem(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Host;
        if (!host.HasValue || host.Host.Length == 0)
        {
            return "Missing or empty Host header";
        }

        if (host.Port is < 0 or > 65535)
        {
            return "Invalid Host header";
        }

        // A plain host name and a target of printable ASCII: Uri takes both as they are (checked without building two
        // URIs per request — the Blynk mock's hot path; HostProblemTests holds the two ways to the same answers).
        if (PlainUrl.IsHostName(host.Host) && IsPlainPort(host) && IsPlainTarget(request))
        {
            return null;
        }

        return HostProblemByUri(request);
    }

    /// <summary><see cref="HostProblem"/> without its shortcut: both URIs built and parsed.</summary>
    internal static string? HostProblemByUri(HttpRequest request)
    {
        var host = request.Host;
        if (!host.HasValue || host.Host.Length == 0)
        {
            return "Missing or empty Host header";
        }

        if (host.Port is < 0 or > 65535 || !Uri.TryCreate(request.Scheme + "://" + host.ToUriComponent() + "/", UriKind.Absolute, out _))
        {
            return "Invalid Host header";
        }

        return Uri.TryCreate(request.GetEncodedUrl(), UriKind.Absolute, out _) ? null : "Invalid request URL";
    }

    // Nothing after the name, or ':' and 1 to 5 digits (HostString.Port reads "x" and "" as no port at all).
    private static bool IsPlainPort(HostString host)
    {
        var rest = host.Value.AsSpan(host.Host.Length);
        return rest.IsEmpty || (rest[0] == ':' && rest.Length is >= 2 and <= 6 && !rest[1..].ContainsAnyExcept("0123456789"));
    }

    private static bool IsPlainTarget(HttpRequest request)
    {
        var pathBase = request.PathBase.Value ?? "";
        var path = request.Path.Value ?? "";
        var query = request.QueryString.Value ?? "";
        return pathBase.Length + path.Length + query.Length <= 16 * 1024 && IsPrintable(pathBase) && IsPrintable(path) && IsPrintable(query);

        static bool IsPrintable(string text)
        {
            foreach (var c in text)
            {
                if (c is <= ' ' or > '~')
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The request body as read by whoever reads it, counted, its first bytes kept for the log.</summary>
    private sealed class BodyCapture(Stream inner, int prefixBytes) : Stream
    {
        private readonly int _prefixBytes = Math.Min(prefixBytes, 64 * 1024);
        private byte[]? _prefix; // allocated on the first byte read: most requests (GETs) have no body
        private int _kept;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public string Prefix()
        {
            if (BytesRead == 0)
            {
                return "";
            }

            var text = _prefix is null ? "" : Encoding.UTF8.GetString(_prefix, 0, _kept);
            return BytesRead > _kept ? text + Invariant($"…({BytesRead} bytes)") : text;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex is not BadHttpRequestException)
            {
                // Kestrel reports most malformed bodies as BadHttpRequestException, but a chunk size past long.MaxValue as a plain
                // IOException ("Bad chunk size data.", an OverflowException inside): a malformed body all the same, 400. (A client
                // that went away raises an IOException too; the front door tells it by RequestAborted.)
                throw new BadHttpRequestException(ex.Message, StatusCodes.Status400BadRequest, ex);
            }

            return Note(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Note(ReadOnlySpan<byte> read)
        {
            var keep = Math.Min(read.Length, _prefixBytes - _kept);
            if (keep > 0)
            {
                _prefix ??= new byte[_prefixBytes];
                read[..keep].CopyTo(_prefix.AsSpan(_kept));
                _kept += keep;
            }

            BytesRead += read.Length;
            return read.Length;
        }
    }
}
