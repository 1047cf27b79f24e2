using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.Lab.Tests.Support;

namespace ParticleBlynk.Lab.Tests;

/// <summary>particle-api-js 12.0.3 (clients/particle-api.js on the machine's Node) against the lab process.</summary>
public sealed class ParticleApiJsTests(DemoLabFixture fixture, ITestOutputHelper output) : IClassFixture<DemoLabFixture>
{
    private object Settings(object? extra = null) => Settings(fixture, extra);

    internal static object Settings(DemoLabFixture fixture, object? extra = null)
    {
        var settings = new JsonObject
        {
            ["baseUrl"] = fixture.Ready.ParticleUrl,
            ["auth"] = fixture.Ready.ParticleToken,
            ["deviceId"] = fixture.Ready.DeviceId,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                settings[key] = value?.DeepClone();
            }
        }

        return settings;
    }

    [Fact]
    public async Task ListDevices_and_getDevice_return_the_lab_board()
    {
        // Given
        var clients = await InstallAsync();

        // When
        var (result, lines) = await clients.RunApiJsAsync("list", Settings());

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        var list = lines.Single(l => (string?)l["step"] == "listDevices");
        list["statusCode"]!.GetValue<int>().Should().Be(200);
        var device = list["body"]!.AsArray().Single()!.AsObject();
        ((string?)device["id"]).Should().Be(fixture.Ready.DeviceId);
        ((string?)device["name"]).Should().Be("blynk_boron");
        var one = lines.Single(l => (string?)l["step"] == "getDevice");
        ((string?)one["body"]!["id"]).Should().Be(fixture.Ready.DeviceId);
        ((bool?)one["body"]!["connected"]).Should().BeTrue();
    }

    [Fact]
    public async Task GetDevice_lists_the_blynk_led_function()
    {
        // Given
        var clients = await InstallAsync();

        // When
        var (result, lines) = await clients.RunApiJsAsync("list", Settings());

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        var functions = lines.Single(l => (string?)l["step"] == "getDevice")["body"]!["functions"]!.AsArray().Select(f => (string?)f).ToList();
        functions.Should().Contain("blynk_led", "setup() registers it after the handshake and Device OS describes it again");
    }

    [Fact]
    public async Task CallFunction_blynk_led_on_off_garbage_returns_1_0_minus_1()
    {
        // Given
        var clients = await InstallAsync();

        // When
        var (result, lines) = await clients.RunApiJsAsync("call", Settings(new { arguments = new[] { "on", "off", "garbage" } }));

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        var calls = lines.Where(l => (string?)l["step"] == "callFunction").ToList();
        calls.Select(c => (string?)c["argument"]).Should().Equal("on", "off", "garbage");
        calls.Select(c => c["body"]?["return_value"]?.GetValue<int>()).Should().Equal([1, 0, -1], result.Stdout);
        calls.Should().OnlyContain(c => c["statusCode"]!.GetValue<int>() == 200);
    }

    [Fact]
    public async Task PublishEvent_blynk_https_get_reaches_Blynk_through_the_doc_webhook()
    {
        // Given
        var clients = await InstallAsync();
        var data = $$"""{"t":"{{fixture.Ready.BlynkToken}}","v14":424242,"v15":1.5,"v16":0,"v17":0}""";

        // When
        var (result, lines) = await clients.RunApiJsAsync("publish", Settings(new { name = "blynk_https_get", data }));

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        var publish = lines.Single(l => (string?)l["step"] == "publishEvent");
        publish["statusCode"]!.GetValue<int>().Should().Be(200);
        ((bool?)publish["body"]!["ok"]).Should().BeTrue();
        (await LabBlynk.WaitForValueAsync(fixture.Ready, "V14", "424242", TimeSpan.FromSeconds(10))).Should().Be("424242", fixture.Lab.Log);
    }

    private Task<ParticleClients> InstallAsync() => InstallAsync(output);

    internal static async Task<ParticleClients> InstallAsync(ITestOutputHelper output)
    {
        var clients = await ParticleClients.EnsureInstalledAsync();
        if (clients.InstallTime is { } took)
        {
            output.WriteLine($"npm install took {took.TotalSeconds:F1} s");
        }

        return clients;
    }
}

/// <summary>
/// particle-api-js's event stream, on a lab of its own: the republish after a call must be the board's only publish
/// in its second. On the shared lab another test's calls (and the V16 webhook they fire back) could use up Device OS's
/// publish burst, and the seed firmware — faithfully — never retries a refused republish (seen 5 times in 26 runs).
/// </summary>
public sealed class ParticleApiJsEventStreamTests(DemoLabFixture fixture, ITestOutputHelper output) : IClassFixture<DemoLabFixture>
{
    [Fact]
    public async Task GetEventStream_of_the_device_receives_the_republish_after_a_call()
    {
        // Given
        var clients = await ParticleApiJsTests.InstallAsync(output);

        // When the script subscribes to the device's "blynk" events, then calls blynk_led on
        var (result, lines) = await clients.RunApiJsAsync("subscribe-then-call", ParticleApiJsTests.Settings(fixture, new { argument = "on", timeoutMs = 15000 }));

        // Then
        result.ExitCode.Should().Be(0, result.ToString());
        // The republish may reach the stream before the call's own response: only "subscribed" first is ordered.
        lines.Select(l => (string?)l["step"]).Should().StartWith("subscribed").And.Contain("callFunction").And.Contain("event", "the republish comes after the call; the lab's log:\n{0}", LastLines(fixture.Lab.Log, 40));
        lines.Single(l => (string?)l["step"] == "callFunction")["body"]!["return_value"]!.GetValue<int>().Should().Be(1);
        // The first event is the republish; the V16 webhook may call blynk_led back and publish again before the script ends.
        var e = lines.First(l => (string?)l["step"] == "event")["event"]!;
        ((string?)e["name"]).Should().Be("blynk_https_get");
        ((string?)e["coreid"]).Should().Be(fixture.Ready.DeviceId);
        ((string?)e["data"]).Should().Contain("\"v16\":1").And.Contain("\"v17\":1");
    }

    private static string LastLines(string text, int count) =>
        string.Join('\n', text.Split('\n').TakeLast(count));
}
