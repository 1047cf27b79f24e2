using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;

namespace ParticleBlynk.LoopHost.Control;

/// <summary>
/// The lab's control API (mocks/Lab/README.md "Control API"): on 127.0.0.1, under <see cref="Prefix"/>, every request
/// with the per-run token the READY line carries. Sessions (a loop each), their clocks (advance virtual time; the
/// answer comes once what fell due has settled), their boards (power, reset, cloud link, millis, v15, the serial tty),
/// faults, and the typed journal (a page after a change number, all of it as JSON lines, or as a stream).
/// Bad requests get 400 with the reason; a missing or wrong token 401; a wait that runs out (an awaited flow never arrived) 504.
/// </summary>
public sealed partial class LabControlServer : IAsyncDisposable
{
    public const string Prefix = "/lab/v1";

    private static readonly TimeSpan ArrivalWatchdog = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(1);

    // Request bodies: a missing field is an error, not its default ({} must not power a board off or set millis() to 0).
    private static readonly JsonSerializerOptions RequestJson = new(WireJson.Options) { RespectRequiredConstructorParameters = true };

    private readonly WebApplication _app;
    private readonly LabSessions _sessions;
    private readonly byte[] _token;
    private readonly Action<string>? _log;
    private long _lastRequestTicks = Environment.TickCount64;
    private int _inFlight;

    private LabControlServer(WebApplication app, LabSessions sessions, string token, Action<string>? log)
    {
        _app = app;
        _sessions = sessions;
        Token = token;
        _token = Encoding.UTF8.GetBytes(token);
        _log = log;
    }

    /// <summary>The per-run token (printed in the READY line only).</summary>
    public string Token { get; }

    /// <summary>http://127.0.0.1:port/lab/v1</summary>
    public Uri Url { get; private set; } = null!;

    public LabSessions Sessions => _sessions;

