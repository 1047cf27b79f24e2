using Reqnroll;

namespace ParticleBlynk.Gherkin.Tests;

/// <summary>Bindings for the fixture features; they record what ran so tests can check the call sequence.</summary>
[Binding]
public sealed class FixtureBindings(ScenarioContext scenario)
{
    [Given("the board is online")]
    public void BoardOnline() => Record("online");

    [When("the board boots")]
    public void Boots() => Record("boots");

    [Then("it publishes once")]
    public void PublishesOnce() => Record("publishes");

    [Then("the payload has {int} fields")]
    public void PayloadFields(int count) => Record("fields=" + count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Then("nothing is rejected")]
    public void NothingRejected() => Record("nothing-rejected");

    [When("V16 is switched to {int}")]
    public void Switched(int value) => Record("v16=" + value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Then("the LED is {word}")]
    public void Led(string state) => Record("led=" + state);

    [Then("the step fails with {string}")]
    public static void StepFails(string message) => throw new InvalidOperationException(message);

    [Then("the assertion {string} holds")]
    public static void AssertionHolds(string outcome)
    {
        if (outcome == "fails")
        {
            throw new Xunit.Sdk.XunitException("Expected the D7 LED to be on, but found off.");
        }
    }

    [AfterScenario("cleanup-fails")]
    public static void CleanupFails() => throw new IOException("mock did not stop");

    private void Record(string what) => TestContext.Current.SendDiagnosticMessage(scenario.ScenarioInfo.Title + ": " + what);
}
