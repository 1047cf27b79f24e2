using System.Diagnostics;
using ParticleBlynk.Lab.Tests.Support;

namespace ParticleBlynk.Lab.Tests;

/// <summary>particle-cli 3.51.0 (on Node 22 from npm, HOME = a temp dir with the lab's apiUrl and token) against the lab process.</summary>
public sealed class ParticleCliTests(DemoLabFixture fixture, ITestOutputHelper output) : IClassFixture<DemoLabFixture>, IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("particle-cli-home-");

    public void Dispose() => _home.Delete(recursive: true);

    [Fact]
    public async Task Particle_list_shows_the_lab_board_online()
    {
        // Given
        var clients = await InstallAsync();

        // When
        var result = await clients.RunCliAsync(_home.FullName, fixture.Ready, ["list"]);

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain($"blynk_boron [{fixture.Ready.DeviceId}] (Boron) is online");
        result.Stdout.Should().Contain("blynk_led", "particle list prints the device's Functions section");
    }

    [Fact]
    public async Task Particle_call_blynk_led_on_prints_1()
    {
        // Given
        var clients = await InstallAsync();

        // When
        var result = await clients.RunCliAsync(_home.FullName, fixture.Ready, ["call", fixture.Ready.DeviceId!, "blynk_led", "on"]);

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Trim().Split('\n').Select(l => l.Trim()).Should().Contain("1");
    }

    [Fact]
    public async Task Particle_subscribe_max_1_receives_the_republish_after_a_call()
    {
        // Given the CLI subscribed to the board's "blynk" events
        var clients = await InstallAsync();
        var subscribe = clients.RunCliAsync(_home.FullName, fixture.Ready, ["subscribe", "blynk", "--device", fixture.Ready.DeviceId!, "--max", "1"], TimeSpan.FromSeconds(60));

        // When blynk_led is called (again every 2 s until the stream has connected and seen one republish)
        var watch = Stopwatch.StartNew();
        while (!subscribe.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(40))
        {
            await Task.WhenAny(subscribe, Task.Delay(TimeSpan.FromSeconds(2)));
            if (!subscribe.IsCompleted)
            {
                await LabBlynk.CallBlynkLedAsync(fixture.Ready, "on");
            }
        }

        var result = await subscribe;

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("\"name\":\"blynk_https_get\"").And.Contain($"\"coreid\":\"{fixture.Ready.DeviceId}\"");
    }

    [Fact]
    public async Task Particle_publish_blynk_https_get_reaches_Blynk_through_the_doc_webhook()
    {
        // Given
        var clients = await InstallAsync();
        var data = $$"""{"t":"{{fixture.Ready.BlynkToken}}","v14":515151,"v15":2.5,"v16":0,"v17":0}""";

        // When (no --private: particle-cli 3.x has no such flag, every event is private)
        var result = await clients.RunCliAsync(_home.FullName, fixture.Ready, ["publish", "blynk_https_get", data]);

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Published event: blynk_https_get");
        (await LabBlynk.WaitForValueAsync(fixture.Ready, "V14", "515151", TimeSpan.FromSeconds(10))).Should().Be("515151", fixture.Lab.Log);
    }

    private async Task<ParticleClients> InstallAsync()
    {
        var clients = await ParticleClients.EnsureInstalledAsync();
        if (clients.InstallTime is { } took)
        {
            output.WriteLine($"npm install took {took.TotalSeconds:F1} s");
        }

        return clients;
    }
}
