using System.Text.Json;
using System.Text.RegularExpressions;
using ParticleBlynk.Lab.Tests.Support;

namespace ParticleBlynk.Lab.Tests.Hardening;

/// <summary>
/// Whether an answer is one the contract allows (shared/reference/contracts.md): never 5xx, never a stack trace or a source
/// path; Particle's error bodies are {"ok":false,"error":…}, {"error":"invalid_token",…} or {"error":"Permission Denied",…};
/// Blynk's are {"error":{"message":…}} (its dashboard's {"error":"…"}); an empty body is Kestrel's own refusal
/// (400, 408, 413, 414, 431). A good request must succeed with its usual answer.
/// </summary>
public static partial class ContractAnswers
{
    private static readonly int[] KestrelOwn = [400, 408, 413, 414, 431];
    private static readonly int[] ParticleStatuses = [200, 400, 401, 403, 404, 408, 413, 414, 431];
    private static readonly int[] BlynkStatuses = [200, 308, 400, 404, 405, 408, 413, 414, 431];
    private static readonly int[] DashboardStatuses = [200, 400, 401, 403, 404, 405, 408, 413, 414, 415, 431];

    /// <summary>Why the answer breaks the contract, or null when it keeps it.</summary>
    public static string? Problem(FuzzRequest request, RawResponse response, FuzzTarget target)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(target);
        if (response.Status == 0)
        {
            return MayGoUnanswered(request, response) ? null : "no answer: " + response.Failure;
        }

        if (response.Status >= 500)
        {
            return $"a {response.Status} answer";
        }

        if (Internals().IsMatch(response.Text) || response.Headers.Any(h => Internals().IsMatch(h.Value)))
        {
            return "the answer shows the server's internals (a stack trace, an exception, a source path)";
        }

        if (request.Good)
        {
            return GoodProblem(request, response, target);
        }

        var dashboard = request.Side == MockSide.Blynk && request.Path.StartsWith("/dashboard", StringComparison.Ordinal);
        var statuses = request.Side == MockSide.Particle ? ParticleStatuses : dashboard ? DashboardStatuses : BlynkStatuses;
        if (!statuses.Contains(response.Status))
        {
            return $"status {response.Status} is not one the contract documents here";
        }

        if (response.Status == 200 || request.IsHead)
        {
            return null;
        }

        if (response.Status == 308)
        {
            return response.Header("Location") is { Length: > 0 } ? null : "a 308 without Location";
        }

        if (response.Body.Length == 0)
        {
            return KestrelOwn.Contains(response.Status) ? null : $"an empty {response.Status} that is not Kestrel's own refusal";
        }

        if (dashboard && (IsJsonWith(response.Text, root => root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                          || response.Header("Content-Type")?.StartsWith("text/plain", StringComparison.Ordinal) == true))
        {
            return null; // the dashboard's own refusals; the front door's and the catch-all's are Blynk's shape (below)
        }

        return request.Side == MockSide.Particle ? ParticleShapeProblem(response) : BlynkShapeProblem(response);
    }

    private static string? ParticleShapeProblem(RawResponse response)
    {
        var ok = response.Status switch
        {
            401 => IsJsonWith(response.Text, r => Text(r, "error") == "invalid_token" && Text(r, "error_description") is not null),
            403 => IsJsonWith(response.Text, r => Text(r, "error") == "Permission Denied" && Text(r, "info") is not null),
            _ => IsJsonWith(response.Text, r => r.TryGetProperty("ok", out var o) && o.ValueKind == JsonValueKind.False && Text(r, "error") is { Length: > 0 }),
        };
        return ok ? null : "not Particle's error shape for " + response.Status;
    }

    private static string? BlynkShapeProblem(RawResponse response) =>
        IsJsonWith(response.Text, r => r.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object && Text(e, "message") is { Length: > 0 })
            ? null
            : "not Blynk's error shape {\"error\":{\"message\":…}}";

    private static string? GoodProblem(FuzzRequest request, RawResponse response, FuzzTarget target)
    {
        if (response.Status != 200)
        {
            return $"a good request got {response.Status}";
        }

        var body = response.Text;
        var fine = request.Side == MockSide.Particle
            ? body.Contains($"\"id\":\"{target.DeviceId}\"", StringComparison.Ordinal)
            : request.Path switch
            {
                "/external/api/get" => body is "0" or "1",
                "/external/api/isHardwareConnected" => body == "false",
                _ => body.Length == 0,
            };
        return fine ? null : "a good request got an unusual answer";
    }

    // No answer is acceptable only where the client made one impossible: it half-closed with a body still owed (Kestrel
    // aborts the request), or it was still pushing a body past the limit when the server refused it and closed.
    private static bool MayGoUnanswered(FuzzRequest request, RawResponse response) =>
        request.HalfClose
        || (response.Failure?.StartsWith("reset while sending", StringComparison.Ordinal) == true && request.Body?.Length > 16 * 1024);

    private static bool IsJsonWith(string text, Func<JsonElement, bool> test)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && test(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"(\bat [\w.`+<>]+\(|:line \d+|\.cs\b|/work/|StackTrace|Exception\b|System\.[A-Z]\w+\.)", RegexOptions.CultureInvariant)]
    private static partial Regex Internals();
}
