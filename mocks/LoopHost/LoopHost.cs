using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Emulator;
using ParticleBlynk.Loop;
using ParticleBlynk.SerialBridge;
using ParticleBlynk.Timeline;
using BlynkMock = ParticleBlynk.BlynkCloud.BlynkCloud;
using ParticleMock = ParticleBlynk.ParticleCloud.ParticleCloud;

namespace ParticleBlynk.LoopHost;

/// <summary>How a loop host runs.</summary>
public sealed record LoopHostOptions
{
    /// <summary>Virtual time (a <see cref="HarnessClock"/> that moves only when a driver advances it) or the wall clock.</summary>
    public bool VirtualTime { get; init; }

    /// <summary>127.0.0.1 port of the Particle mock (0: a free one).</summary>
    public int ParticlePort { get; init; }

    /// <summary>127.0.0.1 port of the Blynk mock (0: a free one).</summary>
    public int BlynkPort { get; init; }

    /// <summary>Where journal hops and host-map lines go as they happen (stderr for the lab); tokens redacted first.</summary>
    public Action<string>? Log { get; init; }

    public int JournalCapacity { get; init; } = Journal.DefaultCapacity;

    /// <summary>How long READY may wait for the boards that power on at start (wall time).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>One emulated board of a running loop, and its USB serial behind a pseudo-terminal when the lab puts it there.</summary>
public sealed class LabBoard(BoardOptions options, EmulatedDevice device, PseudoTerminal? serial)
{
    public BoardOptions Options { get; } = options;

    public EmulatedDevice Device { get; } = device;

    /// <summary>The board's USB serial as a tty (<see cref="BoardOptions.SerialPty"/>), null when the lab keeps it in-process.</summary>
    public PseudoTerminal? Serial { get; } = serial;

    public string Id => Options.Id;

    /// <summary>Booted (setup() returned), connected to the cloud, its functions registered.</summary>
    public bool IsReady => Device.SetupComplete && Device.CloudConnected;

    /// <summary>off, booting or ready.</summary>
    public string State => !Device.IsPoweredOn ? "off" : IsReady ? "ready" : "booting";
}

/// <summary>
/// The one loop host (design.md §2): starts both mocks on 127.0.0.1, maps the doc's host names to them, claims and
/// creates the emulated boards, and runs everything on one clock — a <see cref="HarnessClock"/> on virtual time, or a
/// real-time scheduler. The emulator target, the standalone lab, the lab image and fleet runs all start their loop here.
/// </summary>
public sealed class LoopHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopHostOptions _options;
    private double[] _lastV15 = [];
    private long _deviceChanges;

    private LoopHost(LabConfiguration configuration, LoopHostOptions options, HarnessClock? clock, HarnessServices services)
    {
        Configuration = configuration;
        _options = options;
        Clock = clock;
        Services = services;
        Secrets = new Secrets(configuration.Tokens());
        Faults = new LabFaults(this);
    }

    public LabConfiguration Configuration { get; }

    /// <summary>The virtual clock; null on the wall clock.</summary>
    public HarnessClock? Clock { get; }

    public HarnessServices Services { get; }

    public Journal Journal => Services.Journal;

    /// <summary>The lab's tokens: every line it writes is redacted with them.</summary>
    public Secrets Secrets { get; }

    public ParticleMock Particle { get; private set; } = null!;

    public BlynkMock Blynk { get; private set; } = null!;

    public IReadOnlyList<LabBoard> Boards { get; private set; } = [];

    /// <summary>The fault catalogue, injected into this loop.</summary>
    public LabFaults Faults { get; }

    /// <summary>The real-time scheduler; null on virtual time.</summary>
    public RealTimeDeviceScheduler? Scheduler { get; private set; }

    /// <summary>Bumped whenever something observable changes: a hop, a serial line, the LED, the sensor.</summary>
    public long ChangeStamp => Journal.Changes + Interlocked.Read(ref _deviceChanges);

