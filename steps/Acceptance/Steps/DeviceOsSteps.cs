using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>Choosing the board and the Device OS it runs (features/platforms/device_os.feature).</summary>
[Binding]
public sealed class DeviceOsSteps(LabDriver lab)
{
    /// <summary>The standard lab on that board and Device OS version (what is flashed: @needs:device-control).</summary>
    [Given("^an? (.+?) on Device OS (\\d+\\.\\d+\\.\\d+)$")]
    public void GivenABoardOnDeviceOs(string platform, string version) =>
        lab.ConfigureBoard(Platforms.Parse(platform), DeviceOsReleases.Parse(version), FirmwareKind.Seed);

    [Given("^an? (.+?) on Device OS (\\d+\\.\\d+\\.\\d+) running the (seed|fixed) firmware$")]
    public void GivenABoardOnDeviceOsRunning(string platform, string version, string firmware) =>
        lab.ConfigureBoard(Platforms.Parse(platform), DeviceOsReleases.Parse(version), Enum.Parse<FirmwareKind>(firmware, ignoreCase: true));

    /// <summary>The standard lab on that board, on the Device OS the platform table gives it.</summary>
    [Given("^an? (.+?) on its default Device OS$")]
    public void GivenABoardOnItsDefaultDeviceOs(string platform) =>
        lab.ConfigureBoard(Platforms.Parse(platform), deviceOs: null, FirmwareKind.Seed);
}