    /// <summary>
    /// Completes once no authorised request has been open or arrived for <paramref name="idle"/> (wall time): the lab's
    /// lease. A driver that crashed stops asking, and a lab started with --exit-when-idle then stops by itself (a
    /// container started with auto-remove disappears with it). An open journal stream counts as activity.
    /// </summary>
    public async Task WhenIdleAsync(TimeSpan idle, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero);
        // The lease starts now (the lab calls this after READY), not when the server started: a slow boot spends none of it.
        Volatile.Write(ref _lastRequestTicks, Environment.TickCount64);
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(idle.TotalMilliseconds / 4, 10, 1000));
        while (Volatile.Read(ref _inFlight) > 0 || Environment.TickCount64 - Volatile.Read(ref _lastRequestTicks) < idle.TotalMilliseconds)
        {
            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the API on 127.0.0.1:<paramref name="port"/> (0: a free port) over <paramref name="sessions"/>.</summary>
    public static async Task<LabControlServer> StartAsync(LabSessions sessions, int port = 0, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // a query that does not bind gets its reason too
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 1024 * 1024; // a lab spec is a few KB
        });
        var app = builder.Build();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var server = new LabControlServer(app, sessions, token, log);
        server.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.Select(u => new Uri(u)).First();
        server.Url = new Uri($"http://127.0.0.1:{address.Port}{Prefix}");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
            {
                await Error(context, 404, "not a control API path (it lives under " + Prefix + ")").ConfigureAwait(false);
                return;
            }

            if (!Authorized(context.Request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Error(context, 401, "invalid_token: the control API needs the token of the READY line as Authorization: Bearer").ConfigureAwait(false);
                return;
            }

            Interlocked.Increment(ref _inFlight);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (ControlException ex)
            {
                await Error(context, ex.Status, ex.Message).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                await Error(context, 400, "the body is not valid JSON for this request: " + ex.Message).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                await Error(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                // An awaited flow that never arrived, work that never settled: the reason, not a bare 500.
                await Error(context, 504, ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
            {
                await Error(context, 400, ex.Message).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _lastRequestTicks, Environment.TickCount64);
                Interlocked.Decrement(ref _inFlight);
            }
        });

        var api = app.MapGroup(Prefix);
        api.MapGet("/sessions", () => Results.Json(_sessions.All.Select(Describe), WireJson.Options));
        api.MapPost("/sessions", CreateSessionAsync);
        api.MapGet("/sessions/{id}", (string id) => Results.Json(Describe(Session(id)), WireJson.Options));
        api.MapDelete("/sessions/{id}", async (string id) => await _sessions.RemoveAsync(id).ConfigureAwait(false) ? Results.NoContent() : throw NotFound(id));
        api.MapGet("/sessions/{id}/time", (string id) => Results.Json(TimeOf(Session(id), changed: false), WireJson.Options));
        api.MapPost("/sessions/{id}/time/advance", AdvanceAsync);
        api.MapGet("/sessions/{id}/boards/{board}", (string id, string board) => OnBoardAsync(id, board, b => Describe(b)));
        api.MapPost("/sessions/{id}/boards/{board}/power", async (string id, string board, HttpRequest request) =>
        {
            var power = await BodyAsync<PowerRequest>(request).ConfigureAwait(false);
            return await OnBoardAsync(id, board, b =>
            {
                if (power.On)
                {
                    b.Device.PowerOnAsync().GetAwaiter().GetResult(); // synchronous in the emulator
                }
                else
                {
                    b.Device.PowerOff();
                }

                return Describe(b);
            }).ConfigureAwait(false);
        });
        api.MapPost("/sessions/{id}/boards/{board}/reset", (string id, string board) => ResetAsync(id, board));
        api.MapPost("/sessions/{id}/boards/{board}/cloud", async (string id, string board, HttpRequest request) =>
        {
            var cloud = await BodyAsync<CloudRequest>(request).ConfigureAwait(false);
            return await OnBoardAsync(id, board, b =>
            {
                RequireOn(b, "a cloud link");
                if (cloud.Connected)
                {
                    b.Device.RestoreCloudConnection(cloud.After ?? TimeSpan.Zero);
                }
                else
                {
                    b.Device.DropCloudConnection();
                }

                return Describe(b);
            }).ConfigureAwait(false);
        });
        api.MapPut("/sessions/{id}/boards/{board}/millis", async (string id, string board, HttpRequest request) =>
        {
            var value = (await BodyAsync<ValueRequest>(request).ConfigureAwait(false)).Value;
            if (value is < 0 or > uint.MaxValue || value != Math.Floor(value))
            {
                throw new ControlException(400, $"millis() is a uint32: a whole number 0…{uint.MaxValue}, not {value}.");
            }

            return await OnBoardAsync(id, board, b =>
            {
                RequireOn(b, "millis()");
                b.Device.SetMillis((uint)value);
                return Describe(b);
            }).ConfigureAwait(false);
        });
        api.MapPut("/sessions/{id}/boards/{board}/v15", async (string id, string board, HttpRequest request) =>
        {
            var value = (await BodyAsync<ValueRequest>(request).ConfigureAwait(false)).Value;
            if (double.IsInfinity(value))
            {
                // A sensor reads a number or NaN (a failed conversion; it travels as "NaN"); an infinite v15 is no reading.
                throw new ControlException(400, $"v15 is a finite number or NaN, not {value}.");
            }

            return await OnBoardAsync(id, board, b =>
            {
                // A board powered off keeps its last sketch object until the next power-on replaces it: setting that would be lost.
                RequireOn(b, "v15");
                b.Device.Sketch!.V15 = value;
                return Describe(b);
            }).ConfigureAwait(false);
        });
        api.MapGet("/sessions/{id}/boards/{board}/serial", (string id, string board, int? after) =>
            OnBoardAsync(id, board, b => b.Device.SerialLines.Select((l, i) => new SerialLineInfo(i, l.At, l.Text)).Skip((after ?? -1) + 1).ToList()));
        api.MapPost("/sessions/{id}/boards/{board}/serial/unplug", UnplugAsync);
        api.MapPost("/sessions/{id}/faults", async (string id, HttpRequest request) =>
        {
            var fault = await BodyAsync<Fault>(request).ConfigureAwait(false);
            if (!Enum.IsDefined(fault.Kind))
            {
                throw new ControlException(400, $"Unknown fault {fault.Kind}: {string.Join(", ", Enum.GetNames<FaultKind>())}.");
            }

            var session = Session(id);
            await session.ExclusiveAsync(() => session.Host.Faults.InjectAsync(fault)).ConfigureAwait(false);
            return Results.NoContent();
        });
        api.MapDelete("/sessions/{id}/faults/{kind}", async (string id, string kind) =>
        {
            var fault = Enum.TryParse<FaultKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : throw new ControlException(400, $"Unknown fault '{kind}': {string.Join(", ", Enum.GetNames<FaultKind>())}.");
            var session = Session(id);
            await session.ExclusiveAsync(() => { session.Host.Faults.Clear(fault); return Task.FromResult(true); }).ConfigureAwait(false);
            return Results.NoContent();
        });
        api.MapGet("/sessions/{id}/journal", (string id, long? after) =>
        {
            var journal = Session(id).Host.Journal;
            var changes = journal.Changes;
            return Results.Json(new JournalPage(changes, journal.Dropped, journal.ChangedSince(after ?? 0)), WireJson.Options);
        });
        api.MapGet("/sessions/{id}/journal.ndjson", (string id) =>
            Results.Text(string.Concat(Session(id).Host.Journal.Hops.Select(h => WireJson.Serialize(h) + "\n")), "application/x-ndjson"));
        api.MapGet("/sessions/{id}/journal/stream", StreamJournalAsync);
        api.MapGet("/sessions/{id}/blynk", async (string id) =>
        {
            var session = Session(id);
            return await session.ExclusiveAsync(() => Task.FromResult(Results.Json(ConsoleView(session.Host), WireJson.Options))).ConfigureAwait(false);
        });
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), _token);
    }

    /// <summary>A board that is off has no millis(), sensor or cloud link to set: 409, the same for each.</summary>
    private static void RequireOn(LabBoard board, string what)
    {
        if (!board.Device.IsPoweredOn || board.Device.Sketch is null)
        {
            throw new ControlException(409, $"Board {board.Id} is off: it has no {what} (power it on first).");
        }
    }

    private LabSession Session(string id) => _sessions.Find(id) ?? throw NotFound(id);

    private static ControlException NotFound(string id) => new(404, $"No session '{id}'.");

    private static async Task<T> BodyAsync<T>(HttpRequest request) =>
        await JsonSerializer.DeserializeAsync<T>(request.Body, RequestJson).ConfigureAwait(false)
        ?? throw new ControlException(400, $"The body must be a {typeof(T).Name} JSON object.");

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = CleanText.Line(message) });
    }

    private SessionInfo Describe(LabSession session)
    {
        var host = session.Host;
        var token = session.Spec?.BlynkToken ?? host.Configuration.Blynk.Devices.FirstOrDefault()?.Token;
        return new SessionInfo(
            session.Id,
            host.Particle.Url.ToString().TrimEnd('/'),
            host.Blynk.Url.ToString().TrimEnd('/'),
            token is null ? null : host.Blynk.DashboardUrl(token).ToString(),
            [.. host.Boards.Select(b => b.Id)],
            host.Clock is not null,
            host.Services.Time.GetUtcNow());
    }

    private static BoardInfo Describe(LabBoard board) => new(
        board.Id,
        board.Options.Platform.Name,
        board.State,
        board.Device.Millis,
        board.Device.Sketch?.V15,
        board.Device.UserLedOn,
        board.Device.D7Level,
        board.Device.CloudConnected,
        board.Device.SerialLines.Count,
        board.Serial?.LinkPath ?? board.Serial?.Path,
        board.Device.Os?.Serial.HostAttached ?? board.Options.SerialHostAttached);

    private static TimeInfo TimeOf(LabSession session, bool changed)
    {
        var host = session.Host;
        return new TimeInfo(
            host.Services.Time.GetUtcNow(),
            host.Clock is not null,
            changed,
            host.Journal.Changes,
            host.Particle.Bus.PublishedCount,
            host.Boards.ToDictionary(b => b.Id, b => b.Device.SerialLines.Count));
    }

    private static BlynkConsoleView ConsoleView(LoopHost host)
    {
        var device = host.Configuration.Blynk.Devices.FirstOrDefault() ?? throw new ControlException(409, "The lab has no Blynk device.");
        var token = device.Token;
        return new BlynkConsoleView(
            host.Blynk.LastUpdate(token),
            host.Blynk.IsOnline(token),
            host.Blynk.Datastreams(token).ToDictionary(d => d.Pin, d => new DatastreamReading(d.Pin, d.Value, d.UpdatedAt)));
    }
}

/// <summary>A control request that cannot be done as asked: its status and reason.</summary>
public sealed class ControlException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
