using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;
using ParticleBlynk.LoopHost.Control;

namespace ParticleBlynk.LoopHost.Tests.Support;

/// <summary>
/// A lab's control API in this process, as Program.cs wires it: <see cref="LabSessions"/> under a
/// <see cref="LabControlServer"/> on a free 127.0.0.1 port, with a <see cref="LabControlClient"/> holding its token and a raw
/// HTTP door for what the client never sends (no token, bad bodies). One per test: nothing is shared between tests.
/// </summary>
public sealed class InProcessLab : IAsyncDisposable
{
    /// <summary>A bound for every wall-clock wait of the tests (generous: the machine may be loaded).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private InProcessLab(LabSessions sessions, LabControlServer server, HttpClient http)
    {
        Sessions = sessions;
        Server = server;
        Http = http;
        Client = new LabControlClient(http, server.Url, server.Token);
    }

    public LabSessions Sessions { get; }

    public LabControlServer Server { get; }

    public HttpClient Http { get; }

    public LabControlClient Client { get; }

    public static async Task<InProcessLab> StartAsync()
    {
        var sessions = new LabSessions();
        var server = await LabControlServer.StartAsync(sessions, port: 0);
        return new InProcessLab(sessions, server, new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = Patience });
    }

    /// <summary>A session on virtual time with <paramref name="spec"/> (default: the standard lab with fresh tokens); its board is off.</summary>
    public async Task<(SessionInfo Session, LabSpec Spec)> CreateSessionAsync(LabSpec? spec = null, bool virtualTime = true)
    {
        spec ??= LabSpec.Standard();
        return (await Client.CreateSessionAsync(spec, virtualTime), spec);
    }

    /// <summary>A standard session whose board has powered on, booted, connected and made its boot publish (2 s of virtual time).</summary>
    public async Task<(SessionInfo Session, LabSpec Spec)> CreateBootedSessionAsync(LabSpec? spec = null)
    {
        var (session, labSpec) = await CreateSessionAsync(spec);
        await Client.PowerAsync(session.Id, labSpec.DeviceId, on: true);
        await Client.AdvanceAsync(session.Id, new AdvanceRequest(By: TimeSpan.FromSeconds(2)));
        return (session, labSpec);
    }

    /// <summary>GET /sessions (the client has no call for it).</summary>
    public async Task<IReadOnlyList<SessionInfo>> ListSessionsAsync()
    {
        var answer = await SendAsync(HttpMethod.Get, "sessions");
        return answer.Status == HttpStatusCode.OK
            ? WireJson.Deserialize<List<SessionInfo>>(answer.Body)
            : throw new InvalidOperationException($"GET /sessions answered {answer}");
    }

    /// <summary>POST /boards/{id}/reset (the client has no call for it).</summary>
    public async Task<BoardInfo> ResetAsync(string session, string board)
    {
        var answer = await SendAsync(HttpMethod.Post, $"sessions/{session}/boards/{board}/reset");
        return answer.Status == HttpStatusCode.OK
            ? WireJson.Deserialize<BoardInfo>(answer.Body)
            : throw new InvalidOperationException($"POST reset answered {answer}");
    }

    /// <summary>
    /// A request as a raw client sends it: <paramref name="path"/> under the control API (or absolute from the host when
    /// it starts with "//"), the run's token unless <paramref name="authorization"/> says otherwise ("" for none).
    /// </summary>
    public async Task<ControlAnswer> SendAsync(HttpMethod method, string path, string? json = null, string? authorization = null)
    {
        var url = path.StartsWith("//", StringComparison.Ordinal)
            ? new Uri(Server.Url, path[1..])
            : new Uri(Server.Url.AbsoluteUri + "/" + path.TrimStart('/'));
        using var request = new HttpRequestMessage(method, url);
        authorization ??= "Bearer " + Server.Token;
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await Http.SendAsync(request);
        return new ControlAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Server.DisposeAsync();
        }
        finally
        {
            await Sessions.DisposeAsync();
            Http.Dispose();
        }
    }
}

/// <summary>What the control API answered: the status, the body, the WWW-Authenticate schemes.</summary>
public sealed record ControlAnswer(HttpStatusCode Status, string Body, IReadOnlyList<string> WwwAuthenticate)
{
    /// <summary>The "error" of a JSON error body; null when the body is not one.</summary>
    public string? Error
    {
        get
        {
            try
            {
                using var json = JsonDocument.Parse(Body);
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    ? error.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>For assertion messages: the status and the error (the control API's reasons carry no token).</summary>
    public override string ToString() => $"{(int)Status} {Error ?? CleanText.Line(Body, 200)}";
}
