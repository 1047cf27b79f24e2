using ParticleBlynk.Acceptance.Drivers;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The switch, the function call and the LED echo (L4, L5, L6).</summary>
[Binding]
public sealed class LedEchoSteps(LabDriver lab, ScenarioContext scenario)
{
    private const string SwitchedAt = "switched-at";

    /// <summary>Switches, then lets time run until V17 echoes the value (at most 5 s: a dropped toggle never echoes).</summary>
    [When("the V16 switch is turned {word} in the Blynk app")]
    public async Task WhenSwitchTurned(string state)
    {
        var value = state == "on" ? "1" : state == "off" ? "0" : throw new ArgumentException($"on or off, not '{state}'", nameof(state));
        scenario[SwitchedAt] = (await lab.SwitchFromAppAndAwaitEchoAsync("V16", value, TimeSpan.FromSeconds(5)), value);
    }

    /// <summary>"on", "off", or "none" for a board without a user LED on D7.</summary>
    [Then("the D7 LED is {word}")]
    public async Task ThenLedIs(string state) =>
        (await lab.LedOnAsync()).Should().Be(state switch { "on" => true, "off" => false, "none" => null, _ => throw new ArgumentException($"on, off or none, not '{state}'", nameof(state)) }, $"the D7 LED should be {state}. {lab.JournalText()}");

    [Then("the LED echo completed within {int} seconds of the switch")]
    public void ThenEchoWithin(int seconds)
    {
        var (switchedAt, value) = ((DateTimeOffset, string))scenario[SwitchedAt];
        var echo = lab.V17WriteAfter(switchedAt, value);
        echo.Should().NotBeNull($"V17={value} should be written after the switch. {lab.JournalText()}");
        (echo!.At - switchedAt).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(seconds), lab.JournalText());
    }
}
