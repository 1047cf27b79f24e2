using System.Globalization;
using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Loop;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>What the device published and what Blynk made of it (L1, L2, L3).</summary>
[Binding]
public sealed class PublishSteps(LabDriver lab)
{
    [Then("the device has published {int} time(s)")]
    public void ThenPublishedTimes(int count) =>
        lab.Publishes.Should().HaveCount(count, lab.JournalText());

    /// <summary>Waits for the call's republish (or for its absence) — what a real board needs; the count since the call is the next step's.</summary>
    [Then("^the device (republishes|does not republish) after the call$")]
    public async Task ThenTheDeviceRepublishes(string what)
    {
        var expected = what == "republishes";
        // Real time: the republish comes on the loop after the call (ms on a board); 2 s bound its absence as well.
        (await lab.RepublishedAfterLastCallAsync(TimeSpan.FromSeconds(expected ? 5 : 2))).Should().Be(expected, lab.JournalText());
    }

    /// <summary>
    /// Exactly how many publishes since the last function call a step made (publishes before it do not count), now: after
    /// the time a step let pass. "None" is <see cref="ThenTheDeviceRepublishes"/>'s "does not republish after the call".
    /// </summary>
    [Then("the device has published {int} time(s) since the call")]
    public void ThenPublishedSinceTheCall(int count) =>
        lab.Publishes.Skip(lab.PublishesBeforeLastCall ?? throw new InvalidOperationException("No step called a function.")).Should().HaveCount(count, lab.JournalText());

    [Then("the last two publishes are {double} seconds apart")]
    public void ThenLastTwoApart(double seconds)
    {
        lab.Require(Capability.VirtualTime, "An exact cadence");
        var publishes = lab.Publishes;
        publishes.Should().HaveCountGreaterThanOrEqualTo(2, lab.JournalText());
        (publishes[^1].PublishedAt - publishes[^2].PublishedAt).Should().Be(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }

    [Then("Blynk holds the values of the last publish in V14, V15, V16 and V17")]
    public async Task ThenBlynkHoldsTheLastPublish()
    {
        foreach (var field in new[] { "v14", "v15", "v16", "v17" })
        {
            (await lab.StoredAsPublishedAsync(field)).Should().BeTrue($"Blynk {field.ToUpperInvariant()} should hold the published {field} ({lab.LastPayloadField(field)}), it holds '{(await lab.BlynkAsync(field.ToUpperInvariant())).Value}'. {lab.JournalText()}");
        }
    }

    /// <summary>V6 is {{PARTICLE_PUBLISHED_AT}}: ISO 8601 UTC with milliseconds, the instant the cloud published the event.</summary>
    [Then("Blynk V6 holds the time the Particle Cloud published the last publish")]
    public async Task ThenV6HoldsThePublishTime() =>
        (await lab.BlynkAsync("V6")).Value.Should().Be(
            lab.Publishes[^1].PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), lab.JournalText());

    [Then("Blynk V14 holds the millis\\() of the last publish")]
    public async Task ThenV14HoldsMillis() =>
        (await lab.BlynkAsync("V14")).Value.Should().Be(lab.LastPayloadField("v14"), lab.JournalText());

    [Then("Blynk {word} is {string}")]
    public async Task ThenBlynkPinIsText(string pin, string value) =>
        (await lab.BlynkAsync(pin)).Value.Should().Be(value, lab.JournalText());

    [Then("Blynk {word} is {int}")]
    public async Task ThenBlynkPinIs(string pin, int value) =>
        (await lab.BlynkAsync(pin)).Value.Should().Be(value.ToString(CultureInfo.InvariantCulture), lab.JournalText());
}
