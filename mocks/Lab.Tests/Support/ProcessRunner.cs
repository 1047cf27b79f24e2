using CliWrap;
using CliWrap.Buffered;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>What a finished client process left: exit code, output, wall time.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s{Environment.NewLine}stdout:{Environment.NewLine}{Stdout}{Environment.NewLine}stderr:{Environment.NewLine}{Stderr}";
}

/// <summary>Runs a real client (node, particle, curl, npm) through CliWrap with a wall-clock bound; on timeout the process tree is killed.</summary>
public static class ProcessRunner
{
    /// <summary>Real clients obey proxy variables; the lab is on loopback and must be reached directly.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoProxy = new Dictionary<string, string?>
    {
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["no_proxy"] = "127.0.0.1,localhost",
    };

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var args = arguments.ToList();
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            var result = await Cli.Wrap(fileName)
                .WithArguments(args)
                .WithWorkingDirectory(workingDirectory ?? AppContext.BaseDirectory)
                .WithEnvironmentVariables(e => e.Set(NoProxy).Set(environment?.ToDictionary(p => p.Key, p => (string?)p.Value) ?? []))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(bound.Token);
            return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError, result.RunTime);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s (the process tree was killed).");
        }
    }

    /// <summary>The full path of <paramref name="command"/> on PATH, or null.</summary>
    public static string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
}
