using System.Diagnostics;

namespace ParticleBlynk.Targets.Containers.Tests;

/// <summary>
/// The lab's lease (--exit-when-idle): a container nobody renews — what a crashed or killed run leaves — stops and is
/// removed by itself; one the harness renews keeps running. Wall time: the lab counts idle time on its own clock.
/// </summary>
public sealed class LabLeaseTests
{
    private const string HarnessLabel = $"{LabContainer.Label}={LabContainer.LabelValue}";
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(60);

    // A lease runs from the lab's start, before READY: both leave room for a slow start on a busy machine (load 9 on 2 cores seen).
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RenewedLease = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_lab_whose_lease_is_never_renewed_stops_and_removes_itself()
    {
        // Given a lab started as a crashed run would leave it: a short lease, no renewal, never disposed in time
        var engine = await DockerEngine.RequiredAsync();
        var started = Stopwatch.StartNew();
        await using var lab = await LabContainer.StartAsync(LabContainer.Image, ShortLease, renewal: null, TestContext.Current.CancellationToken);

        // When the lease runs out
        var gone = await GoneAsync(engine, lab.Id, GoneWithin);

        // Then nothing is left: not running, not stopped
        gone.Should().BeTrue($"the container should stop after its {ShortLease} lease and be auto-removed within {GoneWithin}");
        started.Elapsed.Should().BeGreaterThanOrEqualTo(ShortLease, "it lives out its lease first");
        (await engine.InspectAsync(lab.Id)).Should().BeNull();
    }

    [Fact]
    public async Task A_lab_whose_lease_is_renewed_outlives_it()
    {
        // Given a short lease renewed every 500 ms
        var engine = await DockerEngine.RequiredAsync();
        await using var lab = await LabContainer.StartAsync(LabContainer.Image, RenewedLease, TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);

        // When two leases' worth of time passes (wall time is what the lab measures)
        var goneEarly = await GoneAsync(engine, lab.Id, RenewedLease * 2);

        // Then
        goneEarly.Should().BeFalse("the renewals keep the lab alive");
        (await engine.ContainerIdsAsync(HarnessLabel, lab.Id)).Should().Equal(lab.Id);
    }

    /// <summary>Polls the engine (every 250 ms, at most <paramref name="bound"/>) until the container is gone.</summary>
    private static async Task<bool> GoneAsync(DockerEngine engine, string id, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if ((await engine.ContainerIdsAsync(HarnessLabel, id)).Count == 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        return (await engine.ContainerIdsAsync(HarnessLabel, id)).Count == 0;
    }
}
