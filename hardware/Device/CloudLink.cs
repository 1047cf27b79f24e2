namespace ParticleBlynk.Device;

/// <summary>Flags of Particle.publish (DOS system_cloud.h: PUBLIC=0x0, PRIVATE=0x1, NO_ACK=0x2, WITH_ACK=0x8).</summary>
[Flags]
public enum PublishFlags
{
    Public = 0x0,
    Private = 0x1,
    NoAck = 0x2,
    WithAck = 0x8,
}

/// <summary>An event that left a device for the cloud.</summary>
/// <param name="DeviceId">24-hex device id.</param>
/// <param name="Name">Event name (already cut to 64 characters by Device OS).</param>
/// <param name="Data">Event data (already truncated to the platform limit by Device OS).</param>
/// <param name="Flags">Flags as the firmware passed them.</param>
/// <param name="TtlSeconds">Time to live (Device OS default 60).</param>
public sealed record DeviceEvent(string DeviceId, string Name, string Data, PublishFlags Flags, int TtlSeconds = 60);

/// <summary>What a function call returned to the cloud: a return value, or why there is none.</summary>
public sealed record FunctionCallResult(int? ReturnValue, string? Error)
{
    public static FunctionCallResult Returned(int value) => new(value, null);
    public static FunctionCallResult Failed(string error) => new(null, error);
}

/// <summary>
/// The device's side of its cloud session: what Device OS's cloud connection sends up.
/// The Particle Cloud mock implements it for emulated devices in-process.
/// </summary>
public interface IParticleCloudLink
{
    /// <summary>The device's cloud session came up; the cloud can now call <paramref name="device"/>'s functions.</summary>
    void Connected(ICloudSessionDevice device);

    /// <summary>The device's cloud session went down.</summary>
    void Disconnected(string deviceId);

    /// <summary>An event left the device. Returns true when the cloud acknowledged it.</summary>
    bool Publish(DeviceEvent deviceEvent);
}

/// <summary>The cloud's view of a connected device: what the cloud can ask of it.</summary>
public interface ICloudSessionDevice
{
    string DeviceId { get; }

    Platform Platform { get; }

    /// <summary>Names registered with Particle.function, in registration order.</summary>
    IReadOnlyList<string> Functions { get; }

    /// <summary>Names registered with Particle.variable and their types ("int32", "string", "double", "bool").</summary>
    IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>
    /// Queues a function call. Device OS runs it on the application thread between two loop() iterations;
    /// <paramref name="completed"/> is invoked synchronously right when the function returns (or the call is refused).
    /// </summary>
    void EnqueueFunctionCall(string name, string argument, Action<FunctionCallResult> completed);
}
