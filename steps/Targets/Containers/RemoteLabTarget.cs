using System.Net.Http.Headers;
using System.Net.Http.Json;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.Observers;

namespace ParticleBlynk.Targets.Containers;

/// <summary>
/// One scenario in a lab in another process (the lab image): a session of its own (mocks on their own ports, the board,
/// a virtual clock), reached only over HTTP — the public Particle and Blynk APIs plus the control API. Virtual time is
/// driven across the boundary: every move asks the lab to run what falls due and answers once it has settled; then the
/// journal mirror, the event stream and the serial transcript catch up before a step looks.
/// </summary>
internal sealed class RemoteLabTarget : ILoopTarget
{
    /// <summary>How long the event stream may take to deliver what the lab published (wall time, loopback).</summary>
    private static readonly TimeSpan StreamDelivery = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(1);

    private readonly LabControlClient _control;
    private readonly SessionInfo _session;
    private readonly HttpClient _http;
    private readonly ParticleEventStream _stream;
    private readonly ParticleApiClient _particle;
    private readonly BlynkApiClient _blynk;
    private readonly List<SerialLine> _serial = [];
    private long _journalChanges;
    private DateTimeOffset _now;

    private RemoteLabTarget(TargetDescriptor descriptor, LabSpec spec, LabControlClient control, SessionInfo session, HttpClient http, ParticleEventStream stream)
    {
        Descriptor = descriptor;
        Lab = spec;
        _control = control;
        _session = session;
        _http = http;
        _stream = stream;
        _now = session.Now;
        _particle = new ParticleApiClient(http, new Uri(session.ParticleUrl), spec.ParticleAccessToken);
        _blynk = new BlynkApiClient(http, new Uri(session.BlynkUrl), spec.BlynkToken);
        Journal = new Journal(TimeProvider.System);
        Secrets = new Secrets(spec.Tokens());
        Secrets.Add(session.DashboardUrl is { } dashboard ? BlynkSide.DashboardToken(new Uri(dashboard)) : null); // the lab masks it too
        Time = new RemoteTime(this);
        Device = new BoardSide(this);
        Particle = new ParticleSide(this);
        Blynk = new BlynkSide(this);
        DeviceControl = new RemoteDeviceControl(this);
        Faults = new RemoteFaults(this);
    }

    public TargetDescriptor Descriptor { get; }

    public LabSpec Lab { get; }

    public IDeviceSide Device { get; }

    public IParticleSide Particle { get; }

    public IBlynkSide Blynk { get; }

    public ITimeDriver Time { get; }

    public Journal Journal { get; }

    public Secrets Secrets { get; }

    public IDeviceControl? DeviceControl { get; }

    public IFaultInjector? Faults { get; }

    private string SessionId => _session.Id;

    private string Board => Lab.DeviceId;

    public static async Task<ILoopTarget> StartAsync(TargetDescriptor descriptor, LabSpec spec, LabContainer lab, CancellationToken cancellationToken)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var control = new LabControlClient(http, lab.ControlUrl, lab.ControlToken);
        var session = await control.CreateSessionAsync(spec).WaitAsync(cancellationToken);
        var stream = ParticleEventStream.Open(http, new Uri(session.ParticleUrl), spec.ParticleAccessToken);
        try
        {
            await stream.ConnectedAsync(StreamDelivery);
            var target = new RemoteLabTarget(descriptor, spec, control, session, http, stream);
            await target.CatchUpAsync(await control.TimeAsync(session.Id));
            return target;
        }
        catch
        {
            await stream.DisposeAsync();
            await control.DeleteSessionAsync(session.Id);
            http.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        try
        {
            await _control.DeleteSessionAsync(SessionId);
        }
        finally
        {
            _http.Dispose();
        }
    }

