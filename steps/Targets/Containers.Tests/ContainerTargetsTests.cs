using ParticleBlynk.Loop;

namespace ParticleBlynk.Targets.Containers.Tests;

/// <summary>The plug-in against a real engine, when the lab cannot start: it says why, once, and every later scenario fails fast.</summary>
public sealed class ContainerTargetsTests
{
    [Fact]
    public async Task A_missing_image_makes_the_target_unavailable_with_the_reason_and_later_starts_fail_fast()
    {
        // Given an image nobody built (pull policy: never — there is no registry)
        var engine = await DockerEngine.RequiredAsync();
        var image = $"particle-blynk-lab:missing-{Guid.NewGuid():N}";
        await using var plugin = new ContainerTargets(name => name == LabContainer.ImageVariable ? image : Environment.GetEnvironmentVariable(name));
        var target = plugin.Targets.Single();

        // When
        var first = () => target.StartAsync(LabSpec.Standard(), TestContext.Current.CancellationToken);
        await first.Should().ThrowAsync<Exception>();

        // Then
        var reason = target.Unavailable();
        reason.Should().StartWith("the lab container did not start: ");
        var second = () => target.StartAsync(LabSpec.Standard(), TestContext.Current.CancellationToken);
        (await second.Should().ThrowAsync<TargetCannotRunException>()).Which.Message.Should().Be(reason);
        foreach (var id in await engine.ContainerIdsAsync($"{LabContainer.Label}={LabContainer.LabelValue}"))
        {
            using var container = await engine.InspectAsync(id);
            container?.RootElement.GetProperty("Config").GetProperty("Image").GetString().Should().NotBe(image, "a failed start leaves no container behind");
        }
    }
}
