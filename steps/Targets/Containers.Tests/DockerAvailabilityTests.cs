using System.Net.Sockets;
using System.Reflection;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Containers.Tests;

/// <summary>
/// Whether the containers target can run here, decided from the environment alone — no engine needed. Every test passes
/// its own environment lookup: the process environment is shared by tests running in parallel.
/// </summary>
public sealed class DockerAvailabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("e2e-docker-availability-").FullName;

    [Fact]
    public void A_missing_engine_socket_is_named_in_the_reason()
    {
        // Given
        var socket = Path.Combine(_dir, "docker.sock");

        // When
        var reason = DockerAvailability.Reason(Environment(("DOCKER_HOST", "unix://" + socket)));

        // Then
        reason.Should().StartWith($"no Docker engine here ({socket} is missing): ");
    }

    [Fact]
    public void An_engine_socket_that_exists_makes_the_target_available()
    {
        // Given a listening unix socket where DOCKER_HOST points
        var socket = Path.Combine(_dir, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socket));
        listener.Listen();

        // When / Then
        DockerAvailability.Reason(Environment(("DOCKER_HOST", "unix://" + socket))).Should().BeNull();
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("ssh://builder@docker-host")]
    public void A_remote_engine_is_left_to_Testcontainers_to_check(string host)
    {
        DockerAvailability.Reason(Environment(("DOCKER_HOST", host))).Should().BeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_DOCKER_HOST_the_default_socket_is_the_one_looked_for(string? host)
    {
        // Given / When
        var reason = DockerAvailability.Reason(Environment(("DOCKER_HOST", host)));

        // Then
        if (File.Exists("/var/run/docker.sock"))
        {
            reason.Should().BeNull();
        }
        else
        {
            reason.Should().StartWith("no Docker engine here (/var/run/docker.sock is missing)");
        }
    }

    [Fact]
    public async Task The_target_is_unavailable_with_the_engines_reason()
    {
        // Given
        var socket = Path.Combine(_dir, "docker.sock");
        await using var plugin = new ContainerTargets(Environment(("DOCKER_HOST", "unix://" + socket)));

        // When
        var reason = plugin.Targets.Single().Unavailable();

        // Then
        reason.Should().StartWith($"no Docker engine here ({socket} is missing)");
    }

    [Fact]
    public async Task The_card_names_the_image_from_E2E_LAB_IMAGE()
    {
        // Given
        await using var plugin = new ContainerTargets(Environment(("E2E_LAB_IMAGE", "registry.local/lab:42")));

        // When
        var target = plugin.Targets.Single();

        // Then
        target.Name.Should().Be("containers");
        target.Summary.Should().StartWith("the lab image (registry.local/lab:42) in a container via Testcontainers");
    }

    [Theory]
    [InlineData(null, "particle-blynk-lab:dev")]
    [InlineData("", "particle-blynk-lab:dev")]
    [InlineData("particle-blynk-lab:ci", "particle-blynk-lab:ci")]
    public void The_image_comes_from_E2E_LAB_IMAGE_or_defaults_to_the_dev_build(string? variable, string image)
    {
        LabContainer.ImageFrom(Environment(("E2E_LAB_IMAGE", variable))).Should().Be(image);
    }

    [Fact]
    public async Task Every_capability_a_lab_mock_has_is_declared()
    {
        // Given
        await using var plugin = new ContainerTargets(Environment());

        // When
        var target = plugin.Targets.Single();

        // Then
        foreach (var capability in new[] { Capability.VirtualTime, Capability.FaultInjection, Capability.DeviceControl, Capability.LedReadback, Capability.CloudInternals, Capability.Browser })
        {
            target.Has(capability).Should().BeTrue($"{capability}: {target.WhyNot(capability)}");
        }
    }

    [Fact]
    public void The_lease_outlives_several_renewals_and_containers_are_labelled_for_cleanup()
    {
        LabContainer.Lease.Should().Be(TimeSpan.FromMinutes(2));
        LabContainer.Renewal.Should().BeLessThan(LabContainer.Lease / 3, "a renewal or two may be lost on a busy machine");
        $"{LabContainer.Label}={LabContainer.LabelValue}".Should().Be("e2e.harness=particle-blynk", "scripts/docker.sh removes leftovers by this label");
        typeof(ContainerTargets).Assembly.GetCustomAttribute<LoopTargetPluginAttribute>()!.PluginType.Should().Be<ContainerTargets>();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, string?> Environment(params (string Name, string? Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
