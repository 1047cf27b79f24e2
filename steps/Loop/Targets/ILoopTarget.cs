using ParticleBlynk.Device;

namespace ParticleBlynk.Loop;

/// <summary>
/// What a scenario runs against (design.md §3): a device, the Particle side, the Blynk side, one clock and one journal,
/// plus the extras its descriptor declares. Steps talk only to this; <see cref="TargetCatalog"/> loads the implementation
/// runsettings name (E2E_TARGET).
/// </summary>
public interface ILoopTarget : IAsyncDisposable
{
    TargetDescriptor Descriptor { get; }

    /// <summary>The lab as the target runs it (a hardware target reports its own board and tokens).</summary>
    LabSpec Lab { get; }

    IDeviceSide Device { get; }

    IParticleSide Particle { get; }

    IBlynkSide Blynk { get; }

    ITimeDriver Time { get; }

    Journal Journal { get; }

    /// <summary>Every token of the run: whatever the harness writes goes through it.</summary>
    Secrets Secrets { get; }

    /// <summary>Steering the device (<see cref="Capability.DeviceControl"/>); null when the target lacks it.</summary>
    IDeviceControl? DeviceControl { get; }

    /// <summary>Faults in the clouds (<see cref="Capability.FaultInjection"/>); null when the target lacks it.</summary>
    IFaultInjector? Faults { get; }

    /// <summary>The lab's boards when it runs a fleet (<see cref="Capability.Fleet"/>, <see cref="LabSpec.Fleet"/>); null otherwise.</summary>
    IFleetSide? Fleet => null;
}

/// <summary>One board of a fleet: its number (1-based), Particle id and name, and the token of its own Blynk device.</summary>
public sealed record FleetBoard(int Number, string DeviceId, string Name, string BlynkToken, bool Misflashed);

/// <summary>A fleet's boards (<see cref="Capability.Fleet"/>), each with its own Blynk device; all share the lab's clock and journal.</summary>
public interface IFleetSide
{
    IReadOnlyList<FleetBoard> Boards { get; }

    /// <summary>Powers every board on, board n <see cref="FleetSpec.PowerOnStagger"/> × (n - 1) after board 1 (time passes meanwhile).</summary>
    Task PowerOnAllAsync();

    /// <summary>A datastream of the board's own Blynk device, as the console shows it.</summary>
    Task<DatastreamReading> ReadAsync(FleetBoard board, string pin);

    /// <summary>The board's D7 LED (<see cref="Capability.LedReadback"/>).</summary>
    Task<bool?> UserLedOnAsync(FleetBoard board);

    /// <summary>Writes a pin of the board's Blynk device as the app's switch does (fires that device's webhook).</summary>
    Task<DateTimeOffset> SwitchFromAppAsync(FleetBoard board, string pin, string value);
}

/// <summary>The board under test, as a scenario sees it.</summary>
public interface IDeviceSide
{
    string DeviceId { get; }

    Platform Platform { get; }

    /// <summary>Applies power (or resets a board that is on): Device OS boots, setup() then loop().</summary>
    Task PowerOnAsync();

    /// <summary>Why the target cannot power-cycle the board (null: it can).</summary>
    string? CannotPowerOnReason { get; }

    /// <summary>The board's USB serial port (<see cref="Capability.SerialPort"/>) goes away (a pulled cable, a hub port switched off) and comes back after <paramref name="duration"/>.</summary>
    Task UnplugSerialAsync(TimeSpan duration);

    /// <summary>Every serial line so far (since the scenario began, on a board that was already running).</summary>
    IReadOnlyList<SerialLine> SerialLines { get; }

    /// <summary>The D7 user LED (<see cref="Capability.LedReadback"/>): lit, dark, or null for a board without one.</summary>
    Task<bool?> UserLedOnAsync();
}

/// <summary>An event as the Particle Cloud carries it.</summary>
public sealed record CloudEvent(string Name, string Data, DateTimeOffset PublishedAt, string CoreId);

/// <summary>The answer of the Particle function API.</summary>
public sealed record FunctionCallResponse(int StatusCode, string Body, int? ReturnValue);

/// <summary>Status and body of an API answer.</summary>
public sealed record ApiAnswer(int StatusCode, string Body);

/// <summary>The Particle Cloud as its public API shows it.</summary>
public interface IParticleSide
{
    /// <summary>The access token of the account that owns the device.</summary>
    string AccessToken { get; }

    /// <summary>Every event of the account so far (the device's and hook-sent / hook-response / hook-error), oldest first.</summary>
    IReadOnlyList<CloudEvent> Events { get; }

    /// <summary>How many events named <paramref name="name"/> <paramref name="coreId"/> published so far (a target may keep a running count: waits read it).</summary>
    int EventCount(string name, string coreId) => Events.Count(e => e.Name == name && e.CoreId == coreId);

