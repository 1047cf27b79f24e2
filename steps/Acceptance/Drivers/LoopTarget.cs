using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// What a scenario runs against (design.md §3): a device, the Particle side, the Blynk side, one clock and one
/// journal. Steps talk only to this; runsettings (E2E_TARGET) pick the implementation.
/// </summary>
public interface ILoopTarget : IAsyncDisposable
{
    /// <summary>emulator, containers or hardware.</summary>
    string Name { get; }

    IDeviceUnderTest Device { get; }

    IParticleSide Particle { get; }

    IBlynkSide Blynk { get; }

    ITimeDriver Time { get; }

    Journal Journal { get; }

    /// <summary>Controls only a virtual device offers (millis jumps, cloud drops, sketch state); null elsewhere.</summary>
    IVirtualDeviceControl? VirtualDevice { get; }

    /// <summary>Faults the target can inject (the seam for the fault catalogue); null when it cannot.</summary>
    IFaultInjector? Faults { get; }
}

/// <summary>Faults injected into the loop, on the harness clock.</summary>
public interface IFaultInjector
{
    /// <summary>How long the Blynk HTTPS API takes to answer (Particle's webhook gives up after 20 s).</summary>
    TimeSpan BlynkResponseLatency { get; set; }

    /// <summary>The Blynk Cloud drops every connection (Particle sees a connection reset).</summary>
    bool BlynkUnreachable { get; set; }
}

/// <summary>How time passes for a target: virtual and instantaneous on the emulator, real on hardware.</summary>
public interface ITimeDriver
{
    DateTimeOffset Now { get; }

    bool IsVirtual { get; }

    /// <summary>Lets <paramref name="span"/> pass, with everything that falls due on the way.</summary>
    Task PassAsync(TimeSpan span);

    /// <summary>Lets time pass until <paramref name="condition"/> holds or <paramref name="limit"/> is up.</summary>
    Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit);

    /// <summary>Lets time pass until <paramref name="work"/> completes (at most <paramref name="limit"/>).</summary>
    Task<T> CompleteAsync<T>(Task<T> work, TimeSpan limit);

    /// <summary>Runs <paramref name="work"/> as harness work the clock waits for.</summary>
    Task<T> RunAsync<T>(string name, Func<Task<T>> work);
}

/// <summary>An event as the Particle Cloud received it.</summary>
public sealed record CloudEvent(string Name, string Data, DateTimeOffset PublishedAt, string CoreId);

/// <summary>The answer of the Particle function API.</summary>
public sealed record FunctionCallResponse(int StatusCode, string Body, int? ReturnValue);

/// <summary>The Particle Cloud as the scenarios see it.</summary>
public interface IParticleSide
{
    /// <summary>The access token of the account that owns the device.</summary>
    string AccessToken { get; }

    /// <summary>Events the cloud received from <paramref name="deviceId"/>, oldest first.</summary>
    IReadOnlyList<CloudEvent> EventsFrom(string deviceId);

    /// <summary>Events of the whole account whose name starts with <paramref name="prefix"/> (hook-sent, hook-error…).</summary>
    IReadOnlyList<CloudEvent> Events(string prefix);

    /// <summary>Calls a cloud function through the REST API, as the Particle console or curl does.</summary>
    Task<FunctionCallResponse> CallFunctionAsync(string deviceId, string function, string argument, string? accessToken = null);

    /// <summary>A GET on the Particle REST API (e.g. /v1/devices) with a Bearer token.</summary>
    Task<ApiAnswer> GetAsync(string path, string? accessToken = null);

    /// <summary>Requests the Particle Cloud received whose path starts with <paramref name="pathPrefix"/>; null when the target cannot see them.</summary>
    IReadOnlyList<ReceivedRequest>? ReceivedRequests(string pathPrefix);
}

/// <summary>Status and body of an API answer.</summary>
public sealed record ApiAnswer(int StatusCode, string Body);

/// <summary>An HTTP request as a cloud received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>One datastream as the Blynk console shows it.</summary>
public sealed record DatastreamReading(string Pin, string? Value, DateTimeOffset? UpdatedAt);

/// <summary>The Blynk Cloud as the scenarios see it.</summary>
public interface IBlynkSide
{
    /// <summary>The device's auth token.</summary>
    string DeviceToken { get; }

    /// <summary>A datastream of the device.</summary>
    DatastreamReading Read(string pin);

    /// <summary>The device's "Last Update".</summary>
    DateTimeOffset? LastUpdate { get; }

    /// <summary>The device's Online/Offline indicator.</summary>
    bool IsOnline { get; }

    /// <summary>Writes a datastream as the Blynk app or dashboard does (fires the datastream webhook).</summary>
    Task SwitchFromAppAsync(string pin, string value);
}

/// <summary>Controls of a virtual device (the emulator).</summary>
public interface IVirtualDeviceControl
{
    uint Millis { get; }

    void SetMillis(uint value);

    void DropCloudConnection();

    void RestoreCloudConnection(TimeSpan after);

    double V15 { get; set; }
}
