using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Acceptance.Support;
using ParticleBlynk.Gherkin;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// One scenario's lab: collects the Given configuration (a <see cref="LabSpec"/>), starts the run's target on first use,
/// guards every capability the scenario must declare, and offers the domain operations the steps are made of.
/// Scenario-scoped (Reqnroll context injection), never shared. It knows no target by name: only the seam.
/// </summary>
public sealed partial class LabDriver(ScenarioContext scenario) : IAsyncDisposable, IReportRedactor
{
    private readonly List<IEventStreamReader> _readers = [];
    private ILoopTarget? _target;
    private TargetDescriptor? _descriptor;
    private IReadOnlySet<Capability>? _declared;

    /// <summary>The lab the scenario asks for (fresh random tokens: no token is ever a constant).</summary>
    public LabSpec Spec { get; private set; } = LabSpec.Standard();

    public bool Started => _target is not null;

    /// <summary>The running target (started on first use).</summary>
    public ILoopTarget Target => _target ?? throw new InvalidOperationException("The lab has not started yet: a step must power the device on first.");

    public Journal Journal => Target.Journal;

    /// <summary>Every token of the scenario (also before the target started): whatever a step writes goes through it.</summary>
    public Secrets Secrets => _target?.Secrets ?? new Secrets(Spec.Tokens());

    /// <summary>Masks the scenario's tokens in a failure's text (the report, TRX, console).</summary>
    public string Redact(string text) => Secrets.Redact(text);

    /// <summary>The capabilities the scenario's tags declare (@needs:…).</summary>
    public IReadOnlySet<Capability> Declared => _declared ??= Capabilities.Declared(scenario.ScenarioInfo.CombinedTags);

    /// <summary>The run's target card.</summary>
    public async Task<TargetDescriptor> DescriptorAsync() => _descriptor ??= (await AcceptanceTestRun.CurrentAsync()).Target;

    /// <summary>Changes the lab before it starts (Given steps); <paramref name="needs"/> is the capability the change takes.</summary>
    public void Configure(Func<LabSpec, LabSpec> change, Capability? needs = null, string? what = null)
    {
        if (_target is not null)
        {
            throw new InvalidOperationException("The lab is already running: configure it in Given steps before the device powers on.");
        }

        if (needs is { } capability)
        {
            Require(capability, what ?? "this Given step");
        }

        Spec = change(Spec);
    }

    /// <summary>
    /// The standard lab on <paramref name="platform"/> running <paramref name="firmware"/> on Device OS
    /// <paramref name="deviceOs"/> (null: the platform's default). Choosing what is flashed takes device control.
    /// </summary>
    public void ConfigureBoard(ParticleBlynk.Device.Platform platform, Version? deviceOs, FirmwareKind firmware)
    {
        if (deviceOs is not null && !platform.SupportsDeviceOs(deviceOs))
        {
            throw new ArgumentException($"No {platform.Name} runs Device OS {deviceOs.ToString(3)}: its last line is {platform.DefaultDeviceOs.ToString(2)} (docs/platforms.md).", nameof(deviceOs));
        }

        Configure(
            spec => spec with { Platform = platform, DeviceOsVersion = deviceOs, Firmware = firmware },
            Capability.DeviceControl,
            $"Flashing a {platform.Name} with Device OS {(deviceOs ?? platform.DefaultDeviceOs).ToString(3)}");
    }

