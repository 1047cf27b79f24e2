using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using ParticleBlynk.Lab.Tests.Support;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Lab.Tests;

/// <summary>The lab as a process: the READY line, loopback-only listeners, a clean stop.</summary>
public sealed class LabProcessTests(DemoLabFixture fixture) : IClassFixture<DemoLabFixture>
{
    [Fact]
    public void Ready_line_says_where_the_clouds_listen_and_that_the_board_is_ready_with_tokens_masked()
    {
        // Given the demo lab (fresh tokens)

        // When
        var json = JsonNode.Parse(fixture.Lab.ReadyLine["READY ".Length..])!.AsObject();

        // Then
        json.Select(p => p.Key).Should().BeEquivalentTo("particleUrl", "blynkUrl", "dashboardUrl", "deviceId", "particleToken", "blynkToken", "virtualTime", "boards", "control");
        fixture.Ready.ParticleUrl.Should().StartWith("http://127.0.0.1:");
        fixture.Ready.BlynkUrl.Should().StartWith("http://127.0.0.1:");
        fixture.Ready.DashboardUrl.Should().MatchRegex("^" + Regex.Escape(fixture.Ready.BlynkUrl + "/dashboard/1#token=") + "[A-Za-z0-9_-]{32}$", "the dashboard link carries its token in full, usable as printed");
        fixture.Ready.DeviceId.Should().Be("e00fce68d3b2a1c4f5e6a7b8");
        ((string?)json["particleToken"]).Should().Be(Secrets.Mask(fixture.Tokens.Particle));
        ((string?)json["blynkToken"]).Should().Be(Secrets.Mask(fixture.Tokens.Blynk!));
        ((bool?)json["virtualTime"]).Should().BeFalse();
        json["boards"]!.AsArray().Should().ContainSingle().Which!["state"]!.GetValue<string>().Should().Be("ready", "READY comes only once the board has booted and connected");
        fixture.Lab.LaterStdout.Should().BeEmpty("stdout carries only the READY line; logs go to stderr");
        var control = json["control"]!.AsObject();
        ((string?)control["url"]).Should().StartWith("http://127.0.0.1:").And.EndWith("/lab/v1");
        ((string?)control["token"]).Should().HaveLength(32, "the control token is printed in full, here only");
        ((string?)control["session"]).Should().Be("default");
    }

    [Fact]
    public void The_lab_writes_no_token_in_full_on_stdout_or_stderr()
    {
        // Given the demo lab, which logs every hop (payloads carry the Blynk token, queries too)

        // When
        var written = fixture.Lab.ReadyLine + fixture.Lab.Log;

        // Then
        fixture.Lab.Log.Should().Contain("publish blynk_https_get", "the boot publish is logged");
        written.Should().NotContain(fixture.Tokens.Particle).And.NotContain(fixture.Tokens.Blynk);
        written.Should().Contain(Secrets.Mask(fixture.Tokens.Blynk!));
        fixture.Lab.Log.Should().NotContain(DashboardToken(), "the dashboard token is in READY's dashboardUrl only");
    }

    [Fact]
    public async Task Lab_listens_on_127_0_0_1_only()
    {
        // Given
        var ports = new[] { new Uri(fixture.Ready.ParticleUrl).Port, new Uri(fixture.Ready.BlynkUrl).Port };

        // When
        var listeners = (await ListenersAsync("/proc/net/tcp")).Concat(await ListenersAsync("/proc/net/tcp6")).ToList();

        // Then
        foreach (var port in ports)
        {
            listeners.Where(l => l.Port == port).Should().NotBeEmpty($"port {port} is a lab port")
                .And.OnlyContain(l => l.Address == "0100007F", $"port {port} must be bound to 127.0.0.1 only (0100007F in /proc/net/tcp), not 0.0.0.0 or ::");
        }
    }

    [Fact]
    public async Task Dashboard_of_the_demo_device_is_served_and_its_state_needs_the_token_of_the_READY_line()
    {
        // Given
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        var state = new Uri(fixture.Ready.BlynkUrl + "/dashboard/api/1/state");

        // When
        var page = await http.GetStringAsync(new Uri(fixture.Ready.DashboardUrl!));
        using var anonymous = await http.GetAsync(state);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, state) { Headers = { Authorization = new("Bearer", DashboardToken()) } };
        using var authorised = await http.SendAsync(withToken);

        // Then
        page.Should().Contain("Blynk mock dashboard").And.NotContain("Boron", "the page shows nothing of the device before its token is checked");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        authorised.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await authorised.Content.ReadAsStringAsync())!["name"]!.GetValue<string>().Should().Be("Boron");
    }

    private string DashboardToken() => fixture.Ready.DashboardUrl![(fixture.Ready.DashboardUrl!.IndexOf("#token=", StringComparison.Ordinal) + "#token=".Length)..];

    [Fact]
    public async Task Config_file_and_fixed_ports_are_honoured_and_closing_stdin_stops_the_lab()
    {
        // Given two free ports
        int particlePort = FreePort(), blynkPort = FreePort();
        var tokens = LabTokens.Fresh();
        var config = Path.Combine(AppContext.BaseDirectory, "Lab", $"ports-lab.{Guid.NewGuid():N}.json");
        DemoLabFixture.WriteDemoConfig(config, tokens);
        var lab = await LabProcess.StartAsync(
            tokens,
            "--config", config,
            "--port-particle", particlePort.ToString(CultureInfo.InvariantCulture),
            "--port-blynk", blynkPort.ToString(CultureInfo.InvariantCulture));
        await using var _ = lab;
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{particlePort}/v1/devices"));
        request.Headers.Authorization = new("Bearer", lab.Ready.ParticleToken);
        var devices = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        var connected = await http.GetStringAsync(new Uri($"http://127.0.0.1:{blynkPort}/external/api/get?token={lab.Ready.BlynkToken}&V16"));
        var listeners = (await ListenersAsync("/proc/net/tcp")).Concat(await ListenersAsync("/proc/net/tcp6")).ToList();

        // When
        var stopped = await lab.StopByClosingStdinAsync();

        // Then
        lab.Ready.ParticleUrl.Should().Be($"http://127.0.0.1:{particlePort}");
        lab.Ready.BlynkUrl.Should().Be($"http://127.0.0.1:{blynkPort}");
        devices.Should().Contain(lab.Ready.DeviceId);
        connected.Should().Be("0");
        listeners.Where(l => l.Port == particlePort || l.Port == blynkPort).Select(l => l.Port).Distinct().Should().HaveCount(2);
        listeners.Where(l => l.Port == particlePort || l.Port == blynkPort)
            .Should().OnlyContain(l => l.Address == "0100007F", "a fixed port is bound on 127.0.0.1 only, as a free one is");
        stopped.Should().BeTrue("the lab stops when stdin closes");
        lab.ExitCode.Should().Be(0, lab.Log);
        File.Delete(config);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>LISTEN sockets (state 0A) of /proc/net/tcp{,6}: local address hex and port.</summary>
    private static async Task<IEnumerable<(string Address, int Port)>> ListenersAsync(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return (await File.ReadAllLinesAsync(path)).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[3] == "0A")
            .Select(f => (f[1].Split(':')[0], int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
    }
}
