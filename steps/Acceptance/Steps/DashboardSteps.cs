using ParticleBlynk.Acceptance.Drivers;
using ParticleBlynk.Gherkin;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Steps;

/// <summary>The Blynk web dashboard in a real browser (L3 to L6 as the user sees them).</summary>
[Binding]
public sealed class DashboardSteps(DashboardDriver dashboard, LabDriver lab, IReqnrollOutputHelper output)
{
    [When("the device's dashboard is opened in the browser")]
    public Task WhenDashboardOpened() => dashboard.OpenAsync();

    [Then("the dashboard shows the boot publish in V6 and V14, and V15 as {string}")]
    public async Task ThenDashboardShowsBootPublish(string v15)
    {
        await dashboard.ExpectLabelAsync("V6", (await lab.BlynkAsync("V6")).Value ?? "--");
        await dashboard.ExpectLabelAsync("V14", (await lab.BlynkAsync("V14")).Value ?? "--");
        await dashboard.ExpectLabelAsync("V15", v15);
    }

    [Then("the dashboard shows the device {string} with its Last Update")]
    public Task ThenDashboardShowsStatus(string status) => dashboard.ExpectStatusAsync(status);

    [When("the user flips the V16 switch {word} in the dashboard")]
    public Task WhenUserFlipsSwitch(string state) => dashboard.FlipSwitchAsync(OnOff(state));

    [Then("the LED widget on the dashboard lights up")]
    public Task ThenLedWidgetLightsUp() => dashboard.ExpectLedAsync(on: true);

    [Then("the LED widget on the dashboard goes dark")]
    public Task ThenLedWidgetGoesDark() => dashboard.ExpectLedAsync(on: false);

    [Then("a screenshot of the dashboard goes into the report")]
    public async Task ThenScreenshotIntoReport()
    {
        var (fileName, png) = await dashboard.ScreenshotAsync();
        output.AttachContent(fileName, png);
    }

    private static bool OnOff(string state) =>
        state == "on" || (state == "off" ? false : throw new ArgumentException($"on or off, not '{state}'", nameof(state)));
}
