using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ParticleBlynk.Acceptance.Drivers;

/// <summary>
/// The device's Blynk web dashboard in headless Debian Chromium, driven by Playwright. Scenario-scoped (Reqnroll context
/// injection): one Playwright driver and one browser per scenario, closed by <see cref="DisposeAsync"/> (AfterScenario),
/// so nothing is shared between parallel features. Launching costs about 2 s of wall time; if many browser scenarios
/// come, share one lazily started browser per run and give each scenario its own browser context instead.
/// </summary>
/// <remarks>
/// Two clocks meet here. The lab runs on the harness's virtual clock, which moves only when a driver advances it;
/// the browser lives on the wall clock (its 500 ms poll, its fetches). A flip of the switch therefore goes:
/// <list type="number">
/// <item>Wall clock: click, and wait (bounded by Playwright) for the answer to the dashboard's POST of V16. The mock
/// handles that POST on a Kestrel thread, outside any harness flow; by the time it answers, V16 is stored and the Blynk
/// webhook is registered as harness work. Virtual time stands still meanwhile: nothing advances it.</item>
/// <item>Virtual clock: <see cref="ITimeDriver.WaitUntilAsync"/> runs the webhook, the Particle function call and the
/// device's loop until V17 echoes on Blynk (bounded in virtual time).</item>
/// <item>Wall clock again: Playwright's <c>Expect</c> retries until the page's next poll shows the LED (bounded).</item>
/// </list>
/// No sleeps anywhere: every wait is for a condition, with a limit.
/// </remarks>
public sealed class DashboardDriver(LabDriver lab) : IAsyncDisposable
{
    /// <summary>
    /// How long the browser may take, in wall time, for anything: Playwright's own default. A pass takes well under a
    /// second per wait (the page polls every 500 ms); the margin is for a heavily loaded CI box.
    /// </summary>
    private static readonly TimeSpan WallLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long, in virtual time, the echo may take once Blynk has the switch (LedEchoSteps waits as long).</summary>
    private static readonly TimeSpan EchoLimit = TimeSpan.FromSeconds(5);

    private static readonly float WallLimitMs = (float)WallLimit.TotalMilliseconds;

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;
    private int _screenshots;

    public bool IsOpen => _page is not null;

    private IPage Page => _page ?? throw new InvalidOperationException("The dashboard is not open: a step must open it in the browser first.");

    private ILocator Switch => Page.GetByRole(AriaRole.Switch, new() { Name = "V16" });

    private ILocator Led => Page.Locator("#led-v17");

    /// <summary>Throws xUnit's skip when this machine or target cannot show the dashboard in a browser, saying why.</summary>
    public static void SkipUnlessChromium()
    {
        if (DebianChromium.Executable is null)
        {
            throw Xunit.Sdk.SkipException.ForSkip(DebianChromium.MissingReason);
        }
    }

    /// <summary>
    /// Starts the browser and opens the dashboard of the lab's Blynk device, by its link as the target gives it: with the
    /// mock's dashboard token in the fragment (<c>#token=…</c>), which the page sends as a Bearer header on each call. The
    /// token is in the target's <see cref="Loop.Secrets"/>, so a Playwright message that quotes the URL is masked.
    /// </summary>
    public async Task OpenAsync()
    {
        lab.Require(Loop.Capability.Browser, "Opening the dashboard");
        SkipUnlessChromium();
        var target = await lab.StartAsync();
        var url = target.Blynk.DashboardUrl
            ?? throw Xunit.Sdk.SkipException.ForSkip($"Target '{target.Descriptor.Name}' has no dashboard to open.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(DebianChromium.LaunchOptions(DebianChromium.Executable!));
        _page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        _page.SetDefaultTimeout(WallLimitMs);
        await _page.GotoAsync(url.ToString());
    }

    /// <summary>Waits (wall time) until the label widget of <paramref name="pin"/> shows <paramref name="text"/>.</summary>
    public Task ExpectLabelAsync(string pin, string text) =>
        ExpectAsync(() => Expect(Page.Locator("#label-" + pin.ToLowerInvariant())).ToHaveTextAsync(text, new() { Timeout = WallLimitMs }));

    /// <summary>Waits (wall time) until the status widget shows <paramref name="status"/> and the Last Update Blynk holds.</summary>
    public async Task ExpectStatusAsync(string status)
    {
        await ExpectAsync(() => Expect(Page.Locator("#status")).ToHaveTextAsync(status, new() { Timeout = WallLimitMs }));
        lab.Require(Loop.Capability.CloudInternals, "Comparing the dashboard's Last Update with Blynk's");
        var lastUpdate = await lab.Target.Blynk.LastUpdateAsync() ?? throw new InvalidOperationException($"Blynk has no Last Update for the device.{Environment.NewLine}{lab.JournalText()}");

        // The page prints the JSON timestamp as it comes (fraction and offset as the serializer writes them): compare to the second.
        var shown = new Regex("^" + Regex.Escape(lastUpdate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)));
        await ExpectAsync(() => Expect(Page.Locator("#last-update")).ToHaveTextAsync(shown, new() { Timeout = WallLimitMs }));
    }

