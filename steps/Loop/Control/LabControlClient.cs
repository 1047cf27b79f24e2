using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ParticleBlynk.Loop.Control;

/// <summary>
/// A client of a lab's control API (mocks/Lab/README.md "Control API"), for a lab in another process or a container:
/// sessions, virtual time, boards, faults, the journal. Every call carries the run's token; an answer that is not a
/// success throws with the lab's reason.
/// </summary>
public sealed class LabControlClient(HttpClient http, Uri baseUrl, string token)
{
    private readonly Uri _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public Task<SessionInfo> CreateSessionAsync(LabSpec spec, bool virtualTime = true) =>
        SendAsync<SessionInfo>(HttpMethod.Post, "sessions", new CreateSessionRequest(spec, virtualTime));

    public Task DeleteSessionAsync(string session) => SendAsync<object?>(HttpMethod.Delete, $"sessions/{session}", null);

    public Task<TimeInfo> TimeAsync(string session) => SendAsync<TimeInfo>(HttpMethod.Get, $"sessions/{session}/time", null);

    public Task<TimeInfo> AdvanceAsync(string session, AdvanceRequest advance) =>
        SendAsync<TimeInfo>(HttpMethod.Post, $"sessions/{session}/time/advance", advance);

    public Task<BoardInfo> BoardAsync(string session, string board) => SendAsync<BoardInfo>(HttpMethod.Get, $"sessions/{session}/boards/{board}", null);

    public Task<BoardInfo> PowerAsync(string session, string board, bool on) =>
        SendAsync<BoardInfo>(HttpMethod.Post, $"sessions/{session}/boards/{board}/power", new PowerRequest(on));

    public Task<BoardInfo> CloudAsync(string session, string board, CloudRequest cloud) =>
        SendAsync<BoardInfo>(HttpMethod.Post, $"sessions/{session}/boards/{board}/cloud", cloud);

    public Task<BoardInfo> SetMillisAsync(string session, string board, uint millis) =>
        SendAsync<BoardInfo>(HttpMethod.Put, $"sessions/{session}/boards/{board}/millis", new ValueRequest(millis));

    public Task<BoardInfo> SetV15Async(string session, string board, double v15) =>
        SendAsync<BoardInfo>(HttpMethod.Put, $"sessions/{session}/boards/{board}/v15", new ValueRequest(v15));

    public Task<List<SerialLineInfo>> SerialAsync(string session, string board, int after) =>
        SendAsync<List<SerialLineInfo>>(HttpMethod.Get, $"sessions/{session}/boards/{board}/serial?after={after.ToString(System.Globalization.CultureInfo.InvariantCulture)}", null);

    public Task InjectAsync(string session, Fault fault) => SendAsync<object?>(HttpMethod.Post, $"sessions/{session}/faults", fault);

    public Task ClearAsync(string session, FaultKind kind) => SendAsync<object?>(HttpMethod.Delete, $"sessions/{session}/faults/{kind}", null);

    public Task<JournalPage> JournalAsync(string session, long after) =>
        SendAsync<JournalPage>(HttpMethod.Get, $"sessions/{session}/journal?after={after.ToString(System.Globalization.CultureInfo.InvariantCulture)}", null);

    public Task<BlynkConsoleView> BlynkConsoleAsync(string session) => SendAsync<BlynkConsoleView>(HttpMethod.Get, $"sessions/{session}/blynk", null);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var reason = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new HttpRequestException($"The lab's control API answered {(int)response.StatusCode} to {method} {path}: {reason}", null, response.StatusCode);
        }

        if (response.StatusCode == System.Net.HttpStatusCode.NoContent || typeof(T) == typeof(object))
        {
            return default!;
        }

        return await response.Content.ReadFromJsonAsync<T>(WireJson.Options).ConfigureAwait(false)
               ?? throw new JsonException($"The lab's control API answered {method} {path} with null.");
    }
}