    /// <summary>After the lab's clock moved (or a board was steered): the journal mirror, the events and the serial catch up.</summary>
    private async Task CatchUpAsync(TimeInfo time)
    {
        _now = time.Now;
        var page = await _control.JournalAsync(SessionId, _journalChanges);
        foreach (var hop in page.Hops)
        {
            Journal.Append(hop);
        }

        _journalChanges = page.Changes;
        await _stream.CatchUpWithAsync(time.ParticleEvents, StreamDelivery);
        if (time.SerialLines.TryGetValue(Board, out var lines) && lines > _serial.Count)
        {
            foreach (var line in await _control.SerialAsync(SessionId, Board, _serial.Count - 1))
            {
                _serial.Add(new SerialLine(line.At, line.Text));
            }
        }
    }

    private async Task CatchUpAsync() => await CatchUpAsync(await _control.TimeAsync(SessionId));

    /// <summary>
    /// A request of the harness that waits for virtual time in the lab (a function call waits for the board's loop): it
    /// names a flow, the lab keeps that flow busy, and the clock runs until the flow has ended.
    /// </summary>
    private async Task<T> CompleteAsync<T>(Func<string, Task<T>> request)
    {
        var flow = "h-" + Guid.NewGuid().ToString("N");
        var call = request(flow);
        var time = await _control.AdvanceAsync(SessionId, new AdvanceRequest(Until: "flows", Limit: CallLimit, AwaitFlows: [flow]));
        var answer = await call.WaitAsync(TimeSpan.FromSeconds(30));
        await CatchUpAsync(time);
        return answer;
    }

    private sealed class RemoteTime(RemoteLabTarget target) : ITimeDriver
    {
        public DateTimeOffset Now => target._now;

        public bool IsVirtual => true;

        public async Task PassAsync(TimeSpan span) =>
            await target.CatchUpAsync(await target._control.AdvanceAsync(target.SessionId, new AdvanceRequest(By: span)));

        public async Task<bool> WaitUntilAsync(Func<ValueTask<bool>> condition, TimeSpan limit)
        {
            var end = target._now + limit;
            while (true)
            {
                if (await condition())
                {
                    return true;
                }

                if (target._now >= end)
                {
                    return false;
                }

                var time = await target._control.AdvanceAsync(target.SessionId, new AdvanceRequest(Until: "change", Limit: end - target._now));
                await target.CatchUpAsync(time);
                if (!time.Changed)
                {
                    return await condition();
                }
            }
        }
    }

    private sealed class BoardSide(RemoteLabTarget target) : IDeviceSide
    {
        public string DeviceId => target.Board;

        public Platform Platform => target.Lab.Platform;

        public string? CannotPowerOnReason => null;


        public IReadOnlyList<SerialLine> SerialLines => target._serial;

        public async Task PowerOnAsync()
        {
            await target._control.PowerAsync(target.SessionId, target.Board, on: true);
            await target.CatchUpAsync();
        }

        public Task UnplugSerialAsync(TimeSpan duration) => throw new NotSupportedException("the containers target's boards have no USB serial tty");

        public async Task<bool?> UserLedOnAsync() => (await target._control.BoardAsync(target.SessionId, target.Board)).UserLedOn;
    }

    private sealed class ParticleSide(RemoteLabTarget target) : IParticleSide
    {
        public string AccessToken => target.Lab.ParticleAccessToken;

        public IReadOnlyList<CloudEvent> Events => target._stream.Events;

        public Task<IEventStreamReader> OpenEventStreamAsync() => EventStreamReader.OpenAsync(new Uri(target._session.ParticleUrl), target.Lab.ParticleAccessToken);

        public Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null, string parameter = "args") =>
            target.CompleteAsync(flow => target._particle.CallFunctionAsync(deviceId, function, argument, accessToken, parameter, flow));

        public Task<ApiAnswer> GetAsync(string path, string? accessToken = null) =>
            target.CompleteAsync(flow => target._particle.GetAsync(path, accessToken, flow));

