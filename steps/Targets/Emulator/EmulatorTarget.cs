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
