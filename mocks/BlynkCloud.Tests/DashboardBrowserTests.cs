using Microsoft.Playwright;

namespace ParticleBlynk.BlynkCloud.Tests;

/// <summary>The dashboard alone in headless Debian Chromium (infra-notes.md §2: apt-get install chromium first).</summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_shows_datastreams_live_and_its_switch_writes_V16_like_the_app()
    {
        Assert.SkipUnless(File.Exists(Chromium), "Chromium is not installed: apt-get install -y --no-install-recommends chromium");

        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(h.Cloud.DashboardUrl(BlynkHarness.Token).ToString());

        // When
        await h.BatchAsync("V6=2026-01-01T00:00:00.000Z&V14=42&V15=3.14159&V16=0&V17=1");

        // Then
        await Assertions.Expect(page.Locator("#label-v14")).ToHaveTextAsync("42");
        await Assertions.Expect(page.Locator("#label-v15")).ToHaveTextAsync("3.14");
        await Assertions.Expect(page.Locator("#label-v6")).ToHaveTextAsync("2026-01-01T00:00:00.000Z");
        await Assertions.Expect(page.Locator("#led-v17")).ToHaveAttributeAsync("data-on", "true");
        await Assertions.Expect(page.Locator("#chart-v14 polyline")).ToHaveAttributeAsync("data-points", "1");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Offline");

        // When the user flips the switch
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "V16" });
        await page.RunAndWaitForResponseAsync(() => toggle.ClickAsync(), r => r.Url.Contains("/pins/V16", StringComparison.Ordinal));
        await h.Clock.SettleAsync(); // the mock answered the POST after starting the webhook as harness work: settling waits for it

        // Then V16 is written app-side and the webhook reaches the Particle function
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-checked", "true");

        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
        h.ParticleCalls.Should().ContainSingle().Which.Body.Should().Be("""{"args":"1"}""");
    }
}