        public Task<ApiAnswer> PublishEventAsync(string name, string data) =>
            target.CompleteAsync(flow => target._particle.PublishEventAsync(name, data, flowId: flow));
    }

    private sealed class BlynkSide(RemoteLabTarget target) : IBlynkSide
    {
        public string DeviceToken => target.Lab.BlynkToken;

        public Uri? DashboardUrl => target._session.DashboardUrl is { } url ? new Uri(url) : null;

        public async Task<DatastreamReading> ReadAsync(string pin)
        {
            var value = await target._blynk.GetAsync(pin);
            var console = await target._control.BlynkConsoleAsync(target.SessionId);
            return new DatastreamReading(pin, value, console.Pins.GetValueOrDefault(pin)?.UpdatedAt);
        }

        public async Task<DateTimeOffset?> LastUpdateAsync() => (await target._control.BlynkConsoleAsync(target.SessionId)).LastUpdate;

        public Task<bool> IsOnlineAsync() => target._blynk.IsHardwareConnectedAsync();

        /// <summary>
        /// The dashboard's switch: the app side of the mock, posted as the page posts it — JSON with the dashboard link's
        /// token (its fragment, #token=…) as a Bearer header. A harness client, not a browser: it states the dashboard's
        /// own origin explicitly (the mock refuses any other).
        /// </summary>
        public async Task<DateTimeOffset> SwitchFromAppAsync(string pin, string value)
        {
            var dashboard = DashboardUrl ?? throw new InvalidOperationException("The session has no dashboard to switch on.");
            var token = DashboardToken(dashboard) ?? throw new InvalidOperationException("The session's dashboard link carries no token (#token=…).");
            var at = target._now;
            var page = dashboard.GetLeftPart(UriPartial.Path);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(page.Replace("/dashboard/", "/dashboard/api/", StringComparison.Ordinal) + "/pins/" + Uri.EscapeDataString(pin)))
            {
                Content = JsonContent.Create(new { value }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.TryAddWithoutValidation("Origin", dashboard.GetLeftPart(UriPartial.Authority));
            request.Headers.TryAddWithoutValidation(HarnessHeaders.Flow, "h-" + Guid.NewGuid().ToString("N"));
            using var response = await target._http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The dashboard refused the switch {pin}={value}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await target.CatchUpAsync();
            return at;
        }

        /// <summary>The token of a dashboard link, <c>…/dashboard/1#token=…</c>.</summary>
        internal static string? DashboardToken(Uri dashboard) =>
            dashboard.Fragment.StartsWith("#token=", StringComparison.Ordinal) && dashboard.Fragment.Length > "#token=".Length
                ? Uri.UnescapeDataString(dashboard.Fragment["#token=".Length..])
                : null;
    }

    private sealed class RemoteDeviceControl(RemoteLabTarget target) : IDeviceControl
    {
        public async Task<uint> MillisAsync() => (await target._control.BoardAsync(target.SessionId, target.Board)).Millis;

        public async Task SetMillisAsync(uint value)
        {
            await target._control.SetMillisAsync(target.SessionId, target.Board, value);
            await target.CatchUpAsync();
        }

        public async Task<double> V15Async() => (await target._control.BoardAsync(target.SessionId, target.Board)).V15 ?? double.NaN;

        public async Task SetV15Async(double value)
        {
            await target._control.SetV15Async(target.SessionId, target.Board, value);
            await target.CatchUpAsync();
        }

        public async Task DropCloudAsync()
        {
            await target._control.CloudAsync(target.SessionId, target.Board, new CloudRequest(Connected: false));
            await target.CatchUpAsync();
        }

        public async Task RestoreCloudAsync(TimeSpan after)
        {
            await target._control.CloudAsync(target.SessionId, target.Board, new CloudRequest(Connected: true, After: after));
            await target.CatchUpAsync();
        }
    }

    private sealed class RemoteFaults(RemoteLabTarget target) : IFaultInjector
    {
        public async Task InjectAsync(Fault fault)
        {
            await target._control.InjectAsync(target.SessionId, fault);
            await target.CatchUpAsync();
        }

        public async Task ClearAsync(FaultKind kind)
        {
            await target._control.ClearAsync(target.SessionId, kind);
            await target.CatchUpAsync();
        }
    }
}