    /// <summary>Calls a cloud function through the REST API, as the Particle console or curl does.</summary>
    /// <param name="parameter">The form field that carries the argument: "args" (the Blynk webhook's) or "arg" (the API reference's).</param>
    Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null, string parameter = "args");

    /// <summary>A GET on the Particle REST API (e.g. /v1/devices) with a Bearer token.</summary>
    Task<ApiAnswer> GetAsync(string path, string? accessToken = null);

    /// <summary>Publishes an event through the REST API (POST /v1/devices/events, private), as curl or particle-cli does.</summary>
    Task<ApiAnswer> PublishEventAsync(string name, string data);

    /// <summary>Opens the account's event stream as any reader does (SSE, reconnecting after a drop); completes once it is open.</summary>
    Task<IEventStreamReader> OpenEventStreamAsync();
}

/// <summary>A reader of the account's Particle event stream: what it received, and how often it had to reconnect.</summary>
public interface IEventStreamReader : IAsyncDisposable
{
    /// <summary>The events it received, in arrival order.</summary>
    IReadOnlyList<CloudEvent> Events { get; }

    /// <summary>How many times the stream dropped and the reader got it back.</summary>
    int Reconnections { get; }

    /// <summary>Completes once the reader has reconnected <paramref name="count"/> times (wall-clock bounded: TimeoutException).</summary>
    Task WaitForReconnectionsAsync(int count, TimeSpan timeout);

    /// <summary>True once an event matching <paramref name="match"/> has arrived; false after <paramref name="timeout"/> of wall time.</summary>
    Task<bool> WaitForEventAsync(Func<CloudEvent, bool> match, TimeSpan timeout);
}

/// <summary>One datastream as the Blynk console shows it; <see cref="UpdatedAt"/> only where the target can see it.</summary>
public sealed record DatastreamReading(string Pin, string? Value, DateTimeOffset? UpdatedAt);

/// <summary>The Blynk Cloud as its HTTPS API (and, for mocks, its console) shows it.</summary>
public interface IBlynkSide
{
    /// <summary>The device's auth token.</summary>
    string DeviceToken { get; }

    /// <summary>A datastream's value through the HTTPS API (its update time only where the console can be read).</summary>
    Task<DatastreamReading> ReadAsync(string pin);

    /// <summary>The device's "Last Update" (<see cref="Capability.CloudInternals"/>: the console shows it, no API does).</summary>
    Task<DateTimeOffset?> LastUpdateAsync();

    /// <summary>The device's Online/Offline indicator (isHardwareConnected).</summary>
    Task<bool> IsOnlineAsync();

    /// <summary>
    /// Writes a datastream as the Blynk app or the dashboard switch does (fires the datastream webhook). Returns when the
    /// switch happened (a real bench may first wait for its webhook quota to have room).
    /// </summary>
    Task<DateTimeOffset> SwitchFromAppAsync(string pin, string value);

    /// <summary>The device's web dashboard (<see cref="Capability.Browser"/>), null where there is none to open.</summary>
    Uri? DashboardUrl { get; }
}

/// <summary>How time passes: virtual and instantaneous where the target allows, real elsewhere.</summary>
public interface ITimeDriver
{
    DateTimeOffset Now { get; }

    bool IsVirtual { get; }

    /// <summary>Lets <paramref name="span"/> pass, with everything that falls due on the way.</summary>
    Task PassAsync(TimeSpan span);

    /// <summary>
    /// Lets time pass until <paramref name="condition"/> holds or <paramref name="limit"/> is up; the condition is looked
    /// at again whenever something observable changed (a hop, a serial line, the LED, the sensor).
    /// </summary>
    Task<bool> WaitUntilAsync(Func<ValueTask<bool>> condition, TimeSpan limit);
}

/// <summary>Steering the device (<see cref="Capability.DeviceControl"/>).</summary>
public interface IDeviceControl
{
    Task<uint> MillisAsync();

    /// <summary>Jumps millis() to <paramref name="value"/> now (the 49.7-day wrap, the 24.8-day Integer limit).</summary>
    Task SetMillisAsync(uint value);

    /// <summary>The firmware's simulated sensor.</summary>
    Task<double> V15Async();

    Task SetV15Async(double value);

    /// <summary>The device loses its cloud session now.</summary>
    Task DropCloudAsync();

    /// <summary>The cloud session comes back <paramref name="after"/> from now.</summary>
    Task RestoreCloudAsync(TimeSpan after);
}

/// <summary>
/// Faults in the clouds and the board (<see cref="Capability.FaultInjection"/>; the catalogue: <see cref="FaultCatalogue"/>).
/// A fault with <see cref="Fault.For"/> clears itself after that much harness time.
/// </summary>
public interface IFaultInjector
{
    Task InjectAsync(Fault fault);

    Task ClearAsync(FaultKind kind);
}
