using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ParticleBlynk.BlynkCloud.Tests;

/// <summary>The dashboard alone in headless Debian Chromium (infra-notes.md §2: apt-get install chromium first).</summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>How long the browser and the mock's request log may take, in wall time (Playwright's own default).</summary>
    private static readonly TimeSpan WallLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dashboard_shows_datastreams_live_and_its_switch_writes_V16_like_the_app()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        await using var browser = await Browser.LaunchAsync();
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
        await Assertions.Expect(page.Locator("#device-name")).ToHaveTextAsync("Boron");
        await Assertions.Expect(page.Locator("#auth")).ToBeHiddenAsync();

        // When the user flips the switch
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "V16" });
        var written = await page.RunAndWaitForResponseAsync(() => toggle.ClickAsync(), r => r.Url.Contains("/pins/V16", StringComparison.Ordinal));
        await h.Clock.SettleAsync(); // the mock answered the POST after starting the webhook as harness work: settling waits for it

        // Then V16 is written app-side and the webhook reaches the Particle function
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-checked", "true");
        written.Status.Should().Be(200);

        // … by a same-origin JSON request with the token: what the origin rule and the token check let through
        var sent = await written.Request.AllHeadersAsync();
        sent["origin"].Should().Be(h.Cloud.DashboardOrigin);
        sent["sec-fetch-site"].Should().Be("same-origin");
        sent["content-type"].Should().Be("application/json");
        sent["authorization"].Should().Be("Bearer " + h.Cloud.DashboardToken);
        written.Request.PostData.Should().Be("""{"value":"1"}""");

        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
        h.ParticleCalls.Should().ContainSingle().Which.Body.Should().Be("""{"args":"1"}""");
    }

    [Theory]
    [InlineData("", "needs its token")]
    [InlineData("#token=wrong-token-0123456789abcdefghij", "refused this page's token (401)")]
    public async Task Dashboard_opened_without_its_token_says_so_and_shows_no_state(string fragment, string says)
    {
        // Given V14 holds a value the page could show
        await using var h = await BlynkHarness.StartAsync();
        await h.BatchAsync("V14=424242&V17=1");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();

        // When
        await page.GotoAsync(new Uri(h.Cloud.Url, "dashboard/1").ToString() + fragment);

        // Then the banner says why; it is shown where the page would otherwise render state, so nothing was rendered before it
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(says);
        await Assertions.Expect(page.Locator("#label-v14")).ToHaveTextAsync("--");
        await Assertions.Expect(page.Locator("#led-v17")).ToHaveAttributeAsync("data-on", "false");
        await Assertions.Expect(page.Locator("#device-name")).Not.ToContainTextAsync("Boron");
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "V16" })).ToBeDisabledAsync();
    }

    /// <summary>
    /// The CSRF proof: a page on another origin (a second loopback server, another port: "same-site" to Chromium) tries
    /// every way a page has to flip the switch — the old preflight-free text/plain fetch, a text/plain form, a JSON fetch
    /// carrying even the real token, and reading the state. Chromium sends the first two (the mock refuses them by their
    /// Origin and Sec-Fetch-Site); the JSON fetch needs a CORS preflight, which the mock refuses, so it is never sent.
    /// </summary>
    [Fact]
    public async Task A_page_on_another_origin_cannot_flip_the_switch_nor_read_the_state()
    {
        // Given the dashboard's mock, and an attacker's page served by a second loopback server
        await using var h = await BlynkHarness.StartAsync();
        var v16Before = h.Cloud.Value(BlynkHarness.Token, "V16");
        var attacker = LoopbackServer.Start();
        try
        {
            var attackerOrigin = LoopbackServer.UrlOf(attacker).GetLeftPart(UriPartial.Authority);
            attacker.Given(Request.Create().WithPath("/evil").UsingGet())
                .RespondWith(Response.Create().WithHeader("Content-Type", "text/html; charset=utf-8").WithBody(AttackerPage(h.Cloud.DashboardOrigin, h.Cloud.DashboardToken)));
            await using var browser = await Browser.LaunchAsync();
            var page = await browser.NewPageAsync();
            var answers = new List<IResponse>();
            var failed = new List<IRequest>();
            page.Response += (_, r) => { lock (answers) { answers.Add(r); } };
            page.RequestFailed += (_, r) => { lock (failed) { failed.Add(r); } };
            var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            h.Cloud.Server.LogEntriesChanged += (_, _) =>
            {
                // WireMock logs a request after it answered it: wait for the log, not for the browser's view of it.
                if (DashboardRequests(h).Count >= 5)
                {
                    logged.TrySetResult();
                }
            };

            // When
            await page.GotoAsync(attackerOrigin + "/evil");
            await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-done", "true");

            // Then the page itself saw the JSON fetch and the state read blocked (no CORS approval)
            (await page.Locator("body").GetAttributeAsync("data-json")).Should().Be("blocked", "a JSON fetch needs a preflight the mock refuses");
            (await page.Locator("body").GetAttributeAsync("data-read")).Should().Be("blocked");
            (await page.Locator("body").GetAttributeAsync("data-simple")).Should().Be("sent", "a no-cors text/plain POST goes out without a preflight: the mock must refuse it itself");

            // … Chromium sent the two simple POSTs and the state read, and the mock refused each with 403
            var dashboardAnswers = Snapshot(answers).Where(r => r.Url.StartsWith(h.Cloud.DashboardOrigin + "/dashboard/api/", StringComparison.Ordinal)).ToList();
            dashboardAnswers.Where(r => r.Request.Method == "POST").Select(r => r.Request.ResourceType)
                .Should().BeEquivalentTo(["fetch", "document"], "the text/plain fetch and the text/plain form went out");
            dashboardAnswers.Should().OnlyContain(r => r.Status == 403);
            Snapshot(failed).Should().Contain(r => r.Method == "POST" && r.Url.EndsWith("/pins/V16", StringComparison.Ordinal), "Chromium failed the JSON POST on its refused preflight");

            // … as the mock saw them: stating their origin, never the token; the two preflights refused (Playwright's
            // request headers lack Origin and Sec-Fetch-Site for these, so the mock's own log is the witness)
            await logged.Task.WaitAsync(WallLimit);
            var arrived = DashboardRequests(h);
            arrived.Select(e => e.RequestMessage!.Method).Should().BeEquivalentTo(["POST", "POST", "GET", "OPTIONS", "OPTIONS"]);
            foreach (var entry in arrived)
            {
                var request = entry.RequestMessage!;
                entry.ResponseMessage!.StatusCode.Should().Be(403, $"{request.Method} {request.Path} comes from another origin");
                request.Headers!["Origin"].Should().Equal(attackerOrigin);
                request.Headers["Sec-Fetch-Site"].Should().Equal(["same-site"], "another port of 127.0.0.1 is same-site, never same-origin");
                request.Headers.Keys.Should().NotContain(k => string.Equals(k, "Authorization", StringComparison.OrdinalIgnoreCase), "the requests carrying the token never left the browser");
            }

            // … and nothing changed: V16 as it was, no app-side write, no webhook
            await h.Clock.SettleAsync();
            h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be(v16Before);
            h.ParticleCalls.Should().BeEmpty();
            h.Services.Journal.Hops.Should().NotContain(x => x.Kind == HopKind.BlynkWebhook || x.Source == Hop.BlynkApp);
        }
        finally
        {
            attacker.Stop();
            attacker.Dispose();
        }
    }

    private static List<WireMock.Logging.ILogEntry> DashboardRequests(BlynkHarness h) =>
        [.. h.Cloud.Server.LogEntries.Where(e => e.RequestMessage!.Path.StartsWith("/dashboard/api/", StringComparison.Ordinal))];

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>Each attempt is awaited before the next; data-* attributes on the body say what the page saw.</summary>
    private static string AttackerPage(string dashboardOrigin, string leakedToken)
    {
        var api = JsonSerializer.Serialize(dashboardOrigin + "/dashboard/api/1");
        var token = JsonSerializer.Serialize("Bearer " + leakedToken);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html><head><title>Not the dashboard</title></head><body>
            <iframe name="sink" id="sink"></iframe>
            <form id="form" method="POST" enctype="text/plain" target="sink"><input name="1" value=""></form>
            <script>
            (async () => {
              const api = {{api}};
              const b = document.body.dataset;
              try {
                await fetch(api + "/pins/V16", { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: "1" });
                b.simple = "sent";
              } catch (e) { b.simple = "error"; }
              try {
                await fetch(api + "/pins/V16", { method: "POST", headers: { "Content-Type": "application/json", "Authorization": {{token}} }, body: '{"value":"1"}' });
                b.json = "allowed";
              } catch (e) { b.json = "blocked"; }
              try {
                await (await fetch(api + "/state")).json();
                b.read = "read";
              } catch (e) { b.read = "blocked"; }
              try {
                await fetch(api + "/state", { headers: { "Authorization": {{token}} } });
                b.read = "read";
              } catch (e) { }
              const form = document.getElementById("form");
              form.action = api + "/pins/V16";
              await new Promise(done => { document.getElementById("sink").onload = done; form.submit(); });
              b.done = "true";
            })();
            </script>
            </body></html>
            """);
    }

    /// <summary>Debian's Chromium through Playwright, closed with the test.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private Browser(IPlaywright playwright, IBrowser browser)
        {
            _playwright = playwright;
            _browser = browser;
        }

        public static async Task<Browser> LaunchAsync()
        {
            Assert.SkipUnless(File.Exists(Chromium), "Chromium is not installed: apt-get install -y --no-install-recommends chromium");
            var playwright = await Playwright.CreateAsync();
            try
            {
                return new Browser(playwright, await playwright.Chromium.LaunchAsync(new()
                {
                    ExecutablePath = Chromium,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync", "--no-first-run"],
                }));
            }
            catch
            {
                playwright.Dispose();
                throw;
            }
        }

        public Task<IPage> NewPageAsync() => _browser.NewPageAsync();

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
