using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// The web dashboard: its page, its state and its switch (the app side of the mock), authenticated and CSRF-safe.
/// <list type="bullet">
/// <item><b>Token.</b> Each mock draws a random <see cref="DashboardToken"/> when it starts. <see cref="DashboardUrl(string)"/>
/// carries it in the fragment (<c>/dashboard/1#token=…</c>): a fragment never reaches a server, a log or a Referer. The
/// page reads it and sends it as <c>Authorization: Bearer</c>, which a cross-site form cannot set and a cross-site fetch
/// cannot set without a CORS preflight, which this mock never approves.</item>
/// <item><b>Page.</b> <c>GET /dashboard/{id}</c> needs no token: it is a static shell with no device data (not even the
/// name); without a token it says so and polls nothing.</item>
/// <item><b>API.</b> <c>GET /dashboard/api/{id}/state</c> and <c>POST /dashboard/api/{id}/pins/{pin}</c>: first the origin
/// rule (403), then the token (401), then, for the switch, <c>application/json</c> <c>{"value":"1"}</c> (415, 400).</item>
/// <item><b>Origin rule.</b> A request with <c>Sec-Fetch-Site</c> must say <c>same-origin</c>; a request with <c>Origin</c>
/// must name the mock's own origin (<c>http://127.0.0.1:port</c>, <c>Origin: null</c> included in the refusals). A
/// request with neither is a non-browser client (curl, the harness): allowed, since it still needs the token header and
/// a browser always sends <c>Origin</c> on a cross-origin POST.</item>
/// </list>
/// A refused request changes nothing and fires no webhook.
/// </summary>
public sealed partial class BlynkCloud
{
    private readonly string _dashboardToken = NewDashboardToken();

    /// <summary>
    /// This mock's dashboard token (random per instance, 32 URL-safe characters). Whoever holds it may flip the switch: mask
    /// it wherever it is written (the lab adds it to its <c>Secrets</c>).
    /// </summary>
    public string DashboardToken => _dashboardToken;

    /// <summary>
    /// The live web dashboard of a device (by Blynk device id or auth token), ready to open:
    /// <c>http://127.0.0.1:port/dashboard/{id}#token={DashboardToken}</c>.
    /// </summary>
    public Uri DashboardUrl(string deviceIdOrToken) =>
        _model.TryFind(deviceIdOrToken, out var device)
            ? new Uri(Url, "dashboard/" + device.Id.ToString(CultureInfo.InvariantCulture) + "#token=" + _dashboardToken)
            : throw new KeyNotFoundException($"No Blynk device '{deviceIdOrToken}'.");

