using System.Globalization;
using System.Text.Json;
using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// One scenario's lab: collects the Given configuration, starts the target on first use, and offers the few
/// domain operations the steps are made of. Scenario-scoped (Reqnroll context injection), never shared.
/// </summary>
public sealed partial class LabDriver : IAsyncDisposable
{
    private ILoopTarget? _target;

    public LabOptions Options { get; private set; } = new();

    public bool Started => _target is not null;

    /// <summary>The running target (started on first use).</summary>
    public ILoopTarget Target => _target ?? throw new InvalidOperationException("The lab has not started yet: a step must power the device on first.");

    public Journal Journal => Target.Journal;

    /// <summary>Changes the lab before it starts (Given steps).</summary>
    public void Configure(Func<LabOptions, LabOptions> change)
    {
        if (_target is not null)
        {
            throw new InvalidOperationException("The lab is already running: configure it in Given steps before the device powers on.");
        }

        Options = change(Options);
    }

    public async Task<ILoopTarget> StartAsync()
    {
        _target ??= await LoopTargets.StartAsync(Options);
        return _target;
    }

    public async Task PowerOnAsync()
    {
        var target = await StartAsync();
        MarkPoweredOn(target.Time.Now);
        await target.Device.PowerOnAsync();
    }

    public async Task PassAsync(TimeSpan span)
    {
        var target = await StartAsync();
        await target.Time.PassAsync(span);
    }

    /// <summary>Powers on (if needed) and lets time pass until the device has made <paramref name="count"/> publishes.</summary>
    public async Task WaitForPublishesAsync(int count, TimeSpan limit)
    {
        var target = await StartAsync();
        if (PoweredOnAt is null)
        {
            await PowerOnAsync();
        }

        var reached = await target.Time.WaitUntilAsync(() => Publishes.Count >= count, limit);
        if (!reached)
        {
            throw new TimeoutException(
                $"Expected {count} publish(es) from the device within {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, saw {Publishes.Count}.{Environment.NewLine}{JournalText()}");
        }
    }

    /// <summary>The device's events as the Particle Cloud received them.</summary>
    public IReadOnlyList<CloudEvent> Publishes => Target.Particle.EventsFrom(Options.DeviceId).Where(e => e.Name == "blynk_https_get").ToList();

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

    public DatastreamReading Blynk(string pin) => Target.Blynk.Read(pin);

    public bool? LedOn => Target.Device.UserLedOn;

    /// <summary>The journal, for failure messages: the part that matters is usually the last hops.</summary>
    public string JournalText(int last = 30)
    {
        if (_target is null)
        {
            return "(the lab never started)";
        }

        var hops = _target.Journal.Hops;
        return "Journal (last hops):" + Environment.NewLine + _target.Journal.Render(hops.Skip(Math.Max(0, hops.Count - last)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}
