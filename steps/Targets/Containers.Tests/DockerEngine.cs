using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ParticleBlynk.Targets.Containers.Tests;

/// <summary>
/// The Docker Engine API, as a test sees it: whether an engine answers (the container tests skip, saying why, when not)
/// and what containers it has — `docker ps -a --filter …` and `docker inspect` over the engine's socket, no CLI needed.
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    /// <summary>Testcontainers 4.16 asks for this API version unless DOCKER_API_VERSION says otherwise.</summary>
    private static readonly Version TestcontainersApi = new(1, 44);

    private static readonly Lazy<Task<(DockerEngine? Engine, string? CannotRun)>> Probed =
        new(() => ProbeAsync(Environment.GetEnvironmentVariable));

    private readonly HttpClient _http;

    private DockerEngine(HttpClient http) => _http = http;

    /// <summary>
    /// The engine of this process's environment (DOCKER_HOST, default /var/run/docker.sock) once it answered and has the
    /// lab image; otherwise null and why the container tests cannot run. Probed once per test run.
    /// </summary>
    public static Task<(DockerEngine? Engine, string? CannotRun)> Here => Probed.Value;

    /// <summary>The engine, or a skip with the reason why there is none (xunit v3 dynamic skip, as the repo does for Chromium).</summary>
    public static async Task<DockerEngine> RequiredAsync()
    {
        var (engine, cannotRun) = await Here;
        if (engine is null)
        {
            Assert.Skip(cannotRun!);
        }

        return engine;
    }

    public async Task<IReadOnlyList<string>> ContainerIdsAsync(string label, string? id = null)
    {
        var filters = new Dictionary<string, string[]> { ["label"] = [label] };
        if (id is not null)
        {
            filters["id"] = [id];
        }

        using var json = await GetJsonAsync("/containers/json?all=true&filters=" + Uri.EscapeDataString(JsonSerializer.Serialize(filters)));
        return [.. json!.RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()!)];
    }

    /// <summary>`docker inspect`: null when the container is gone.</summary>
    public Task<JsonDocument?> InspectAsync(string id) => GetJsonAsync($"/containers/{Uri.EscapeDataString(id)}/json");

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument?> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    internal static async Task<(DockerEngine? Engine, string? CannotRun)> ProbeAsync(Func<string, string?> environment)
    {
        if (DockerAvailability.Reason(environment) is { } noSocket)
        {
            return (null, noSocket);
        }

        var host = environment("DOCKER_HOST");
        HttpClient http;
        string where;
        if (host is not { Length: > 0 } || host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = host is { Length: > 0 } ? host["unix://".Length..] : "/var/run/docker.sock";
            where = socket;
            http = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                        return new NetworkStream(unix, ownsSocket: true);
                    }
                    catch
                    {
                        unix.Dispose();
                        throw;
                    }
                },
            })
            { BaseAddress = new Uri("http://docker.sock"), Timeout = TimeSpan.FromSeconds(5) };
        }
        else if (host.StartsWith("tcp://", StringComparison.Ordinal))
        {
            where = host;
            http = new HttpClient { BaseAddress = new Uri("http://" + host["tcp://".Length..]), Timeout = TimeSpan.FromSeconds(5) };
        }
        else
        {
            return (null, $"DOCKER_HOST={host}: these tests reach an engine over unix:// or tcp:// only");
        }

        var engine = new DockerEngine(http);
        var reason = await engine.CannotRunAsync(where, environment);
        if (reason is null)
        {
            return (engine, null);
        }

        engine.Dispose();
        return (null, reason);
    }

    private async Task<string?> CannotRunAsync(string where, Func<string, string?> environment)
    {
        JsonDocument? version;
        try
        {
            version = await GetJsonAsync("/version");
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException)
        {
            return $"no Docker engine answers on {where} ({ex.Message}): source scripts/docker.sh && docker_ensure_engine";
        }

        using (version)
        {
            var api = Version.Parse(version!.RootElement.GetProperty("ApiVersion").GetString()!);
            if (api < TestcontainersApi && environment("DOCKER_API_VERSION") is not { Length: > 0 })
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"the Docker engine on {where} speaks API {api} and Testcontainers asks for {TestcontainersApi}: export DOCKER_API_VERSION={api} (source scripts/docker.sh && docker_ensure_engine does)");
            }
        }

        var image = LabContainer.ImageFrom(environment);
        using var inspected = await GetJsonAsync($"/images/{Uri.EscapeDataString(image)}/json");
        return inspected is null ? $"the lab image {image} is not on the Docker engine ({where}): bash scripts/lab-image.sh builds it" : null;
    }
}
