using System.Text.Json.Nodes;
using ParticleBlynk.Loop;
using ParticleBlynk.LoopHost.Control;
using ParticleBlynk.LoopHost.Tests.Support;

namespace ParticleBlynk.LoopHost.Tests;

/// <summary>The loop host from a lab file, wired as mocks/Lab/Program.cs does: the configured loop is session "default".</summary>
public sealed class LoopHostTests
{
    [Fact]
    public async Task The_demo_lab_on_virtual_time_is_ready_once_its_board_booted_and_the_ready_report_masks_the_tokens()
    {
        // Given
        var configuration = LabConfiguration.Load(LabConfiguration.DemoFile);
        await using var host = await LoopHost.StartAsync(configuration, new LoopHostOptions { VirtualTime = true });

        // When
        await host.WhenReadyAsync();
        var report = JsonNode.Parse(LoopHost.ReadyLine(host.ReadyReport())["READY ".Length..])!.AsObject();

        // Then
        host.Boards.Should().ContainSingle().Which.State.Should().Be("ready");
        host.Clock!.Now.Should().BeAfter(ParticleBlynk.Timeline.HarnessClock.DefaultStart, "the clock ran until the board was ready");
        ((string?)report["deviceId"]).Should().Be("e00fce68d3b2a1c4f5e6a7b8");
        ((bool?)report["virtualTime"]).Should().BeTrue();
        ((string?)report["particleToken"]).Should().Be(Secrets.Mask(configuration.ParticleToken!));
        ((string?)report["blynkToken"]).Should().Be(Secrets.Mask(configuration.Devices[0].Token));
        var written = report.ToJsonString();
        written.Contains(configuration.ParticleToken!, StringComparison.Ordinal).Should().BeFalse("the READY report carries no token in full");
        written.Contains(configuration.Devices[0].Token, StringComparison.Ordinal).Should().BeFalse("the READY report carries no token in full");
        ((string?)report["dashboardUrl"]).Should().Be($"{host.Blynk.Url}dashboard/1#token={host.Blynk.DashboardToken}", "the dashboard link is usable as printed, like the control token");
        host.Secrets.Redact($"log line {host.Blynk.DashboardToken}").Should().Be($"log line {Secrets.Mask(host.Blynk.DashboardToken)}", "every line the lab logs masks the dashboard token");
    }

    [Fact]
    public async Task The_configured_loop_is_driven_over_the_control_api_as_session_default()
    {
        // Given the demo lab as Program.cs wires it (virtual time)
        await using var lab = await InProcessLab.StartAsync();
        var configuration = LabConfiguration.Load(LabConfiguration.DemoFile);
        var host = await LoopHost.StartAsync(configuration, new LoopHostOptions { VirtualTime = true });
        lab.Sessions.Add(host, id: LabSessions.DefaultId);
        await host.WhenReadyAsync();

        // When
        var session = (await lab.ListSessionsAsync()).Should().ContainSingle().Subject;
        var board = await lab.Client.BoardAsync(LabSessions.DefaultId, "e00fce68d3b2a1c4f5e6a7b8");
        var console = await lab.Client.BlynkConsoleAsync(LabSessions.DefaultId);

        // Then
        session.Id.Should().Be("default");
        session.VirtualTime.Should().BeTrue();
        session.DashboardUrl.Should().Be(session.BlynkUrl + "/dashboard/1#token=" + host.Blynk.DashboardToken, "the configured Blynk device's dashboard, with its token");
        board.State.Should().Be("ready");
        console.LastUpdate.Should().NotBeNull("the boot publish reached Blynk through the doc's webhook");
        FluentActions.Invoking(() => lab.Sessions.Add(host, id: LabSessions.DefaultId)).Should().Throw<InvalidOperationException>().WithMessage("*default exists already*");
    }
}