    /// <summary>
    /// Guards a capability: the scenario must declare it (a step that uses more than it says fails, naming the tag, so
    /// tags cannot rot) and the target must have it (else the scenario skips with the target's reason).
    /// </summary>
    public void Require(Capability capability, string what)
    {
        if (!Declared.Contains(capability))
        {
            throw new UndeclaredCapabilityException(
                $"{what} needs {Capabilities.Name(capability)}, but the scenario does not declare it: tag it @{Capabilities.Tag(capability)}.");
        }

        if (_descriptor is { } target && target.WhyNot(capability) is { } reason)
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Target '{target.Name}': {reason}.");
        }
    }

    public async Task<ILoopTarget> StartAsync()
    {
        if (_target is not null)
        {
            return _target;
        }

        var descriptor = await DescriptorAsync();
        try
        {
            _target = await descriptor.StartAsync(Spec, CancellationToken.None);
        }
        catch (TargetCannotRunException ex)
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Target '{descriptor.Name}': {ex.Message}");
        }

        return _target;
    }

    /// <summary>Replaces the names of the lab's tokens in a step's text: "&lt;the account's access token&gt;", "&lt;the Blynk device's token&gt;", "&lt;the device id&gt;".</summary>
    public string Expand(string text)
    {
        var lab = _target?.Lab ?? Spec;
        return text
            .Replace("<the account's access token>", lab.ParticleAccessToken, StringComparison.Ordinal)
            .Replace("<the Blynk device's token>", lab.BlynkToken, StringComparison.Ordinal)
            .Replace("<the firmware's token>", lab.EffectiveFirmwareToken, StringComparison.Ordinal)
            .Replace("<the device id>", lab.DeviceId, StringComparison.Ordinal);
    }

    public async Task PowerOnAsync()
    {
        var target = await StartAsync();
        if (target.Device.CannotPowerOnReason is { } reason)
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Target '{target.Descriptor.Name}': {reason}.");
        }

        MarkPoweredOn(target.Time.Now);
        await target.Device.PowerOnAsync();
    }

    /// <summary>The board's USB serial port goes away for <paramref name="duration"/>; time passes until it is back.</summary>
    public async Task UnplugSerialAsync(TimeSpan duration)
    {
        Require(Capability.SerialPort, "Taking the board's USB serial port away");
        var target = await StartAsync();
        var links = Journal.Count;
        await target.Device.UnplugSerialAsync(duration);
        await WaitUntilAsync(() => Journal.Since(links).Any(h => h.Kind == HopKind.DeviceLink && h.Outcome == HopOutcome.Delivered), duration + TimeSpan.FromSeconds(30));
    }

    public async Task PassAsync(TimeSpan span)
    {
        var target = await StartAsync();
        await target.Time.PassAsync(span);
    }

    /// <summary>Lets time pass until <paramref name="condition"/> holds (or <paramref name="limit"/> is up).</summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var target = await StartAsync();
        return await target.Time.WaitUntilAsync(() => ValueTask.FromResult(condition()), limit);
    }

    /// <summary>Powers on (if needed) and lets time pass until the device has made <paramref name="count"/> publishes.</summary>
    public async Task WaitForPublishesAsync(int count, TimeSpan limit)
    {
        await StartAsync();
        if (PoweredOnAt is null)
        {
            await PowerOnAsync();
        }

        if (!await WaitUntilAsync(() => PublishCount >= count, limit))
        {
            throw new TimeoutException(
                $"Expected {count} publish(es) from the device within {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, saw {PublishCount}.{Environment.NewLine}{JournalText()}");
        }

        if (!Target.Time.IsVirtual)
        {
            await SettleLastPublishAsync();
        }
    }

    /// <summary>
    /// On real time a publish seen on the event stream is still on its way to Blynk: its webhook's batch/update lands tens
    /// of ms later and would overwrite a V16 the next step writes. Waits (at most 5 s) until the journal shows where the
    /// last publish went — stored on Blynk, or a failed webhook; the scenario's own steps assert on the outcome.
    /// (On virtual time "everything due has settled" already holds when the wait returns.)
    /// </summary>
    private async Task SettleLastPublishAsync()
    {
        if (Journal.Hops.LastOrDefault(h => h.Kind == HopKind.Publish && h.DeviceId == Target.Lab.DeviceId) is not { Correlation.Length: > 0 } publish)
        {
            return;
        }

        await WaitUntilAsync(
            () => Journal.Hops.Any(h => h.Correlation == publish.Correlation
                && (h.Kind == HopKind.DatastreamWrite || (h.Kind == HopKind.WebhookResponse && h.Outcome != HopOutcome.Delivered))),
            TimeSpan.FromSeconds(5));
    }

    /// <summary>The device's blynk_https_get events as the Particle Cloud published them.</summary>
    public IReadOnlyList<CloudEvent> Publishes =>
        [.. Target.Particle.Events.Where(e => e.Name == PublishEvent && e.CoreId == Target.Lab.DeviceId)];

    /// <summary>The device's publishes so far: a running count where the target keeps one (waits read it on every change).</summary>
    private int PublishCount => Target.Particle.EventCount(PublishEvent, Target.Lab.DeviceId);

    /// <summary>The raw JSON text of a field of one publish (e.g. "3.141590" for v15; <c>^1</c> is the last one).</summary>
    public string PayloadField(Index publish, string field)
    {
        var publishes = Publishes;
        if (publishes.Count == 0)
        {
            throw new InvalidOperationException($"The device has not published.{Environment.NewLine}{JournalText()}");
        }

        using var json = JsonDocument.Parse(publishes[publish].Data);
        return json.RootElement.GetProperty(field).GetRawText();
    }

    /// <summary>A datastream through the Blynk side.</summary>
    public Task<DatastreamReading> BlynkAsync(string pin) => Target.Blynk.ReadAsync(pin);

    /// <summary>The D7 LED (led-readback).</summary>
    public async Task<bool?> LedOnAsync()
    {
        Require(Capability.LedReadback, "Reading the D7 LED");
        return await Target.Device.UserLedOnAsync();
    }

    /// <summary>The journal, for failure messages: the last hops, tokens redacted.</summary>
    public string JournalText(int last = 30)
    {
        if (_target is null)
        {
            return "(the lab never started)";
        }

        var hops = _target.Journal.Hops;
        return "Journal (last hops):" + Environment.NewLine + _target.Journal.Render(_target.Secrets, hops.Skip(Math.Max(0, hops.Count - last)));
    }

    /// <summary>A reader of the account's event stream, as a separate subscriber sees it (disposed with the lab).</summary>
    public async Task<IEventStreamReader> FollowEventStreamAsync()
    {
        var target = await StartAsync();
        var reader = await target.Particle.OpenEventStreamAsync();
        _readers.Add(reader);
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in _readers)
        {
            await reader.DisposeAsync();
        }

        _readers.Clear();
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}

/// <summary>A step used a capability its scenario did not declare: the scenario fails, naming the missing tag.</summary>
public sealed class UndeclaredCapabilityException(string message) : Exception(message);
