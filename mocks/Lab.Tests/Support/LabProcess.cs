using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>What the lab printed on its READY line.</summary>
public sealed record LabReady(string ParticleUrl, string BlynkUrl, string? DashboardUrl, string? DeviceId, string ParticleToken, string? BlynkToken);

/// <summary>
/// The lab started as a separate process (`dotnet ParticleBlynk.Lab.dll`, built and copied beside the tests). Waits for
/// READY with a wall-clock bound; disposing closes stdin (the lab's stop signal), then kills the tree if it lingers.
/// </summary>
public sealed class LabProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _stdoutLines = [];

    private LabProcess(Process process, LabReady ready, string readyLine)
    {
        _process = process;
        Ready = ready;
        ReadyLine = readyLine;
    }

    public LabReady Ready { get; }

    /// <summary>The READY line exactly as printed.</summary>
    public string ReadyLine { get; }

    public int ProcessId => _process.Id;

    /// <summary>Lines on stdout after READY (there should be none).</summary>
    public IReadOnlyList<string> LaterStdout { get { lock (_stdoutLines) { return [.. _stdoutLines]; } } }

    /// <summary>The lab's log (stderr) so far.</summary>
    public string Log { get { lock (_stderr) { return _stderr.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static string LabDll => Path.Combine(AppContext.BaseDirectory, "ParticleBlynk.Lab.dll");

    public static async Task<LabProcess> StartAsync(params string[] arguments)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var process = new Process { StartInfo = ProcessRunner.StartInfo(dotnet, [LabDll, .. arguments], null, null) };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginErrorReadLine();
        using var bound = new CancellationTokenSource(ReadyTimeout);
        string? first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The lab printed no READY line within {ReadyTimeout.TotalSeconds} s. Log:{Environment.NewLine}{stderr}");
        }

        if (first is null || !first.StartsWith("READY {", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"The lab's first stdout line was '{first}', not READY {{json}}. Log:{Environment.NewLine}{stderr}");
        }

        var ready = JsonSerializer.Deserialize<LabReady>(first["READY ".Length..], new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var lab = new LabProcess(process, ready, first);
        lock (lab._stderr)
        {
            lab._stderr.Append(stderr);
        }

        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lab._stderr) { lab._stderr.AppendLine(e.Data); } } };
        _ = lab.DrainStdoutAsync();
        return lab;
    }

    /// <summary>Closes the lab's stdin and waits for it to exit by itself; true when it did within the bound.</summary>
    public async Task<bool> StopByClosingStdinAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
        }

        using var bound = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(bound.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!await StopByClosingStdinAsync())
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task DrainStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_stdoutLines)
                {
                    _stdoutLines.Add(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process went away.
        }
    }
}
