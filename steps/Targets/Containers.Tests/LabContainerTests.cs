using System.Net;
using System.Net.Http.Headers;

namespace ParticleBlynk.Targets.Containers.Tests;

/// <summary>
/// The lab image started by <see cref="LabContainer"/> on a real Docker engine: READY parsed, the control API guarded by
/// its token, the label the cleanup relies on, and nothing left once disposed. Skips, saying why, without an engine or
/// the image (scripts/docker.sh, scripts/lab-image.sh).
/// </summary>
public sealed class LabContainerTests
{
    private const string HarnessLabel = $"{LabContainer.Label}={LabContainer.LabelValue}";

    [Fact]
    public async Task Starts_the_image_on_the_host_network_and_reads_the_control_URL_and_token_from_READY()
    {
        // Given
        var engine = await DockerEngine.RequiredAsync();

        // When
        await using var lab = await LabContainer.StartAsync(TestContext.Current.CancellationToken);

        // Then
        lab.ControlUrl.Scheme.Should().Be("http");
        lab.ControlUrl.IsLoopback.Should().BeTrue("the lab listens on 127.0.0.1 of the host network");
        lab.ControlUrl.AbsolutePath.Should().Be("/lab/v1");
        lab.ControlToken.Should().NotBeNullOrWhiteSpace();
        using var inspected = await engine.InspectAsync(lab.Id);
        var container = inspected!.RootElement;
        container.GetProperty("Config").GetProperty("Image").GetString().Should().Be(LabContainer.Image);
        container.GetProperty("HostConfig").GetProperty("NetworkMode").GetString().Should().Be("host");
        container.GetProperty("HostConfig").GetProperty("AutoRemove").GetBoolean().Should().BeTrue();
        container.GetProperty("Config").GetProperty("Cmd").EnumerateArray().Select(a => a.GetString())
            .Should().ContainInConsecutiveOrder("--exit-when-idle", "00:02:00").And.Contain("--virtual-time").And.Contain("--ignore-stdin");
    }

    [Fact]
    public async Task The_control_API_answers_with_the_token_and_refuses_without_it()
    {
        // Given
        await DockerEngine.RequiredAsync();
        await using var lab = await LabContainer.StartAsync(TestContext.Current.CancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var sessions = new Uri(lab.ControlUrl.AbsoluteUri.TrimEnd('/') + "/sessions");

        // When
        var withToken = await GetAsync(http, sessions, lab.ControlToken);
        var withoutToken = await GetAsync(http, sessions, token: null);
        var withAnotherToken = await GetAsync(http, sessions, "not-" + lab.ControlToken);

        // Then
        withToken.Should().Be(HttpStatusCode.OK);
        withoutToken.Should().Be(HttpStatusCode.Unauthorized);
        withAnotherToken.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_container_carries_the_harness_label_and_is_gone_after_dispose()
    {
        // Given
        var engine = await DockerEngine.RequiredAsync();
        var lab = await LabContainer.StartAsync(TestContext.Current.CancellationToken);
        string id;
        try
        {
            id = lab.Id;
            (await engine.ContainerIdsAsync(HarnessLabel, id)).Should().Equal([id], "scripts/docker.sh removes leftovers by this label");
        }
        finally
        {
            // When
            await lab.DisposeAsync();
        }

        // Then: no container with the label and this id, running or stopped
        (await engine.ContainerIdsAsync(HarnessLabel, id)).Should().BeEmpty();
        (await engine.InspectAsync(id)).Should().BeNull();
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient http, Uri url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
