namespace ParticleBlynk.Device;

/// <summary>One line the firmware printed on its USB serial port.</summary>
/// <param name="At">When the line was completed, on the harness clock.</param>
/// <param name="Text">The line, without its line ending.</param>
public sealed record SerialLine(DateTimeOffset At, string Text);

/// <summary>
/// What a scenario needs from a board, whatever runs it (design.md §7): power, the serial log,
/// the user LED, the events it tried to publish, and its cloud functions.
/// Implementations: the firmware emulator (hardware/Emulator); later the USB-serial bridge.
/// </summary>
public interface IDeviceUnderTest : IAsyncDisposable
{
    string DeviceId { get; }

    Platform Platform { get; }

    /// <summary>What this target can observe; steps use it to skip with a stated reason.</summary>
    DeviceCapabilities Capabilities { get; }

    /// <summary>Applies power: Device OS boots and runs setup(), then loop().</summary>
    Task PowerOnAsync(CancellationToken cancellationToken = default);

    /// <summary>Resets the board (as the RESET button does).</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>Every serial line so far.</summary>
    IReadOnlyList<SerialLine> SerialLines { get; }

    /// <summary>The user LED on D7: true lit, false dark, null when the target cannot see it or the board has none.</summary>
    bool? UserLedOn { get; }
}

/// <summary>What a device target can observe.</summary>
[Flags]
public enum DeviceCapabilities
{
    None = 0,
    /// <summary>The LED pin level can be read.</summary>
    ReadUserLed = 1,
    /// <summary>Time is virtual: the harness may jump the device's millis counter.</summary>
    VirtualTime = 2,
    /// <summary>The cloud link can be dropped and restored on demand.</summary>
    ControlCloudConnection = 4,
    /// <summary>The sketch's globals can be read and set (v15, millis).</summary>
    InspectFirmwareState = 8,
}
