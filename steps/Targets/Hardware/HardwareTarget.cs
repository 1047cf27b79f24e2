using System.Globalization;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.Observers;
using ParticleBlynk.SerialBridge;

namespace ParticleBlynk.Targets.Hardware;

/// <summary>
/// One scenario on the bench's board: the serial link (from the scenario's start), the account's Particle event stream,
/// the Blynk HTTPS API, and a journal fed only from those — the observers of public interfaces. Real time. The lab is
/// what the bench is: a scenario asking for another board or firmware skips. Disposing leaves the board as found (LED
/// off, V16 back to 0) when the scenario touched them.
/// </summary>
internal sealed class HardwareTarget : ILoopTarget
{
    /// <summary>How long a reset may take until the firmware prints "Setup complete" (it waits up to 30 s for a serial host).</summary>
    private static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan StreamConnect = TimeSpan.FromSeconds(30);

    private readonly HardwareSettings _settings;
    private readonly SerialLink _link;
    private readonly int _firstEntry;
    private readonly HttpClient _http;
    private readonly ParticleEventStream _stream;
    private readonly PublicObservers _observers;
    private readonly ParticleApiClient _particle;
    private readonly BlynkApiClient _blynk;
    private readonly WebhookQuotaGuard _quota;
    private readonly Lock _linkGate = new();
    private readonly List<Task> _notes = [];
    private string? _lastV16;
    private bool _touched;
    private DateTimeOffset? _outageSince;
    private DateTimeOffset? _backAt;
    private ITimer? _confirm;

    private HardwareTarget(
        TargetDescriptor descriptor, LabSpec lab, HardwareSettings settings, SerialLink link, WebhookQuotaGuard quota, HttpClient http, ParticleEventStream stream, PublicObservers observers, Journal journal)
    {
        _quota = quota;
        Descriptor = descriptor;
        Lab = lab;
        _settings = settings;
        _link = link;
        _firstEntry = link.TranscriptCount;
        _http = http;
        _stream = stream;
        _observers = observers;
        Journal = journal;
        Secrets = new Secrets(settings.Tokens());
        _particle = new ParticleApiClient(http, settings.ParticleApi, settings.ParticleToken);
        _blynk = new BlynkApiClient(http, settings.EffectiveBlynkApi, settings.BlynkToken);
        Time = new RealTimeDriver(TimeProvider.System, () => journal.Changes + link.TranscriptCount);
        Device = new BoardSide(this);
        Particle = new ParticleSide(this);
        Blynk = new BlynkSide(this);
        link.Event += OnLinkEvent;
        journal.HopRecorded += OnHop;
    }

    public TargetDescriptor Descriptor { get; }

    public LabSpec Lab { get; }

    public IDeviceSide Device { get; }

    public IParticleSide Particle { get; }

    public IBlynkSide Blynk { get; }

    public ITimeDriver Time { get; }

    public Journal Journal { get; }

    public Secrets Secrets { get; }

    public IDeviceControl? DeviceControl => null;

    public IFaultInjector? Faults => null;

