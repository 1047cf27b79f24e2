using System.Diagnostics;
using System.Globalization;

namespace ParticleBlynk.SerialBridge;

/// <summary>What a reset attempt did.</summary>
/// <param name="Succeeded">The method reported success (exit status 0).</param>
/// <param name="Summary">One line for a test report: what ran and how it ended.</param>
/// <param name="ExitCode">The command's exit status; null when nothing ran or it was killed at the timeout.</param>
/// <param name="StandardOutput">What it printed on stdout.</param>
/// <param name="StandardError">What it printed on stderr.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="TimedOut">It was killed (with its children) at the timeout.</param>
public sealed record ResetOutcome(
    bool Succeeded,
    string Summary,
    int? ExitCode = null,
    string StandardOutput = "",
    string StandardError = "",
    TimeSpan Duration = default,
    bool TimedOut = false);

/// <summary>A way to reset a real board from the harness (the RESET button, done remotely).</summary>
public interface IBoardReset
{
    /// <summary>Why this target cannot be reset, or null when it can; scenarios that need a reset skip with this text.</summary>
    string? CannotResetReason { get; }

    /// <summary>What it runs, for logs.</summary>
    string Description { get; }

    Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken = default);
}

/// <summary>No reset method is configured; <see cref="IBoardReset.CannotResetReason"/> says why.</summary>
public sealed class NoReset(string reason) : IBoardReset
{
    public string? CannotResetReason { get; } = reason;

    public string Description => "no reset: " + CannotResetReason;

    public Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResetOutcome(false, "not reset: " + CannotResetReason));
}

/// <summary>A configured shell command (a relay, <c>uhubctl</c> port power cycle, <c>curl -X POST</c> to a PDU), run with <c>/bin/sh -c</c>.</summary>
public sealed class CommandReset(string command, TimeSpan? timeout = null) : IBoardReset
{
    public string Command { get; } = string.IsNullOrWhiteSpace(command)
        ? throw new ArgumentException("The reset command is empty.", nameof(command))
        : command;

    public TimeSpan Timeout { get; } = timeout ?? BoardResets.DefaultTimeout;

    public string? CannotResetReason => null;

    public string Description => "/bin/sh -c " + Command;

    public Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken = default) =>
        ExternalCommand.RunAsync("/bin/sh", ["-c", Command], Timeout, cancellationToken);
}

/// <summary><c>particle usb reset [device id]</c> with particle-cli (the reference behaviour for resetting over USB).</summary>
public sealed class ParticleCliReset(string particleCliPath, string? deviceId = null, TimeSpan? timeout = null) : IBoardReset
{
    public string ParticleCliPath { get; } = string.IsNullOrWhiteSpace(particleCliPath)
        ? throw new ArgumentException("The particle-cli path is empty.", nameof(particleCliPath))
        : particleCliPath;

    public string? DeviceId { get; } = string.IsNullOrWhiteSpace(deviceId) ? null : deviceId.Trim();

    public TimeSpan Timeout { get; } = timeout ?? BoardResets.DefaultTimeout;

    /// <summary>The arguments passed to particle-cli.</summary>
    public IReadOnlyList<string> Arguments => DeviceId is null ? ["usb", "reset"] : ["usb", "reset", DeviceId];

    public string? CannotResetReason => null;

    public string Description => ParticleCliPath + " " + string.Join(' ', Arguments);

    public Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken = default) =>
        ExternalCommand.RunAsync(ParticleCliPath, Arguments, Timeout, cancellationToken);
}

/// <summary>Picks the reset method from the harness settings.</summary>
public static class BoardResets
{
    /// <summary>particle-cli's own USB timeouts stay well under this.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public const string NoMethodReason = "no reset method: set E2E_HARDWARE_RESET_COMMAND or install particle-cli";

    /// <summary>
    /// An explicit command wins; else particle-cli (at <paramref name="particleCliPath"/>, or "particle" on
    /// <paramref name="searchPath"/>, default $PATH); else <see cref="NoReset"/>.
    /// </summary>
    public static IBoardReset FromSettings(string? command, string? deviceId, string? particleCliPath, string? searchPath = null)
    {
        if (!string.IsNullOrWhiteSpace(command))
        {
            return new CommandReset(command);
        }

        if (!string.IsNullOrWhiteSpace(particleCliPath))
        {
            return IsExecutable(particleCliPath)
                ? new ParticleCliReset(particleCliPath, deviceId)
                : new NoReset($"particle-cli not found or not executable at {particleCliPath}");
        }

        return FindOnPath("particle", searchPath ?? Environment.GetEnvironmentVariable("PATH")) is { } found
            ? new ParticleCliReset(found, deviceId)
            : new NoReset(NoMethodReason);
    }

    /// <summary>The first executable file called <paramref name="name"/> in a PATH-style list of directories.</summary>
    public static string? FindOnPath(string name, string? searchPath) =>
        (searchPath ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, name))
            .FirstOrDefault(IsExecutable);

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}

/// <summary>Runs a program with a timeout, capturing its output; kills it and its children at the timeout.</summary>
internal static class ExternalCommand
{
    /// <summary>A background child may keep stdout open after the command exits; stop reading after this.</summary>
    private static readonly TimeSpan OutputDrainBound = TimeSpan.FromSeconds(2);

    public static async Task<ResetOutcome> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var display = fileName + (arguments.Count == 0 ? "" : " " + string.Join(' ', arguments));
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return new ResetOutcome(false, $"could not start {display}: {e.Message}", Duration: stopwatch.Elapsed);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            Kill(process);
            if (!timedOut)
            {
                throw;
            }
        }

        var output = await Drained(stdout);
        var error = await Drained(stderr);
        var elapsed = stopwatch.Elapsed;
        if (timedOut)
        {
            return new ResetOutcome(false, string.Create(CultureInfo.InvariantCulture, $"{display} did not finish within {timeout.TotalSeconds:0.#} s; killed"),
                null, output, error, elapsed, TimedOut: true);
        }

        var code = process.ExitCode;
        var said = FirstLine(error) ?? FirstLine(output);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{display} exited {code}") + (said is null ? "" : ": " + said);
        return new ResetOutcome(code == 0, summary, code, output, error, elapsed);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task<string> Drained(Task<string> reading) =>
        await Task.WhenAny(reading, Task.Delay(OutputDrainBound)) == reading ? await reading : "";

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