    /// <summary>Flips the V16 switch to <paramref name="on"/> like a user and lets the loop run until V17 echoes (see remarks).</summary>
    public async Task FlipSwitchAsync(bool on)
    {
        var value = on ? "1" : "0";
        var target = lab.Target;

        // A click toggles: the page must show the other position first, or the click would write the wrong value.
        await ExpectAsync(() => Expect(Switch).ToHaveAttributeAsync("aria-checked", on ? "false" : "true", new() { Timeout = WallLimitMs }));

        // 1. Wall clock: the click, until the mock has answered the dashboard's POST (V16 stored, webhook started as harness work).
        var written = await Page.RunAndWaitForResponseAsync(
            () => Switch.ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/pins/V16", StringComparison.Ordinal),
            new() { Timeout = WallLimitMs });
        if (!written.Ok)
        {
            throw new InvalidOperationException($"The dashboard's write of V16={value} was refused: {written.Status} {await written.TextAsync()}{Environment.NewLine}{lab.JournalText()}");
        }

        // 2. Virtual clock: the webhook, the function call and the device's loop, until V17 echoes (the Then steps judge it).
        var switchedAt = target.Time.Now;
        await lab.WaitUntilAsync(() => lab.V17WriteAfter(switchedAt, value) is not null, EchoLimit);
    }

    /// <summary>Waits (wall time) until the page's polls show the LED widget <paramref name="on"/>.</summary>
    public Task ExpectLedAsync(bool on) =>
        ExpectAsync(() => Expect(Led).ToHaveAttributeAsync("data-on", on ? "true" : "false", new() { Timeout = WallLimitMs }));

    /// <summary>A PNG of the whole page and a file name for it that says what it shows.</summary>
    public async Task<(string FileName, byte[] Png)> ScreenshotAsync()
    {
        var led = await Led.GetAttributeAsync("data-on") == "true" ? "on" : "off";
        var png = await Page.ScreenshotAsync(new() { FullPage = true });
        return (string.Create(CultureInfo.InvariantCulture, $"dashboard-{++_screenshots:00}-led-{led}.png"), png);
    }

    public async ValueTask DisposeAsync()
    {
        _page = null;
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
    }

    // Playwright's message says what the page showed; the lab's side (Blynk's values, the journal) tells why.
    private async Task ExpectAsync(Func<Task> expectation)
    {
        try
        {
            await expectation();
        }
        catch (PlaywrightException failure)
        {
            var v16 = lab.Started ? (await lab.BlynkAsync("V16")).Value : null;
            var v17 = lab.Started ? (await lab.BlynkAsync("V17")).Value : null;
            var refused = _page is not null && await _page.Locator("#auth").IsVisibleAsync()
                ? $"{Environment.NewLine}The dashboard says: {await _page.Locator("#auth").TextContentAsync()}"
                : "";
            throw new Xunit.Sdk.XunitException(
                $"{failure.Message}{refused}{Environment.NewLine}Blynk holds V16={v16 ?? "null"}, V17={v17 ?? "null"}.{Environment.NewLine}{lab.JournalText()}",
                failure);
        }
    }
}