    public static async Task<ILoopTarget> StartAsync(
        LabSpec spec, TargetDescriptor descriptor, HardwareSettings settings, SerialLink link, WebhookQuotaGuard quota, CancellationToken cancellationToken)
    {
        var platform = settings.Platform ?? BoardPlatform(link.Endpoint)
            ?? throw new TargetCannotRunException($"the board type is unknown: set {HardwareSettings.Prefix}PLATFORM (it cannot be read through {link.Endpoint.Display})");
        if (platform.Name != spec.Platform.Name)
        {
            throw new TargetCannotRunException($"the scenario needs a {spec.Platform.Name}; the board on the bench is a {platform.Name}");
        }

        if (settings.Firmware != spec.Firmware)
        {
            throw new TargetCannotRunException($"the scenario needs the {spec.Firmware.ToString().ToLowerInvariant()} firmware; the board runs the {settings.Firmware.ToString().ToLowerInvariant()} one ({HardwareSettings.Prefix}FIRMWARE)");
        }

        // The lab as the bench has it: the real board, account and Blynk device replace the scenario's defaults.
        var lab = spec with
        {
            DeviceId = settings.DeviceId,
            ParticleAccessToken = settings.ParticleToken,
            BlynkToken = settings.BlynkToken,
            BlynkWebhookAccessToken = null,
            FirmwareToken = null,
            BlynkRegion = settings.BlynkHost,
        };
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var stream = ParticleEventStream.Open(http, settings.ParticleApi, settings.ParticleToken);
        try
        {
            await stream.ConnectedAsync(StreamConnect).WaitAsync(cancellationToken);
            var journal = new Journal(TimeProvider.System);
            var observers = new PublicObservers(journal, settings.DeviceId, stream, new BlynkApiClient(http, settings.EffectiveBlynkApi, settings.BlynkToken), TimeProvider.System);
            await observers.StartAsync(cancellationToken);
            observers.Run(TimeSpan.FromMilliseconds(250));
            return new HardwareTarget(descriptor, lab, settings, link, quota, http, stream, observers, journal);
        }
        catch
        {
            await stream.DisposeAsync();
            http.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _link.Event -= OnLinkEvent;
        Journal.HopRecorded -= OnHop;
        if (_touched)
        {
            await LeaveAsFoundAsync();
        }

        await _observers.DisposeAsync();
        await _stream.DisposeAsync();
        _http.Dispose();
        Task[] notes;
        lock (_notes)
        {
            notes = [.. _notes];
        }

        await Task.WhenAll(notes); // a quota note that could not be saved fails the scenario here, not silently
    }

    // A V16 change seen anywhere (the board's republish through the Particle webhook) may have fired Blynk's webhook.
    // Blynk's V16 is polled, so a change back and forth between two reads goes unseen; every publish is seen on the event
    // stream, and one whose v16 differs from the V16 last known (or when none is known) changed V16 through the webhook.
    private void OnHop(Hop hop)
    {
        var changed = false;
        lock (_notes)
        {
            if (hop.Kind == HopKind.DatastreamWrite && HopValues.Written(hop).FirstOrDefault(w => w.Pin == "V16") is { Pin: not null } v16)
            {
                changed = hop.Source != Hop.BlynkApp;
                _lastV16 = v16.Value;
            }
            else if (hop.Kind == HopKind.Publish && hop.DeviceId == _settings.DeviceId && PublishedV16(hop.Payload) is { } published)
            {
                changed = published != _lastV16;
                _lastV16 = published;
            }

            if (changed)
            {
                _notes.Add(_quota.NoteAsync(hop.At));
            }
        }
    }

    private static string? PublishedV16(string? payload)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(payload ?? "");
            return json.RootElement.TryGetProperty("v16", out var v16) ? v16.GetRawText() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // a cut payload (the 90-byte buffer): its webhook renders nothing usable
        }
    }

    /// <summary>
    /// With no particle-cli on PATH: the project's own (scripts/particle-cli.sh installs the pinned version on first use),
    /// found above the test assembly; null when this is not a checkout.
    /// </summary>
    private static string? ProjectParticleCli()
    {
        if (BoardResets.FindOnPath("particle", Environment.GetEnvironmentVariable("PATH")) is not null)
        {
            return null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "particle-cli.sh");
            if (File.Exists(script) && File.Exists(Path.Combine(dir.FullName, "E2E.sln")))
            {
                return script;
            }
        }

        return null;
    }

    /// <summary>The USB product id tells the board, when the endpoint is a local USB port.</summary>
    private static Platform? BoardPlatform(SerialEndpoint endpoint)
    {
        var boards = ParticleUsb.Discover();
        var board = endpoint switch
        {
            UsbDiscoveryEndpoint usb => boards.FirstOrDefault(b => !b.InDfuMode && (usb.Selector is null || string.Equals(b.SerialNumber, usb.Selector, StringComparison.OrdinalIgnoreCase))),
            DevicePathEndpoint path => boards.FirstOrDefault(b => b.TtyPath == path.Path || b.ByIdPath == path.Path || b.PortPath == path.Path),
            _ => null,
        };
        return board?.Platform;
    }

    // LED off, V16 back to 0: the next scenario (and the next person at the bench) finds the board as it was.
    private async Task LeaveAsFoundAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30) + _settings.BlynkWebhookQuota.Window);
        try
        {
            await _particle.CallFunctionAsync(_settings.DeviceId, "blynk_led", "off", cancellationToken: bound.Token);
            if (await _blynk.GetAsync("V16", bound.Token) != "0")
            {
                await _quota.BeforeWriteAsync(bound.Token);
                await _blynk.UpdateAsync("V16", "0", bound.Token);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The board or a cloud is away: nothing more to restore now.
        }
    }

    /// <summary>
    /// The journal's view of the serial link: one hop when the port goes, one when it is back for good. A board-farm export
    /// (ser2net) accepts and hangs up while the board is still away, so a reconnection counts as "back" only once the board
    /// speaks or it has held for <see cref="StableLink"/>; the flaps in between belong to the same gap.
    /// </summary>
    private void OnLinkEvent(SerialLinkEvent linkEvent)
    {
        lock (_linkGate)
        {
            switch (linkEvent)
            {
                case LineReceived line when !line.IsPartial:
                    if (!line.Raw.StartsWith("Device open failure", StringComparison.Ordinal))
                    {
                        ConfirmBackLocked(line.At);
                        _observers.OnSerialLine(new SerialLine(line.At, line.Raw));
                    }

                    break;
                case Disconnected down:
                    _confirm?.Dispose();
                    _backAt = null;
                    if (_outageSince is null)
                    {
                        _outageSince = down.At;
                        Journal.Record(LinkHop(down.At) with { Outcome = HopOutcome.Failed, Reason = "serial port gone: " + down.Reason });
                    }

                    break;
                case Reconnected back when _outageSince is not null:
                    _backAt = back.At;
                    _confirm?.Dispose();
                    _confirm = TimeProvider.System.CreateTimer(_ => { lock (_linkGate) { ConfirmBackLocked(null); } }, null, StableLink, Timeout.InfiniteTimeSpan);
                    break;
            }
        }
    }

    /// <summary>
    /// How long a reopened port must hold (if the board says nothing) before the link counts as back. A tty that opens is
    /// there; a TCP export (ser2net) accepts first and tries the device after — on a loaded machine more than 750 ms
    /// later (seen at load 50: a "back" 750 ms before ser2net's "Device open failure", and the republish after it lost).
    /// </summary>
    private TimeSpan StableLink => _link.Endpoint is DevicePathEndpoint or UsbDiscoveryEndpoint ? TimeSpan.FromMilliseconds(750) : TimeSpan.FromSeconds(3);

    private void ConfirmBackLocked(DateTimeOffset? spokeAt)
    {
        if (_outageSince is not { } since || _backAt is not { } back)
        {
            return;
        }

        _confirm?.Dispose();
        _confirm = null;
        var gap = back - since;
        Journal.Record(LinkHop(back) with
        {
            Outcome = HopOutcome.Delivered, Duration = gap,
            Reason = string.Create(CultureInfo.InvariantCulture, $"serial port back after a gap of {gap.TotalSeconds:0.###} s ({(spokeAt is null ? "held" : "the board spoke")})"),
        });
        (_outageSince, _backAt) = (null, null);
    }

    private Hop LinkHop(DateTimeOffset at) => new()
    {
        Kind = HopKind.DeviceLink, Source = "harness", Target = $"serial {_link.Endpoint.Display}", DeviceId = _settings.DeviceId, At = at, Feed = Feed.Serial,
    };

    private sealed class BoardSide(HardwareTarget target) : IDeviceSide
    {
        private readonly IBoardReset _reset = BoardResets.FromSettings(target._settings.ResetCommand, target._settings.DeviceId, target._settings.ParticleCli ?? ProjectParticleCli());

        public string DeviceId => target._settings.DeviceId;

        public Platform Platform => target.Lab.Platform;

        public string? CannotPowerOnReason => _reset.CannotResetReason;


        public IReadOnlyList<SerialLine> SerialLines =>
            [.. target._link.Transcript.Skip(target._firstEntry).Select(e => e.Event).OfType<LineReceived>().Select(l => new SerialLine(l.At, l.Raw))];

        /// <summary>Resets the board and waits until the firmware says "Setup complete" (it may wait for the serial host first).</summary>
        /// <summary>
        /// Resets the board and waits until it is up: "Setup complete" on serial, or an event of the board on the stream
        /// (a serial export may lose what the board prints while it re-enumerates; the boot publish still arrives).
        /// </summary>
        public async Task PowerOnAsync()
        {
            var from = target._link.TranscriptCount;
            var events = target._stream.Count;
            var outcome = await _reset.ResetAsync();
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException($"Resetting the board failed ({_reset.Description}): {outcome.Summary}");
            }

            var up = await target.Time.WaitUntilAsync(
                () => ValueTask.FromResult(
                    target._link.Transcript.Skip(from).Any(e => e.Event is LineReceived { Line: SetupComplete })
                    || target._stream.Events.Skip((int)events).Any(e => e.CoreId == DeviceId)),
                BootLimit);
            if (!up)
            {
                throw new TimeoutException($"The board showed no sign of life (\"Setup complete\" on serial, an event on the stream) within {BootLimit.TotalSeconds} s of the reset. Serial:{Environment.NewLine}{string.Join(Environment.NewLine, target._link.Transcript.Skip(from))}");
            }
        }

        public async Task UnplugSerialAsync(TimeSpan duration)
        {
            var command = target._settings.UnplugCommand ?? throw new NotSupportedException($"{HardwareSettings.Prefix}UNPLUG_COMMAND is not set");
            var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var outcome = await new CommandReset($"E2E_UNPLUG_SECONDS={seconds}; export E2E_UNPLUG_SECONDS; {command}").ResetAsync();
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException($"The unplug command failed: {outcome.Summary}");
            }
        }

        public Task<bool?> UserLedOnAsync() => throw new NotSupportedException("target 'hardware' cannot see the board's D7 LED");
    }

    private sealed class ParticleSide(HardwareTarget target) : IParticleSide
    {
        public string AccessToken => target._settings.ParticleToken;

        public IReadOnlyList<CloudEvent> Events => target._stream.Events;

        public Task<IEventStreamReader> OpenEventStreamAsync() => EventStreamReader.OpenAsync(target._settings.ParticleApi, target._settings.ParticleToken);

        public async Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null, string parameter = "args")
        {
            target._touched = true;
            if (function == "blynk_led" && argument is "on" or "1")
            {
                // The republish turns V16 on through the Particle webhook, which fires the V16 webhook when the quota has
                // room (and calls blynk_led back): wait for room, so what follows does not depend on the last scenario.
                await target._quota.WaitForRoomAsync();
            }

            var calledAt = target.Time.Now;
            var answer = await target._particle.CallFunctionAsync(deviceId, function, argument, accessToken, parameter);
            HarnessHops.FunctionCall(target.Journal, deviceId, function, argument, calledAt, answer, target.Time.Now);
            return answer;
        }

        public Task<ApiAnswer> GetAsync(string path, string? accessToken = null) => target._particle.GetAsync(path, accessToken);

        public Task<ApiAnswer> PublishEventAsync(string name, string data)
        {
            target._touched = true;
            return target._particle.PublishEventAsync(name, data);
        }
    }

    private sealed class BlynkSide(HardwareTarget target) : IBlynkSide
    {
        public string DeviceToken => target._settings.BlynkToken;

        public Uri? DashboardUrl => null;

        public async Task<DatastreamReading> ReadAsync(string pin) => new(pin, await target._blynk.GetAsync(pin), null);

        public Task<DateTimeOffset?> LastUpdateAsync() => throw new NotSupportedException("Blynk's Last Update shows in its console only, not in any API");

        public Task<bool> IsOnlineAsync() => target._blynk.IsHardwareConnectedAsync();

        /// <summary>
        /// The app's own protocol is not public: the switch is written through the HTTPS API (update), which is what a
        /// script of the user's would do. Whether Blynk fires the datastream webhook for it is UNCONFIRMED (contracts.md §9.3).
        /// </summary>
        public async Task<DateTimeOffset> SwitchFromAppAsync(string pin, string value)
        {
            target._touched = true;
            await target._quota.BeforeWriteAsync();
            var at = target.Time.Now;
            HarnessHops.AppSwitch(target.Journal, pin, value, at);
            var (status, body) = await target._blynk.UpdateAsync(pin, value);
            return status == 200 ? at : throw new InvalidOperationException($"Blynk refused the switch {pin}={value}: {status} {body}");
        }
    }
}
