using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.Loop;
using ParticleBlynk.LoopHost;
using ParticleBlynk.Observers;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Targets.Emulator;

/// <summary>
/// The emulator target: one scenario's loop host on virtual time (both mocks, the emulated board, the host map) with
/// the doc's host names resolved to the mocks. Its journal is fed from inside (<see cref="JournalFeed.InProcess"/>) or
/// only from public interfaces (<see cref="JournalFeed.PublicInterfaces"/>), which proves those observers on a loop
/// whose inside is known.
/// </summary>
internal sealed class EmulatorTarget : ILoopTarget
{
    /// <summary>How long the event stream may take to deliver what the cloud published (wall time, loopback).</summary>
    private static readonly TimeSpan StreamDelivery = TimeSpan.FromSeconds(10);

    private readonly LoopHost.LoopHost _host;
    private readonly LabBoard _board;
    private readonly HttpClient _http;
    private readonly ParticleEventStream? _stream;
    private readonly PublicObservers? _observers;
    private readonly EventCounter _counter = new();

    private EmulatorTarget(TargetDescriptor descriptor, LabSpec spec, LoopHost.LoopHost host, JournalFeed feed, ParticleEventStream? stream, PublicObservers? observers, Journal journal)
    {
        Descriptor = descriptor;
        Lab = spec;
        _host = host;
        _board = host.Board(spec.DeviceId);
        _http = host.Services.Hosts.CreateClient(host.Clock!.Work);
        _stream = stream;
        _observers = observers;
        Journal = journal;
        Secrets = host.Secrets;
        Time = new VirtualTimeDriver(host.Clock, () => host.ChangeStamp, CatchUpAsync);
        Device = new EmulatedBoardSide(_board, host.Clock);
        var particleApi = new ParticleApiClient(_http, new Uri("https://api.particle.io"), spec.ParticleAccessToken);
        Particle = new ParticleSide(this, particleApi, feed);
        Blynk = new BlynkSide(this, feed);
        DeviceControl = new EmulatorControl(_board.Device);
        Faults = new MockFaults(host, journal);
        Fleet = spec.Fleet is { } fleet && feed == JournalFeed.InProcess ? new FleetSide(host, fleet) : null;

        // A running count of the cloud's events per (name, device): a wait for "N publishes" reads it in O(1). Nothing runs
        // before the first step moves the clock, so the events already there (none) are counted before the subscription.
        foreach (var evt in host.Particle.Events)
        {
            _counter.Add(evt);
        }

        host.Particle.Bus.Published += _counter.Add;
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

    public IFleetSide? Fleet { get; }

    private HarnessClock Clock => _host.Clock!;

    public static async Task<ILoopTarget> StartAsync(LabSpec spec, TargetDescriptor descriptor, JournalFeed feed)
    {
        var host = await LoopHost.LoopHost.StartAsync(LabConfiguration.ForScenario(spec), new LoopHostOptions { VirtualTime = true });
        try
        {
            if (feed == JournalFeed.InProcess)
            {
                return new EmulatorTarget(descriptor, spec, host, feed, null, null, host.Journal);
            }

            // The scenario's journal hears only what an outsider can: the mocks keep their own journal to themselves.
            var journal = new Journal(host.Clock!.Time);
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var stream = ParticleEventStream.Open(http, host.Particle.Url, spec.ParticleAccessToken);
            await stream.ConnectedAsync(StreamDelivery);
            var blynk = new BlynkApiClient(http, host.Blynk.Url, spec.BlynkToken);
            var observers = new PublicObservers(journal, spec.DeviceId, stream, blynk, host.Clock.Time);
            await observers.StartAsync();
            var target = new EmulatorTarget(descriptor, spec, host, feed, stream, observers, journal);
            target._board.Device.SerialLineWritten += observers.OnSerialLine;
            return target;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _host.Particle.Bus.Published -= _counter.Add;
        if (_observers is not null)
        {
            await _observers.DisposeAsync();
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _http.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>Observers only: waits until the event stream has delivered what the cloud published, then processes it.</summary>
    private async Task CatchUpAsync()
    {
        if (_observers is null || _stream is null)
        {
            return;
        }

        // A scenario's lab has one account: everything the cloud published is the stream's to deliver.
        await _stream.CatchUpWithAsync(_host.Particle.Bus.PublishedCount, StreamDelivery);
        await _observers.CatchUpAsync();
    }

    /// <summary>Runs a call of the harness as a flow the clock waits for, letting virtual time pass until it answers.</summary>
    private Task<T> CompleteAsync<T>(string name, Func<Task<T>> call) =>
        Clock.CompleteAsync(Clock.Work.Run(name, call), TimeSpan.FromMinutes(1));

    private sealed class EmulatedBoardSide(LabBoard board, HarnessClock clock) : IDeviceSide
    {
        public string DeviceId => board.Id;

        public Platform Platform => board.Options.Platform;

        public string? CannotPowerOnReason => null;


        public Task UnplugSerialAsync(TimeSpan duration) => throw new NotSupportedException("the emulator keeps the board's USB serial in-process");

        public IReadOnlyList<SerialLine> SerialLines => board.Device.SerialLines;

        public async Task PowerOnAsync()
        {
            await board.Device.PowerOnAsync();
            await clock.SettleAsync();
        }

        public Task<bool?> UserLedOnAsync() => Task.FromResult(board.Device.UserLedOn);
    }

    private sealed class ParticleSide(EmulatorTarget target, ParticleApiClient api, JournalFeed feed) : IParticleSide
    {
        public string AccessToken => target.Lab.ParticleAccessToken;

        public IReadOnlyList<CloudEvent> Events => feed == JournalFeed.InProcess
            ? [.. target._host.Particle.Events.Select(e => new CloudEvent(e.Name, e.Data, e.PublishedAt, e.CoreId))]
            : target._stream!.Events;

        public int EventCount(string name, string coreId) => feed == JournalFeed.InProcess
            ? target._counter.Count(name, coreId)
            : target._stream!.Events.Count(e => e.Name == name && e.CoreId == coreId);

        public Task<IEventStreamReader> OpenEventStreamAsync() => EventStreamReader.OpenAsync(target._host.Particle.Url, target.Lab.ParticleAccessToken);

        public async Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null, string parameter = "args")
        {
            var calledAt = target.Time.Now;
            var answer = await target.CompleteAsync($"call {function}({argument})", () => api.CallFunctionAsync(deviceId, function, argument, accessToken, parameter));
            if (feed == JournalFeed.PublicInterfaces)
            {
                HarnessHops.FunctionCall(target.Journal, deviceId, function, argument, calledAt, answer, target.Time.Now);
            }

            return answer;
        }

        public Task<ApiAnswer> GetAsync(string path, string? accessToken = null) =>
            target.CompleteAsync($"GET {path}", () => api.GetAsync(path, accessToken));

        public Task<ApiAnswer> PublishEventAsync(string name, string data) =>
            target.CompleteAsync($"publish {name}", () => api.PublishEventAsync(name, data));
    }

    private sealed class BlynkSide(EmulatorTarget target, JournalFeed feed) : IBlynkSide
    {
        private readonly BlynkApiClient _api = new(target._http, new Uri("https://" + target.Lab.BlynkRegion), target.Lab.BlynkToken);

        public string DeviceToken => target.Lab.BlynkToken;

        public Uri? DashboardUrl => target._host.Blynk.DashboardUrl(DeviceToken);

        public async Task<DatastreamReading> ReadAsync(string pin)
        {
            if (feed == JournalFeed.PublicInterfaces)
            {
                return new DatastreamReading(pin, await target.CompleteAsync($"get {pin}", () => _api.GetAsync(pin)), null);
            }

            var stream = target._host.Blynk.Datastream(DeviceToken, pin);
            return new DatastreamReading(pin, stream?.Value, stream?.UpdatedAt);
        }

        public Task<DateTimeOffset?> LastUpdateAsync() => Task.FromResult(target._host.Blynk.LastUpdate(DeviceToken));

        public Task<bool> IsOnlineAsync() => feed == JournalFeed.PublicInterfaces
            ? target.CompleteAsync("isHardwareConnected", () => _api.IsHardwareConnectedAsync())
            : Task.FromResult(target._host.Blynk.IsOnline(DeviceToken));

        /// <summary>
        /// The app side of the in-process mock, called directly: no HTTP, so neither the dashboard's token nor its origin
        /// rule is involved (the browser scenario and the containers target go through the dashboard API).
        /// </summary>
        public async Task<DateTimeOffset> SwitchFromAppAsync(string pin, string value)
        {
            var at = target.Time.Now;
            if (feed == JournalFeed.PublicInterfaces)
            {
                HarnessHops.AppSwitch(target.Journal, pin, value, at);
            }

            target._host.Blynk.SwitchFromApp(DeviceToken, pin, value);
            await target.Clock.SettleAsync();
            return at;
        }
    }

    /// <summary>The lab's fault catalogue; a journal fed from public interfaces hears of the fault from the harness.</summary>
    private sealed class MockFaults(LoopHost.LoopHost host, Journal journal) : IFaultInjector
    {
        public async Task InjectAsync(Fault fault)
        {
            var hop = await host.Faults.InjectAsync(fault);
            if (!ReferenceEquals(journal, host.Journal))
            {
                journal.Record(hop with { Sequence = 0, Revision = 0, Feed = Feed.Harness });
            }
        }

        public Task ClearAsync(FaultKind kind)
        {
            host.Faults.Clear(kind);
            return Task.CompletedTask;
        }
    }

    /// <summary>Events per (name, device) as the cloud publishes them.</summary>
    private sealed class EventCounter
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(string Name, string CoreId), int> _counts = [];

        public void Add(ParticleBlynk.ParticleCloud.ParticleEvent evt)
        {
            lock (_gate)
            {
                _counts[(evt.Name, evt.CoreId)] = _counts.GetValueOrDefault((evt.Name, evt.CoreId)) + 1;
            }
        }

        public int Count(string name, string coreId)
        {
            lock (_gate)
            {
                return _counts.GetValueOrDefault((name, coreId));
            }
        }
    }

    /// <summary>
    /// The fleet's boards in the loop host; each board's Blynk device is the one named as the board
    /// (<see cref="LabConfiguration.ForFleet"/>). Reads and switches go straight to the in-process mock, as the one board's do.
    /// </summary>
    private sealed class FleetSide : IFleetSide
    {
        private readonly LoopHost.LoopHost _host;
        private readonly FleetSpec _fleet;
        private readonly Dictionary<string, LabBoard> _byId;

        public FleetSide(LoopHost.LoopHost host, FleetSpec fleet)
        {
            _host = host;
            _fleet = fleet;
            _byId = host.Boards.ToDictionary(b => b.Id, StringComparer.Ordinal);
            var tokens = host.Configuration.Blynk.Devices.ToDictionary(d => d.Name, d => d.Token, StringComparer.Ordinal);
            Boards = [.. host.Boards.Select((b, i) => new FleetBoard(i + 1, b.Id, b.Options.Name, tokens[b.Options.Name], fleet.IsMisflashed(i + 1)))];
        }

        public IReadOnlyList<FleetBoard> Boards { get; }

        public async Task PowerOnAllAsync()
        {
            for (var i = 0; i < _host.Boards.Count; i++)
            {
                if (i > 0 && _fleet.PowerOnStagger > TimeSpan.Zero)
                {
                    await _host.Clock!.AdvanceAsync(_fleet.PowerOnStagger);
                }

                await _host.Boards[i].Device.PowerOnAsync();
            }

            await _host.Clock!.SettleAsync();
        }

        public Task<DatastreamReading> ReadAsync(FleetBoard board, string pin)
        {
            var stream = _host.Blynk.Datastream(board.BlynkToken, pin);
            return Task.FromResult(new DatastreamReading(pin, stream?.Value, stream?.UpdatedAt));
        }

        public Task<bool?> UserLedOnAsync(FleetBoard board) => Task.FromResult(_byId[board.DeviceId].Device.UserLedOn);

        public async Task<DateTimeOffset> SwitchFromAppAsync(FleetBoard board, string pin, string value)
        {
            var at = _host.Clock!.Now;
            _host.Blynk.SwitchFromApp(board.BlynkToken, pin, value);
            await _host.Clock.SettleAsync();
            return at;
        }
    }

    private sealed class EmulatorControl(EmulatedDevice device) : IDeviceControl
    {
        public Task<uint> MillisAsync() => Task.FromResult(device.Millis);

        public Task SetMillisAsync(uint value)
        {
            device.SetMillis(value);
            return Task.CompletedTask;
        }

        public Task<double> V15Async() => Task.FromResult(device.Sketch?.V15 ?? double.NaN);

        public Task SetV15Async(double value)
        {
            (device.Sketch ?? throw new InvalidOperationException("The board is off: it has no v15.")).V15 = value;
            return Task.CompletedTask;
        }

        public Task DropCloudAsync()
        {
            device.DropCloudConnection();
            return Task.CompletedTask;
        }

        public Task RestoreCloudAsync(TimeSpan after)
        {
            device.RestoreCloudConnection(after);
            return Task.CompletedTask;
        }
    }
}
