using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.ParticleCloud;
using ParticleBlynk.Timeline;
using BlynkMock = ParticleBlynk.BlynkCloud.BlynkCloud;
using ParticleMock = ParticleBlynk.ParticleCloud.ParticleCloud;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// The emulator target (CI): the firmware emulator and both mocks in-process on one virtual clock. Host names stay
/// as the doc writes them: ny3.blynk.cloud and api.particle.io are resolved to the mocks by the host map.
/// </summary>
public sealed class EmulatorTarget : ILoopTarget
{
    private readonly HarnessClock _clock;
    private readonly HarnessServices _services;
    private readonly ParticleMock _particle;
    private readonly BlynkMock _blynk;
    private readonly EmulatedDevice _device;

    private EmulatorTarget(LabOptions options, HarnessClock clock, HarnessServices services, ParticleMock particle, BlynkMock blynk)
    {
        Options = options;
        _clock = clock;
        _services = services;
        _particle = particle;
        _blynk = blynk;
        _device = new EmulatedDevice(
            new EmulatorOptions
            {
                DeviceId = options.DeviceId,
                Platform = options.Platform,
                Sketch = options.Sketch,
                BlynkToken = options.FirmwareToken ?? options.BlynkToken,
                CloudConnectDelay = options.CloudConnectDelay,
                SerialHostAttached = options.SerialHostAttached,
                MillisAtBoot = options.MillisAtBoot,
                LoopInterval = options.LoopInterval,
            },
            particle.DeviceGateway,
            clock.Time);
        _device.PublishAttempted += RecordPublishThatNeverLeft;
        clock.Attach(new DeviceOnClock(_device));
        Particle = new ParticleSide(this);
        Blynk = new BlynkSide(this);
        Time = new VirtualTime(clock);
        VirtualDevice = new EmulatorControl(_device);
        Faults = new MockFaults(blynk);
    }

    public LabOptions Options { get; }

    public string Name => "emulator";

    public IDeviceUnderTest Device => _device;

    public EmulatedDevice Emulator => _device;

    public ParticleMock ParticleCloud => _particle;

    public BlynkMock BlynkCloud => _blynk;

    public IParticleSide Particle { get; }

    public IBlynkSide Blynk { get; }

    public ITimeDriver Time { get; }

    public Journal Journal => _services.Journal;

    public IVirtualDeviceControl? VirtualDevice { get; }

    public IFaultInjector? Faults { get; }

    public HarnessServices Services => _services;

    /// <summary>Starts both mocks on random loopback ports and wires the doc's configuration between them.</summary>
    public static async Task<EmulatorTarget> StartAsync(LabOptions options)
    {
        var clock = new HarnessClock();
        var services = HarnessServices.Virtual(clock);
        var particle = ParticleMock.Start(
            new ParticleCloudBuilder()
                .WithAccount("lab@example.com", options.ParticleAccessToken)
                .WithDevice("lab@example.com", options.DeviceId, options.DeviceName, options.Platform)
                .WithWebhook(options.ParticleWebhookJson)
                .Build(),
            services);
        try
        {
            var blynk = await new BlynkCloudBuilder()
                .WithSeedIntegration(options.BlynkToken, options.DeviceId, options.BlynkWebhookAccessToken ?? options.ParticleAccessToken, options.BlynkRegion)
                .WithQuota(options.BlynkWebhookQuota)
                .StartAsync(services);
            blynk.MapHosts();
            services.Hosts.Map("api.particle.io", particle.Url);
            return new EmulatorTarget(options, clock, services, particle, blynk);
        }
        catch
        {
            await particle.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _device.PublishAttempted -= RecordPublishThatNeverLeft;
        await _device.DisposeAsync();
        await _blynk.DisposeAsync();
        await _particle.DisposeAsync();
    }

    // Publishes refused on the device never reach the cloud: the journal hears of them from the device.
    private void RecordPublishThatNeverLeft(PublishAttempt attempt)
    {
        var (outcome, reason) = attempt.Outcome switch
        {
            PublishOutcome.RateLimited => (HopOutcome.RateLimited, "Device OS publish rate limiter (5th attempt within 1000 ms)"),
            PublishOutcome.NotConnected => (HopOutcome.Rejected, "Particle.publish while the cloud is not connected: returns false, nothing sent"),
            PublishOutcome.NotAcknowledged => (HopOutcome.Failed, "no cloud acknowledgement"),
            _ => (HopOutcome.Delivered, null),
        };
        if (reason is not null)
        {
            _services.Journal.Record(Leg.L1, $"device {Options.DeviceId}", "Particle Cloud", $"publish {attempt.Name}", attempt.Data, outcome, reason, attempt.At);
        }
    }

    private sealed class DeviceOnClock(EmulatedDevice device) : IClockParticipant
    {
        public DateTimeOffset? NextDueAt => device.NextDueAt;

        public void RunDue(DateTimeOffset now) => device.RunDue(now);
    }

    private sealed class VirtualTime(HarnessClock clock) : ITimeDriver
    {
        public DateTimeOffset Now => clock.Now;

        public bool IsVirtual => true;

        public Task PassAsync(TimeSpan span) => clock.AdvanceAsync(span);

        public Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit) => clock.AdvanceUntilAsync(condition, limit);

        public Task<T> CompleteAsync<T>(Task<T> work, TimeSpan limit) => clock.CompleteAsync(work, limit);

        public Task<T> RunAsync<T>(string name, Func<Task<T>> work) => clock.Work.Run(name, work);
    }

