using System.Text;
using System.Text.Json;
using CliWrap;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>What the lab printed on its READY line, and the tokens the test configured it with (READY shows them masked).</summary>
public sealed record LabReady(string ParticleUrl, string BlynkUrl, string? DashboardUrl, string? DeviceId, string ParticleToken, string? BlynkToken);

/// <summary>
/// The lab started as a separate process (`dotnet ParticleBlynk.Lab.dll`, built and copied beside the tests) through
/// CliWrap. Waits for READY with a wall-clock bound; disposing closes stdin (the lab's stop signal), then interrupts
/// it (SIGINT), then kills the tree if it lingers.
/// </summary>
public sealed class LabProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _stderr = new();
    private readonly List<string> _stdoutLines = [];
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeStdin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _interrupt = new();
    private readonly CancellationTokenSource _kill = new();
    private CommandTask<CommandResult>? _run;

    private LabProcess()
    {
    }

    public LabReady Ready { get; private set; } = null!;

    /// <summary>The READY line exactly as printed.</summary>
    public string ReadyLine { get; private set; } = "";

    /// <summary>Lines on stdout after READY (there should be none).</summary>
    public IReadOnlyList<string> LaterStdout { get { lock (_stdoutLines) { return [.. _stdoutLines.Skip(1)]; } } }

    /// <summary>The lab's log (stderr) so far.</summary>
    public string Log { get { lock (_stderr) { return _stderr.ToString(); } } }

    public bool HasExited => _run?.Task.IsCompleted ?? false;

    /// <summary>The lab's process id (its memory is read from /proc/{id}/status).</summary>
    public int ProcessId => _run?.ProcessId ?? throw new InvalidOperationException("The lab is not started.");

    public int? ExitCode => _run?.Task.IsCompletedSuccessfully == true ? _run.Task.Result.ExitCode : null;

    public static string LabDll => Path.Combine(AppContext.BaseDirectory, "ParticleBlynk.Lab.dll");

    /// <summary>Starts the lab with <paramref name="arguments"/>; <paramref name="tokens"/> are the ones its configuration holds.</summary>
    public static async Task<LabProcess> StartAsync(LabTokens tokens, params string[] arguments)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var lab = new LabProcess();
        lab._run = Cli.Wrap(dotnet)
            .WithArguments([LabDll, .. arguments])
            .WithWorkingDirectory(AppContext.BaseDirectory)
            .WithEnvironmentVariables(e => e.Set(ProcessRunner.NoProxy))
            .WithStandardInputPipe(PipeSource.Create(async (_, token) => await lab._closeStdin.Task.WaitAsync(token)))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(lab.OnStdout))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => { lock (lab._stderr) { lab._stderr.AppendLine(line); } }))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(lab._kill.Token, lab._interrupt.Token);
        _ = lab._run.Task.ContinueWith(_ => lab._ready.TrySetException(new InvalidOperationException($"The lab exited before READY. Log:{Environment.NewLine}{lab.Log}")), TaskScheduler.Default);
        string first;
        try
        {
            first = await lab._ready.Task.WaitAsync(ReadyTimeout);
        }
        catch (TimeoutException)
        {
            await lab.DisposeAsync();
            throw new TimeoutException($"The lab printed no READY line within {ReadyTimeout.TotalSeconds} s. Log:{Environment.NewLine}{lab.Log}");
        }

        if (!first.StartsWith("READY {", StringComparison.Ordinal))
        {
            await lab.DisposeAsync();
            throw new InvalidOperationException($"The lab's first stdout line was '{first}', not READY {{json}}. Log:{Environment.NewLine}{lab.Log}");
        }

        using var json = JsonDocument.Parse(first["READY ".Length..]);
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        lab.ReadyLine = first;
        lab.Ready = new LabReady(Text("particleUrl")!, Text("blynkUrl")!, Text("dashboardUrl"), Text("deviceId"), tokens.Particle, tokens.Blynk);
        return lab;
    }

    /// <summary>Closes the lab's stdin and waits for it to exit by itself; true when it did within the bound.</summary>
    public async Task<bool> StopByClosingStdinAsync()
    {
        _closeStdin.TrySetResult();
        try
        {
            await _run!.Task.WaitAsync(StopTimeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is not null && !await StopByClosingStdinAsync())
        {
            await _interrupt.CancelAsync(); // SIGINT: the lab stops cleanly
            try
            {
                await _run.Task.WaitAsync(StopTimeout);
            }
            catch (TimeoutException)
            {
                await _kill.CancelAsync(); // the whole tree
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            if (_run is not null)
            {
                await _run.Task;
            }
        }
        catch (OperationCanceledException)
        {
        }

        _interrupt.Dispose();
        _kill.Dispose();
    }

    private void OnStdout(string line)
    {
        lock (_stdoutLines)
        {
            _stdoutLines.Add(line);
            if (_stdoutLines.Count == 1)
            {
                _ready.TrySetResult(line);
            }
        }
    }
}

/// <summary>The tokens a test's lab configuration holds: fresh for every lab, so none is a constant anywhere.</summary>
public sealed record LabTokens(string Particle, string? Blynk)
{
    public static LabTokens Fresh() => new(LabSpec.NewParticleToken(), LabSpec.NewBlynkToken());
}