    public Uri DashboardUrl(int deviceId) => DashboardUrl(deviceId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The dashboard's own origin, <c>http://127.0.0.1:port</c>: the only one its API answers to from a browser.</summary>
    public string DashboardOrigin => Url.GetLeftPart(UriPartial.Authority);

    private static string NewDashboardToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private void MapDashboard(WireMockServer server)
    {
        server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/[^/]+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(ServeDashboardPage));
        server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/api/[^/]+/state$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(ServeDashboardState));
        server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/api/[^/]+/pins/[^/]+$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(ServeDashboardSwitch));

        // A CORS preflight is refused outright, without any Access-Control-Allow-* header: no other origin may call the API.
        server.Given(Request.Create().WithPath(new RegexMatcher("^/dashboard/api/")).UsingMethod("OPTIONS"))
            .RespondWith(Response.Create().WithCallback(_ => DashboardError(403, "cross_origin: the dashboard API answers no CORS preflight")));
    }

    private ResponseMessage ServeDashboardPage(IRequestMessage message)
    {
        if (!IsDeviceId(message.Path["/dashboard/".Length..]))
        {
            return DashboardText(404, "text/plain", "No such dashboard");
        }

        var page = DashboardText(200, "text/html; charset=utf-8", DashboardPage.Html);
        page.AddHeader("Content-Security-Policy", DashboardPage.ContentSecurityPolicy);
        page.AddHeader("X-Frame-Options", "DENY");
        page.AddHeader("Referrer-Policy", "no-referrer");
        return page;
    }

    private ResponseMessage ServeDashboardState(IRequestMessage message)
    {
        if (DashboardRefusal(message) is { } refused)
        {
            return refused;
        }

        var key = message.PathSegments[2];
        if (!IsDeviceId(key) || !_model.TryFind(key, out var device))
        {
            return DashboardError(404, "not_found: no such device");
        }

        var id = device.Id.ToString(CultureInfo.InvariantCulture);
        var template = Options.Templates.Single(t => t.Id == device.TemplateId);
        var state = new
        {
            id = device.Id,
            name = device.Name,
            now = _services.Time.GetUtcNow(),
            online = _model.IsOnline(id),
            lastUpdate = _model.LastUpdate(id),
            pins = _model.Datastreams(id).ToDictionary(
                d => d.Pin,
                d => new
                {
                    type = d.Type.ToString(),
                    value = d.Value,
                    updatedAt = d.UpdatedAt,
                    decimals = template.Datastreams.First(x => BlynkPins.Name(x.PinNumber) == d.Pin).Decimals,
                    history = d.History.TakeLast(200).Select(h => new { at = h.At, value = h.Value }),
                }),
        };
        return DashboardText(200, "application/json", JsonSerializer.Serialize(state, BlynkCloudOptions.JsonOptions));
    }

    private ResponseMessage ServeDashboardSwitch(IRequestMessage message)
    {
        if (DashboardRefusal(message) is { } refused)
        {
            return refused;
        }

        if (!MediaTypeHeaderValue.TryParse(DashboardHeader(message, "Content-Type"), out var type)
            || !string.Equals(type.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return DashboardError(415, "unsupported_media_type: the switch takes application/json: an object with a value, 0 or 1");
        }

        var key = message.PathSegments[2];
        var pin = message.PathSegments[4];
        if (!IsDeviceId(key))
        {
            return DashboardError(404, "not_found: no such device");
        }

        if (SwitchValue(message.Body) is not { } value)
        {
            return DashboardError(400, "bad_request: the body must be a JSON object with a value (a string or a number)");
        }

        try
        {
            var stored = _model.SwitchFromApp(key, pin, value);
            return DashboardText(200, "application/json", JsonSerializer.Serialize(new { pin, value = stored }));
        }
        catch (KeyNotFoundException)
        {
            return DashboardError(404, "not_found: no such device");
        }
        catch (ArgumentException ex)
        {
            return DashboardError(400, "bad_request: " + ex.Message);
        }
    }

    /// <summary>The origin rule (403), then the token (401); null when the request may go on.</summary>
    private ResponseMessage? DashboardRefusal(IRequestMessage message)
    {
        var fetchSite = DashboardHeaders(message, "Sec-Fetch-Site");
        if (fetchSite.Count > 1 || (fetchSite.Count == 1 && !string.Equals(fetchSite[0].Trim(), "same-origin", StringComparison.OrdinalIgnoreCase)))
        {
            return DashboardError(403, $"cross_origin: Sec-Fetch-Site {string.Join(",", fetchSite)}; only the dashboard page itself may call its API");
        }

        var origin = DashboardHeaders(message, "Origin");
        if (origin.Count > 1 || (origin.Count == 1 && !string.Equals(origin[0].Trim(), DashboardOrigin, StringComparison.OrdinalIgnoreCase)))
        {
            return DashboardError(403, $"cross_origin: the Origin must be the dashboard origin {DashboardOrigin}");
        }

        var authorization = DashboardHeader(message, "Authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("invalid_token: the dashboard API needs the token of the dashboard link (its #token= fragment) as Authorization: Bearer");
        }

        var offered = Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(offered, Encoding.UTF8.GetBytes(_dashboardToken))
            ? null
            : Unauthorized("invalid_token: the dashboard token is wrong (each Blynk mock draws its own at start)", wrong: true);

        static ResponseMessage Unauthorized(string error, bool wrong = false)
        {
            var reply = DashboardError(401, error);
            reply.AddHeader("WWW-Authenticate", wrong ? "Bearer realm=\"blynk-dashboard\", error=\"invalid_token\"" : "Bearer realm=\"blynk-dashboard\"");
            return reply;
        }
    }

    /// <summary>The switch's value from <c>{"value":"1"}</c> or <c>{"value":1}</c>; null for anything else.</summary>
    private static string? SwitchValue(string? body)
    {
        try
        {
            using var json = JsonDocument.Parse(body ?? "");
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("value", out var value)
                ? value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!.Trim(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsDeviceId(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static ResponseMessage DashboardError(int status, string error) =>
        DashboardText(status, "application/json", JsonSerializer.Serialize(new { error }));

    private static ResponseMessage DashboardText(int status, string contentType, string body)
    {
        var reply = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = new UTF8Encoding(false) },
        };
        reply.AddHeader("Content-Type", contentType);
        reply.AddHeader("Cache-Control", "no-store");
        reply.AddHeader("X-Content-Type-Options", "nosniff");
        return reply;
    }

    private static IReadOnlyList<string> DashboardHeaders(IRequestMessage message, string name) =>
        message.Headers?.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).ToList() ?? [];

    private static string? DashboardHeader(IRequestMessage message, string name) => DashboardHeaders(message, name).FirstOrDefault();
}
