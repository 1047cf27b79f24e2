using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>
/// The Particle Cloud REST API as the console, curl or particle-cli use it (contracts.md §2): function calls and GETs
/// with a Bearer token. Against a mock on a virtual clock a request may carry a harness flow id (<see cref="HarnessHeaders.Flow"/>).
/// </summary>
public sealed class ParticleApiClient(HttpClient http, Uri baseUrl, string accessToken)
{
    public Uri BaseUrl { get; } = baseUrl;

    public string AccessToken { get; } = accessToken;

    /// <summary>POST /v1/devices/{id}/{function} with <c>{"&lt;parameter&gt;": argument}</c> (the Blynk webhook sends "args"; the API reference names "arg").</summary>
    public async Task<FunctionCallResponse> CallFunctionAsync(
        string deviceId, string function, string argument, string? token = null, string parameter = "args", string? flowId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url($"/v1/devices/{Uri.EscapeDataString(deviceId)}/{Uri.EscapeDataString(function)}"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { [parameter] = argument }),
        };
        var (status, body) = await SendAsync(request, token, flowId, cancellationToken).ConfigureAwait(false);
        return new FunctionCallResponse(status, body, ReturnValue(body));
    }

    /// <summary>A GET on the API (e.g. /v1/devices).</summary>
    public async Task<ApiAnswer> GetAsync(string path, string? token = null, string? flowId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        var (status, body) = await SendAsync(request, token, flowId, cancellationToken).ConfigureAwait(false);
        return new ApiAnswer(status, body);
    }

    /// <summary>POST /v1/devices/events: publishes a private event <paramref name="name"/> with <paramref name="data"/>.</summary>
    public async Task<ApiAnswer> PublishEventAsync(string name, string data, string? token = null, string? flowId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/v1/devices/events"))
        {
            Content = new FormUrlEncodedContent([new("name", name), new("data", data), new("private", "true")]),
        };
        var (status, body) = await SendAsync(request, token, flowId, cancellationToken).ConfigureAwait(false);
        return new ApiAnswer(status, body);
    }

    /// <summary>The "return_value" of a function call's answer, null when there is none.</summary>
    public static int? ReturnValue(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && json.RootElement.TryGetProperty("return_value", out var value) && value.TryGetInt32(out var number)
                ? number
                : null;
        }
        catch (JsonException)
        {
            return int.TryParse(body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var raw) ? raw : null;
        }
    }

    private Uri Url(string path) => new(BaseUrl, path);

    private async Task<(int Status, string Body)> SendAsync(HttpRequestMessage request, string? token, string? flowId, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? AccessToken);
        if (flowId is not null)
        {
            request.Headers.TryAddWithoutValidation(HarnessHeaders.Flow, flowId);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }
}