    private sealed class ParticleSide(EmulatorTarget target) : IParticleSide
    {
        private readonly HttpClient _http = target._services.Hosts.CreateClient(target._services.Work);

        public string AccessToken => target.Options.ParticleAccessToken;

        public IReadOnlyList<CloudEvent> EventsFrom(string deviceId) =>
            target._particle.Events.Where(e => e.CoreId == deviceId).Select(ToCloudEvent).ToList();

        public IReadOnlyList<CloudEvent> Events(string prefix) =>
            target._particle.Events.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(ToCloudEvent).ToList();

        public async Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://api.particle.io/v1/devices/{deviceId}/{function}"))
            {
                Content = JsonContent.Create(new { args = argument }),
            };
            request.Headers.Authorization = new("Bearer", accessToken ?? AccessToken);
            var call = target.Time.RunAsync($"call {function}({argument})", async () =>
            {
                using var response = await _http.SendAsync(request);
                return (Status: (int)response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            });
            var (status, body) = await target.Time.CompleteAsync(call, TimeSpan.FromMinutes(1));
            return new FunctionCallResponse(status, body, ReturnValue(body));
        }

        public async Task<ApiAnswer> GetAsync(string path, string? accessToken = null)
        {
            var call = target.Time.RunAsync($"GET {path}", async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.particle.io" + path));
                request.Headers.Authorization = new("Bearer", accessToken ?? AccessToken);
                using var response = await _http.SendAsync(request);
                return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            });
            return await target.Time.CompleteAsync(call, TimeSpan.FromMinutes(1));
        }

        public IReadOnlyList<ReceivedRequest>? ReceivedRequests(string pathPrefix) =>
            target._particle.Server.LogEntries
                .Select(e => e.RequestMessage)
                .Where(r => r is not null && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
                .Select(r => new ReceivedRequest(
                    r!.Method,
                    r.Path,
                    (r.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>()).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase),
                    r.Body ?? string.Empty))
                .ToList();

        private static int? ReturnValue(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.TryGetProperty("return_value", out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static CloudEvent ToCloudEvent(ParticleEvent e) => new(e.Name, e.Data, e.PublishedAt, e.CoreId);
    }

    private sealed class BlynkSide(EmulatorTarget target) : IBlynkSide
    {
        public string DeviceToken => target.Options.BlynkToken;

        public DateTimeOffset? LastUpdate => target._blynk.LastUpdate(DeviceToken);

        public bool IsOnline => target._blynk.IsOnline(DeviceToken);

        public DatastreamReading Read(string pin)
        {
            var stream = target._blynk.Datastream(DeviceToken, pin);
            return new DatastreamReading(pin, stream?.Value, stream?.UpdatedAt);
        }

        public Task SwitchFromAppAsync(string pin, string value)
        {
            target._blynk.SwitchFromApp(DeviceToken, pin, value);
            return target._clock.SettleAsync();
        }
    }

    private sealed class MockFaults(BlynkMock blynk) : IFaultInjector
    {
        public TimeSpan BlynkResponseLatency
        {
            get => blynk.ResponseLatency;
            set => blynk.ResponseLatency = value;
        }

        public bool BlynkUnreachable
        {
            get => blynk.Unreachable;
            set => blynk.Unreachable = value;
        }
    }

    private sealed class EmulatorControl(EmulatedDevice device) : IVirtualDeviceControl
    {
        public uint Millis => device.Millis;

        public double V15
        {
            get => device.Sketch?.V15 ?? double.NaN;
            set => device.Sketch!.V15 = value;
        }

        public void SetMillis(uint value) => device.SetMillis(value);

        public void DropCloudConnection() => device.DropCloudConnection();

        public void RestoreCloudConnection(TimeSpan after) => device.RestoreCloudConnection(after);
    }
}

/// <summary>Makes the lab of the target named by E2E_TARGET (runsettings); other targets are skipped with the reason.</summary>
public static class LoopTargets
{
    public static string Selected => Environment.GetEnvironmentVariable("E2E_TARGET") is { Length: > 0 } name ? name : "emulator";

    public static async Task<ILoopTarget> StartAsync(LabOptions options) => Selected switch
    {
        "emulator" => await EmulatorTarget.StartAsync(options),
        "containers" => throw SkipException("the containers target (mocks in Testcontainers) is not built yet"),
        "hardware" => throw SkipException("no board attached: the USB-serial bridge and hardware target are not built yet"),
        var other => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Unknown E2E_TARGET '{other}' (emulator, containers, hardware).")),
    };

    private static Exception SkipException(string reason) => Xunit.Sdk.SkipException.ForSkip($"Target '{Selected}': {reason}.");
}
