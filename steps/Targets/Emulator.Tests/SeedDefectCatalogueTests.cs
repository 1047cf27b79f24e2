using Microsoft.Extensions.Time.Testing;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Emulator.Tests;

/// <summary>The seed defect catalogue agrees with the emulator where checking is cheap: every board, several Device OS versions.</summary>
public sealed class SeedDefectCatalogueTests
{
    private static readonly Version[] Versions = [new(1, 4, 4), new(2, 3, 1), new(4, 2, 0), new(6, 1, 1), new(6, 2, 0), new(6, 2, 1)];

    /// <summary>Every platform with its default Device OS and every version of <see cref="Versions"/> it can run.</summary>
    public static TheoryData<string, string> Boards()
    {
        var data = new TheoryData<string, string>();
        foreach (var platform in Platforms.All)
        {
            foreach (var version in Versions.Append(platform.DefaultDeviceOs).Distinct().Where(platform.SupportsDeviceOs))
            {
                data.Add(platform.Name, version.ToString(3));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void Boot_publish_lost_reproduces_where_the_catalogue_says(string platform, string deviceOs)
    {
        // Given the seed and the fixed firmware on the board, the cloud connecting 5 s after power-on
        var board = Platforms.Parse(platform);
        var version = Version.Parse(deviceOs);

        // When 10 s pass
        static bool BootPublishSent(Platform board, Version version, SketchKind sketch)
        {
            var device = Run(board, version, sketch, TimeSpan.FromSeconds(5), 10_000, _ => { });
            return device.PublishAttempts.Any(a => a.Outcome == PublishOutcome.Sent);
        }

        // Then the seed loses it exactly where the catalogue says, and the fixed firmware never does
        (!BootPublishSent(board, version, SketchKind.Seed)).Should().Be(SeedDefects.BootPublishLost.ReproducesOn(board, version));
        BootPublishSent(board, version, SketchKind.Fixed).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void Photon2_led_reproduces_where_the_catalogue_says(string platform, string deviceOs)
    {
        // Given the seed and the fixed firmware on the board, blynk_led("on") called once setup() is over
        var board = Platforms.Parse(platform);
        var version = Version.Parse(deviceOs);
        static bool? LedAfterOn(Platform board, Version version, SketchKind sketch) =>
            Run(board, version, sketch, TimeSpan.FromMilliseconds(500), 2_100, d => d.EnqueueFunctionCall("blynk_led", "on", _ => { })).UserLedOn;

        // Then a board with a D7 LED stays dark with the seed exactly where the catalogue says; the fixed firmware
        // lights it on the boards its switch names (it adds 32 only: a Xenon, whose LED is UNCONFIRMED, stays dark)
        var seed = LedAfterOn(board, version, SketchKind.Seed);
        (board.HasUserLedOnD7 && seed != true).Should().Be(SeedDefects.Photon2Led.ReproducesOn(board, version));
        var fixedDrives = board.Id == 32 || SeedDefects.SeedDrivesD7On.Contains(board.Id);
        LedAfterOn(board, version, SketchKind.Fixed).Should().Be(board.HasUserLedOnD7 ? fixedDrives : null);
    }

    [Fact]
    public void Every_defect_has_an_id_and_where_it_reproduces()
    {
        SeedDefects.All.Select(d => d.Id).Should().OnlyHaveUniqueItems().And.OnlyContain(id => id.StartsWith("seed-", StringComparison.Ordinal));
        SeedDefects.All.Should().OnlyContain(d => d.Boards.Length > 0 && d.DeviceOs.Length > 0 && d.Condition.Length > 0);
        SeedDefects.BootPublishLost.BoardsOnTheirDefaultDeviceOs.Should().NotContain([Platforms.Core, Platforms.Photon, Platforms.Electron, Platforms.ESeries]).And.Contain(Platforms.Boron);
        SeedDefects.Photon2Led.BoardsOnTheirDefaultDeviceOs.Should().Contain(Platforms.Photon2).And.NotContain(Platforms.P2);
    }

    // The board powered on, run to 2 s (setup is over on every version), acted on, then run to endMs.
    private static EmulatedDevice Run(Platform board, Version version, SketchKind sketch, TimeSpan connectAfter, long endMs, Action<EmulatedDevice> at2s)
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var options = new EmulatorOptions { Platform = board, DeviceOsVersion = version, Sketch = sketch, BlynkToken = "0123456789abcdef0123456789abcdef", CloudConnectDelay = connectAfter };
        var device = new EmulatedDevice(options, new NullCloud(), time);
        device.PowerOnAsync().GetAwaiter().GetResult();
        void RunTo(long ms)
        {
            var end = start.AddMilliseconds(ms);
            while (device.NextDueAt is { } due && due <= end)
            {
                time.SetUtcNow(due);
                device.RunDue(due);
            }

            time.SetUtcNow(end);
        }

        RunTo(Math.Min(2_000, endMs));
        at2s(device);
        RunTo(endMs);
        return device;
    }

    private sealed class NullCloud : IParticleCloudLink
    {
        public void Connected(ICloudSessionDevice device)
        {
        }

        public void Disconnected(string deviceId)
        {
        }

        public bool Publish(DeviceEvent deviceEvent) => true;
    }
}
