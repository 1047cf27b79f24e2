using System.Globalization;
using System.Text.Json;

namespace ParticleBlynk.Observers;

/// <summary>
/// Blynk's device HTTPS API (contracts.md §5) with one device's token: what anybody holding the token can read and write.
/// The base is the region server (https://ny3.blynk.cloud) or a mock on loopback.
/// </summary>
public sealed class BlynkApiClient(HttpClient http, Uri baseUrl, string token)
{
    public Uri BaseUrl { get; } = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public string Token { get; } = token;

    /// <summary>GET get?token&amp;V17: the value as text (an empty datastream gives "").</summary>
    public async Task<string?> GetAsync(string pin, CancellationToken cancellationToken = default)
    {
        var (status, body) = await SendAsync($"get?token={Token}&{pin}", cancellationToken).ConfigureAwait(false);
        return status == 200 ? body : throw new HttpRequestException($"Blynk get {pin} answered {status.ToString(CultureInfo.InvariantCulture)} {body}");
    }

    /// <summary>GET get?token&amp;V6&amp;V14…: several pins at once (a JSON object keyed by lower-case pin).</summary>
    public async Task<IReadOnlyDictionary<string, string?>> GetManyAsync(IReadOnlyList<string> pins, CancellationToken cancellationToken = default)
    {
        if (pins.Count == 1)
        {
            return new Dictionary<string, string?> { [pins[0]] = await GetAsync(pins[0], cancellationToken).ConfigureAwait(false) };
        }

        var (status, body) = await SendAsync($"get?token={Token}&{string.Join('&', pins)}", cancellationToken).ConfigureAwait(false);
        if (status != 200)
        {
            throw new HttpRequestException($"Blynk get {string.Join(',', pins)} answered {status.ToString(CultureInfo.InvariantCulture)} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return pins.ToDictionary(
            p => p,
            p => json.RootElement.TryGetProperty(p.ToLowerInvariant(), out var v) && v.ValueKind != JsonValueKind.Null
                ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
                : null,
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>GET isHardwareConnected: the device's Online indicator.</summary>
    public async Task<bool> IsHardwareConnectedAsync(CancellationToken cancellationToken = default)
    {
        var (status, body) = await SendAsync($"isHardwareConnected?token={Token}", cancellationToken).ConfigureAwait(false);
        return status == 200 ? body.Trim() == "true" : throw new HttpRequestException($"Blynk isHardwareConnected answered {status.ToString(CultureInfo.InvariantCulture)} {body}");
    }

    /// <summary>GET update?token&amp;V16=1: a write through the HTTPS API. Returns status and body.</summary>
    public Task<(int Status, string Body)> UpdateAsync(string pin, string value, CancellationToken cancellationToken = default) =>
        SendAsync($"update?token={Token}&{pin}={Uri.EscapeDataString(value)}", cancellationToken);

    private async Task<(int Status, string Body)> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(BaseUrl, "external/api/" + pathAndQuery), cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }
}
