using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.BlynkCloud.Tests;

/// <summary>
/// The dashboard's API over plain HTTP: the token of the dashboard link, the origin rule (CSRF) and the switch's JSON.
/// A request is made the way a browser would make it by stating its Origin and Sec-Fetch-Site headers (what Chromium
/// sends is proven in <see cref="DashboardBrowserTests"/>).
/// </summary>
public sealed class DashboardApiTests
{
    /// <summary>Another origin on the same machine (a page served on another loopback port): Chromium calls it same-site.</summary>
    private const string OtherOrigin = "http://127.0.0.1:9";

    [Fact]
    public async Task A_cross_origin_text_plain_post_is_refused_with_403_and_changes_nothing()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When a page on another origin posts the old, preflight-free form of the switch (what curl -d 1 -H 'Content-Type: text/plain' did)
        var answer = await dashboard.SwitchAsync(new StringContent("1", Encoding.UTF8, "text/plain"), token: null, origin: OtherOrigin, fetchSite: "same-site");

        // Then
        answer.Status.Should().Be(HttpStatusCode.Forbidden, answer.Body);
        answer.Error.Should().StartWith("cross_origin:");
        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Theory]
    [InlineData(OtherOrigin, null)]
    [InlineData(OtherOrigin, "same-site")]
    [InlineData("null", null)]
    [InlineData(null, "cross-site")]
    [InlineData(null, "same-site")]
    [InlineData(null, "none")]
    [InlineData("https://evil.example", "cross-site")]
    public async Task A_request_from_another_origin_is_refused_with_403_even_with_the_token_and_json(string? origin, string? fetchSite)
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var write = await dashboard.SwitchAsync(Dashboard.Json("1"), dashboard.Token, origin, fetchSite);
        var read = await dashboard.StateAsync(dashboard.Token, origin, fetchSite);

        // Then
        write.Status.Should().Be(HttpStatusCode.Forbidden, write.Body);
        write.Error.Should().StartWith("cross_origin:");
        read.Status.Should().Be(HttpStatusCode.Forbidden, read.Body);
        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Fact]
    public async Task The_dashboard_origin_with_a_cross_site_fetch_is_still_refused()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var answer = await dashboard.SwitchAsync(Dashboard.Json("1"), dashboard.Token, h.Cloud.DashboardOrigin, "cross-site");

        // Then
        answer.Status.Should().Be(HttpStatusCode.Forbidden, answer.Body);
        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Fact]
    public async Task Without_the_token_state_and_switch_are_401_with_a_json_error()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var read = await dashboard.StateAsync(token: null, h.Cloud.DashboardOrigin, "same-origin");
        var write = await dashboard.SwitchAsync(Dashboard.Json("1"), token: null, h.Cloud.DashboardOrigin, "same-origin");

        // Then
        foreach (var answer in new[] { read, write })
        {
            answer.Status.Should().Be(HttpStatusCode.Unauthorized, answer.Body);
            answer.Error.Should().StartWith("invalid_token:");
            answer.Response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
            answer.Body.Should().NotContain("Boron", "nothing of the device is shown without the token");
        }

        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Fact]
    public async Task A_wrong_token_or_another_mocks_token_is_401()
    {
        // Given two mocks: each draws its own token
        await using var h = await BlynkHarness.StartAsync();
        await using var other = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var answers = new List<Answer>();
        foreach (var token in new[] { "wrong", other.Cloud.DashboardToken, dashboard.Token[..^1], dashboard.Token + "x" })
        {
            answers.Add(await dashboard.StateAsync(token, origin: null, fetchSite: null));
            answers.Add(await dashboard.SwitchAsync(Dashboard.Json("1"), token, h.Cloud.DashboardOrigin, "same-origin"));
        }

        // Then
        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.Unauthorized && a.Error!.StartsWith("invalid_token:", StringComparison.Ordinal));
        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Fact]
    public async Task A_same_origin_json_post_with_the_token_switches_V16_and_fires_the_webhook()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When the dashboard's own page posts the switch (the headers Chromium sends for a same-origin fetch)
        var answer = await dashboard.SwitchAsync(Dashboard.Json("1"), dashboard.Token, h.Cloud.DashboardOrigin, "same-origin");
        await h.Clock.SettleAsync();

        // Then
        answer.Status.Should().Be(HttpStatusCode.OK, answer.Body);
        answer.Body.Should().Be("""{"pin":"V16","value":"1"}""");
        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
        h.ParticleCalls.Should().ContainSingle().Which.Body.Should().Be("""{"args":"1"}""");
        h.Services.Journal.Hops.Should().ContainSingle(x => x.Kind == HopKind.BlynkWebhook && x.Outcome == HopOutcome.Delivered);
    }

    [Fact]
    public async Task The_state_with_the_token_shows_the_device()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);
        await h.BatchAsync("V14=42");

        // When
        var answer = await dashboard.StateAsync(dashboard.Token, h.Cloud.DashboardOrigin, "same-origin");

        // Then
        answer.Status.Should().Be(HttpStatusCode.OK, answer.Body);
        using var json = JsonDocument.Parse(answer.Body);
        json.RootElement.GetProperty("name").GetString().Should().Be("Boron");
        json.RootElement.GetProperty("pins").GetProperty("V14").GetProperty("value").GetString().Should().Be("42");
    }

    [Fact]
    public async Task A_non_browser_client_without_Origin_may_switch_with_the_token_and_json()
    {
        // Given a client that sends neither Origin nor Sec-Fetch-Site (curl, the harness): no browser sends a cross-origin POST so
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var answer = await dashboard.SwitchAsync(Dashboard.Json("1"), dashboard.Token, origin: null, fetchSite: null);
        await h.Clock.SettleAsync();

        // Then
        answer.Status.Should().Be(HttpStatusCode.OK, answer.Body);
        h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be("1");
        h.ParticleCalls.Should().ContainSingle();
    }

    [Fact]
    public async Task The_switch_takes_only_a_json_object_with_a_value()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);

        // When
        var textPlain = await dashboard.SwitchAsync(new StringContent("1", Encoding.UTF8, "text/plain"), dashboard.Token, h.Cloud.DashboardOrigin, "same-origin");
        var form = await dashboard.SwitchAsync(new FormUrlEncodedContent([new("value", "1")]), dashboard.Token, h.Cloud.DashboardOrigin, "same-origin");
        var noType = await dashboard.SwitchAsync(new ByteArrayContent("""{"value":"1"}"""u8.ToArray()), dashboard.Token, origin: null, fetchSite: null);
        var notJson = await dashboard.SwitchAsync(new StringContent("1=", Encoding.UTF8, "application/json"), dashboard.Token, origin: null, fetchSite: null);
        var noValue = await dashboard.SwitchAsync(new StringContent("""{"v":"1"}""", Encoding.UTF8, "application/json"), dashboard.Token, origin: null, fetchSite: null);
        var badValue = await dashboard.SwitchAsync(Dashboard.Json("on"), dashboard.Token, origin: null, fetchSite: null);

        // Then
        textPlain.Status.Should().Be(HttpStatusCode.UnsupportedMediaType, textPlain.Body);
        form.Status.Should().Be(HttpStatusCode.UnsupportedMediaType, form.Body);
        noType.Status.Should().Be(HttpStatusCode.UnsupportedMediaType, noType.Body);
        notJson.Status.Should().Be(HttpStatusCode.BadRequest, notJson.Body);
        noValue.Status.Should().Be(HttpStatusCode.BadRequest, noValue.Body);
        badValue.Status.Should().Be(HttpStatusCode.BadRequest, badValue.Body);
        await dashboard.ShouldHaveChangedNothingAsync();
    }

    [Fact]
    public async Task A_cors_preflight_is_refused_without_any_allow_header()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);
        using var request = new HttpRequestMessage(HttpMethod.Options, dashboard.Api("pins/V16"));
        request.Headers.Add("Origin", OtherOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        // When
        using var response = await dashboard.Http.SendAsync(request);

        // Then
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.Select(x => x.Key).Should().NotContain(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_page_loads_without_the_token_but_holds_nothing_of_the_device()
    {
        // Given
        await using var h = await BlynkHarness.StartAsync();
        using var dashboard = new Dashboard(h);
        await h.BatchAsync("V14=424242");

        // When
        using var page = await dashboard.Http.GetAsync(new Uri(h.Cloud.Url, "dashboard/1"));
        using var byToken = await dashboard.Http.GetAsync(new Uri(h.Cloud.Url, "dashboard/" + BlynkHarness.Token));
        var html = await page.Content.ReadAsStringAsync();

        // Then
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        html.Should().NotContain("Boron").And.NotContain("424242").And.NotContain(dashboard.Token);
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'").And.Contain("script-src 'sha256-");
        page.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
        byToken.StatusCode.Should().Be(HttpStatusCode.NotFound, "a device's auth token is no dashboard address");
    }

    [Fact]
    public async Task Every_mock_draws_its_own_random_dashboard_token_and_its_link_carries_it_in_the_fragment()
    {
        // Given
        await using var one = await BlynkHarness.StartAsync();
        await using var two = await BlynkHarness.StartAsync();

        // When
        var url = one.Cloud.DashboardUrl(BlynkHarness.Token);

        // Then
        one.Cloud.DashboardToken.Should().MatchRegex("^[A-Za-z0-9_-]{32}$").And.NotBe(two.Cloud.DashboardToken);
        url.GetLeftPart(UriPartial.Path).Should().Be(new Uri(one.Cloud.Url, "dashboard/1").ToString());
        url.Fragment.Should().Be("#token=" + one.Cloud.DashboardToken, "a fragment reaches no server, log or Referer");
        url.Query.Should().BeEmpty();
        one.Cloud.DashboardUrl(1).Should().Be(url);
        one.Cloud.DashboardOrigin.Should().Be(one.Cloud.Url.ToString().TrimEnd('/'));
    }

    internal sealed record Answer(HttpStatusCode Status, string Body, HttpResponseMessage Response)
    {
        public string? Error => Body.StartsWith('{') && JsonDocument.Parse(Body).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
    }

    /// <summary>The seed device's dashboard API as a client sees it: its link's token, and V16 as it was.</summary>
    private sealed class Dashboard(BlynkHarness h) : IDisposable
    {
        private readonly string? _v16Before = h.Cloud.Value(BlynkHarness.Token, "V16");

        public HttpClient Http { get; } = new(new HttpClientHandler { UseProxy = false });

        public string Token { get; } = h.Cloud.DashboardUrl(BlynkHarness.Token).Fragment["#token=".Length..];

        public static StringContent Json(string value) => new(JsonSerializer.Serialize(new { value }), Encoding.UTF8, "application/json");

        public Uri Api(string rest) => new(h.Cloud.Url, "dashboard/api/1/" + rest);

        public Task<Answer> StateAsync(string? token, string? origin, string? fetchSite) => SendAsync(HttpMethod.Get, "state", null, token, origin, fetchSite);

        public Task<Answer> SwitchAsync(HttpContent content, string? token, string? origin, string? fetchSite) =>
            SendAsync(HttpMethod.Post, "pins/V16", content, token, origin, fetchSite);

        /// <summary>V16 as it was, no app-side write, no webhook sent or journalled (after everything due has run).</summary>
        public async Task ShouldHaveChangedNothingAsync()
        {
            await h.Clock.SettleAsync();
            h.Cloud.Value(BlynkHarness.Token, "V16").Should().Be(_v16Before);
            h.ParticleCalls.Should().BeEmpty("a refused switch fires no webhook");
            h.Services.Journal.Hops.Should().NotContain(x => x.Kind == HopKind.BlynkWebhook || x.Source == Hop.BlynkApp);
        }

        public void Dispose() => Http.Dispose();

        private async Task<Answer> SendAsync(HttpMethod method, string rest, HttpContent? content, string? token, string? origin, string? fetchSite)
        {
            using var request = new HttpRequestMessage(method, Api(rest)) { Content = content };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (origin is not null)
            {
                request.Headers.TryAddWithoutValidation("Origin", origin);
            }

            if (fetchSite is not null)
            {
                request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
            }

            var response = await Http.SendAsync(request);
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
    }
}