    public static async Task<LoopHost> StartAsync(LabConfiguration configuration, LoopHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new LoopHostOptions();
        var clock = options.VirtualTime ? new HarnessClock() : null;
        var services = clock is not null ? HarnessServices.Virtual(clock, options.JournalCapacity) : HarnessServices.RealTime(options.JournalCapacity);
        var host = new LoopHost(configuration, options, clock, services);
        try
        {
            await host.StartPartsAsync().ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The board with id <paramref name="id"/>.</summary>
    public LabBoard Board(string id) =>
        Boards.FirstOrDefault(b => b.Id == id) ?? throw new KeyNotFoundException($"The lab has no board {id}.");

    /// <summary>Runs <paramref name="action"/> where the boards run: inline on virtual time, on the scheduler's loop on real time.</summary>
    public Task<T> OnBoardsAsync<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Scheduler is { } scheduler ? scheduler.InvokeAsync(action) : Task.FromResult(action());
    }

    public Task OnBoardsAsync(Action action) => OnBoardsAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Completes when every board that powers on at start is ready (virtual time: the clock runs until it is).</summary>
    public async Task WhenReadyAsync()
    {
        if (Clock is { } clock)
        {
            var atStart = Boards.Where(b => b.Options.PowerOn == PowerOn.AtStart).ToList();
            // Ready (setup returned, cloud connected) only changes with an effect of the device: loops between effects batch.
            if (!await clock.AdvanceUntilAsync(() => atStart.All(b => b.IsReady), TimeSpan.FromMinutes(2), ConditionCheck.AfterEffects).ConfigureAwait(false))
            {
                throw new TimeoutException($"Boards not ready after 2 virtual minutes: {string.Join(", ", atStart.Where(b => !b.IsReady).Select(b => $"{b.Id} {b.State}"))}.");
            }

            return;
        }

        try
        {
            await _ready.Task.WaitAsync(_options.ReadyTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var late = await OnBoardsAsync(() => string.Join(", ", Boards.Where(b => b.Options.PowerOn == PowerOn.AtStart && !b.IsReady).Select(b => $"{b.Id} {b.State}"))).ConfigureAwait(false);
            throw new TimeoutException($"Boards not ready after {_options.ReadyTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: {late}.");
        }
    }

    /// <summary>
    /// The JSON of the READY line: where the clouds listen, the boards and their state, tokens redacted (the lab's
    /// configuration file holds them). The lab adds its control API. <c>dashboardUrl</c> is the dashboard link with its
    /// token (<c>…/dashboard/1#token=…</c>), usable as printed, like the control token: whoever reads READY may drive the lab.
    /// </summary>
    public Dictionary<string, object?> ReadyReport()
    {
        var first = Configuration.Devices.FirstOrDefault();
        var blynkToken = first?.Token is { } t && Configuration.Blynk.Devices.Any(d => d.Token == t) ? t : Configuration.Blynk.Devices.FirstOrDefault()?.Token;
        return new Dictionary<string, object?>
        {
            ["particleUrl"] = Particle.Url.ToString().TrimEnd('/'),
            ["blynkUrl"] = Blynk.Url.ToString().TrimEnd('/'),
            ["dashboardUrl"] = blynkToken is null ? null : Blynk.DashboardUrl(blynkToken).ToString(),
            ["deviceId"] = first?.Id,
            ["particleToken"] = Configuration.ParticleToken is { } p ? Secrets.Mask(p) : null,
            ["blynkToken"] = blynkToken is null ? null : Secrets.Mask(blynkToken),
            ["virtualTime"] = Clock is not null,
            ["boards"] = Boards.Select(b => new Dictionary<string, string> { ["id"] = b.Id, ["platform"] = b.Options.Platform.Name, ["state"] = b.State }).ToArray(),
        };
    }

    public static string ReadyLine(IReadOnlyDictionary<string, object?> report) => "READY " + JsonSerializer.Serialize(report);

    public async ValueTask DisposeAsync()
    {
        Faults.Dispose();

        // Boards first (they publish into the mocks), then the mocks.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
    }

    private async Task StartPartsAsync()
    {
        if (_options.Log is { } log)
        {
            Journal.HopRecorded += hop => log(Secrets.Redact(JournalText.Render([hop]).TrimEnd()));
        }

        Particle = (await ParticleMock.StartAsync(Configuration.ParticleWithBoards(), Services, _options.ParticlePort).ConfigureAwait(false)).MapHosts();
        _owned.Add(Particle);
        Blynk = (await BlynkMock.StartAsync(Configuration.Blynk, Services, _options.BlynkPort).ConfigureAwait(false)).MapHosts();
        _owned.Add(Blynk);
        Secrets.Add(Blynk.DashboardToken); // READY's dashboardUrl carries it; every log line masks it
        foreach (var route in Services.Hosts.Routes.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            _options.Log?.Invoke($"host map: {route.Key} -> {route.Value}");
        }

        var boards = Configuration.Devices.Select(b => new LabBoard(
            b,
            new EmulatedDevice(b.ToEmulatorOptions(), Particle.DeviceGateway, Services.Time),
            b.SerialPty is { } link ? PseudoTerminal.Open(link) : null)).ToList();
        Boards = boards;
        _lastV15 = new double[boards.Count];
        foreach (var board in boards)
        {
            _owned.Add(board.Device);
            if (board.Serial is { } pty)
            {
                // The firmware's bytes go to the tty as a USB CDC port sends them (dropped while no host has it open).
                _owned.Add(new DisposeAction(pty.Dispose));
                board.Device.SerialBytesWritten += bytes => pty.Write(bytes);
                board.Device.SetSerialHostAttached(pty.HostAttached);
                _options.Log?.Invoke($"board {board.Id}: USB serial on {pty}");
            }

            board.Device.PublishAttempted += attempt => RecordRefused(board.Device, attempt);
            board.Device.SerialLineWritten += _ => Interlocked.Increment(ref _deviceChanges);
            board.Device.UserLedChanged += _ => Interlocked.Increment(ref _deviceChanges);
        }

        var atStart = boards.Where(b => b.Options.PowerOn == PowerOn.AtStart).ToList();
        if (Clock is { } clock)
        {
            for (var i = 0; i < boards.Count; i++)
            {
                clock.Attach(new BoardOnClock(this, i));
            }

            foreach (var board in atStart)
            {
                await board.Device.PowerOnAsync().ConfigureAwait(false);
            }

            return;
        }

        Scheduler = RealTimeDeviceScheduler.Start(Services.Time, [.. boards.Select(b => b.Device)], () =>
        {
            NoteSerialHosts();
            NoteSensorChanges();
            if (!_ready.Task.IsCompleted && atStart.All(b => b.IsReady))
            {
                _ready.TrySetResult();
            }
        });
        _owned.Add(Scheduler);
        await Scheduler.InvokeAsync(() =>
        {
            foreach (var board in atStart)
            {
                board.Device.PowerOnAsync().GetAwaiter().GetResult(); // synchronous in the emulator: runs setup up to its first wait
            }

            return true;
        }).ConfigureAwait(false);
    }

    // Serial.isConnected() is true while a host has the board's port open (DTR on a real board; an open tty here).
    private void NoteSerialHosts()
    {
        foreach (var board in Boards)
        {
            if (board.Serial is { } pty && pty.HostAttached != board.Device.Os?.Serial.HostAttached)
            {
                board.Device.SetSerialHostAttached(pty.HostAttached);
            }
        }
    }

    private void NoteSensorChanges()
    {
        for (var i = 0; i < Boards.Count; i++)
        {
            NoteSensorChange(i);
        }
    }

    // The simulated sensor moves inside loop() without an event: a change of it counts as "something observable changed".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NoteSensorChange(int board)
    {
        if (Boards[board].Device.Sketch is { } sketch && sketch.V15 != _lastV15[board])
        {
            _lastV15[board] = sketch.V15;
            Interlocked.Increment(ref _deviceChanges);
            return true;
        }

        return false;
    }

    // Publishes refused on the device never reach the cloud: the journal hears of them from the device.
    private void RecordRefused(EmulatedDevice device, PublishAttempt attempt)
    {
        var (outcome, reason) = attempt.Outcome switch
        {
            PublishOutcome.RateLimited => (HopOutcome.RateLimited, "Device OS publish rate limiter (the 5th publish within 1000 ms)"),
            PublishOutcome.NotConnected => (HopOutcome.Rejected, "Particle.publish while the cloud is not connected: returns false, nothing sent"),
            PublishOutcome.NotAcknowledged when !device.PublishAcknowledged => (HopOutcome.Failed, "no cloud acknowledgement"),
            PublishOutcome.LinkLost => (HopOutcome.Failed, "the cloud link dropped while the publish was in flight: no acknowledgement, Particle.publish returned false, the event is lost"),
            _ => (HopOutcome.Delivered, (string?)null),
        };
        if (reason is not null)
        {
            Journal.Record(new Hop
            {
                Kind = HopKind.PublishRefused, Source = $"device {device.DeviceId}", Target = "Particle Cloud", DeviceId = device.DeviceId,
                EventName = attempt.Name, Payload = attempt.Data, Outcome = outcome, Reason = reason, At = attempt.At,
            });
        }
    }

    // A board on the harness clock. Its loops may run back to back (batched) while nothing else happens; a sensor change
    // counts as an effect like the device's own (it bumps ChangeStamp, which drivers wait on): a batch that stops after
    // effects stops after it.
    private sealed class BoardOnClock : IBatchingClockParticipant
    {
        private readonly LoopHost _host;
        private readonly int _board;
        private readonly EmulatedDevice _device;
        private readonly Func<DateTimeOffset, bool> _next;
        private readonly Func<long> _instant;
        private Func<DateTimeOffset, bool>? _moveTo;
        private bool _stopAfterEffects;

        public BoardOnClock(LoopHost host, int board)
        {
            _host = host;
            _board = board;
            _device = host.Boards[board].Device;
            _next = Next;
            _instant = () => _device.BatchInstantTicks;
        }

        public DateTimeOffset? NextDueAt => _device.NextDueAt;

        public void RunDue(DateTimeOffset now)
        {
            _device.RunDue(now);
            _host.NoteSensorChange(_board);
        }

        // Between two batched loops (millions a virtual day): optimized from the first call, see EmulatedDevice.RunDueBatch.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Next(DateTimeOffset instant) => !(_host.NoteSensorChange(_board) && _stopAfterEffects) && _moveTo!(instant);

        public long RunDueBatch(DateTimeOffset now, DateTimeOffset before, Func<DateTimeOffset, bool> moveTo, bool stopAfterEffects)
        {
            if (!stopAfterEffects && _host.Clock is { } clock)
            {
                // Advancing: loops run as bare, time lent to the device; every crossing to another component is a device
                // effect, and the batch ends right after it.
                clock.Time.BeginBatch(_instant);
                long ran;
                try
                {
                    ran = _device.RunDueUntilEffect(now, before);
                }
                finally
                {
                    clock.Time.EndBatch(new DateTimeOffset(_device.BatchInstantTicks, TimeSpan.Zero));
                }

                _host.NoteSensorChange(_board);
                return ran;
            }

            _moveTo = moveTo;
            _stopAfterEffects = stopAfterEffects;
            var batched = _device.RunDueBatch(now, before, _next, stopAfterEffects);
            _host.NoteSensorChange(_board);
            return batched;
        }
    }

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
