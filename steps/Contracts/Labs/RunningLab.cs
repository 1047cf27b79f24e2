using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.LoopHost;
using Host = ParticleBlynk.LoopHost.LoopHost;

namespace ParticleBlynk.Contracts.Labs;

/// <summary>A probe lab that is up: where it listens; disposing stops it.</summary>
public interface IRunningLab : IAsyncDisposable
{
    LabEndpoints Endpoints { get; }
}

/// <summary>Starts probe labs from a lab file (JSON): as the standalone lab process (CI, the script) or in this process (tests, dry runs).</summary>
public interface ILabStarter
{
    Task<IRunningLab> StartAsync(JsonObject configuration, string name, CancellationToken cancellationToken = default);
}

/// <summary>
/// The standalone lab (<c>dotnet ParticleBlynk.Lab.dll --config &lt;file&gt;</c>), built beside this tool: the lab file is
/// written to <see cref="WorkDirectory"/>, READY is read from stdout, the log (tokens masked by the lab) goes to a file
/// beside it. Stopped by closing its stdin, as the lab's README says; killed by process id only if it lingers.
/// </summary>
public sealed class ProcessLabStarter(string workDirectory, string? labDll = null) : ILabStarter
{
    public string WorkDirectory { get; } = workDirectory;

    public string LabDll { get; } = labDll ?? Path.Combine(AppContext.BaseDirectory, "ParticleBlynk.Lab.dll");

    public async Task<IRunningLab> StartAsync(JsonObject configuration, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Directory.CreateDirectory(WorkDirectory);
        var stem = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        var file = Path.Combine(WorkDirectory, stem + ".lab.json");
        await File.WriteAllTextAsync(file, ProbeLab.ToText(configuration), cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDirectory,
        };
        start.ArgumentList.Add(LabDll);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(file);
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the lab process.");
        var log = new LabLog(new StreamWriter(Path.Combine(WorkDirectory, stem + ".lab.log"), append: false, Encoding.UTF8) { AutoFlush = true });
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        process.BeginErrorReadLine();
        var lab = new ProcessLab(process, log);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(60));
            var first = await process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false);
            if (first is null || !first.StartsWith("READY {", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The lab '{name}' printed '{first}' instead of READY (log: {stem}.lab.log in {WorkDirectory}).");
            }

            using var ready = JsonDocument.Parse(first["READY ".Length..]);
            lab.Endpoints = new LabEndpoints(
                new Uri(ready.RootElement.GetProperty("particleUrl").GetString()!),
                new Uri(ready.RootElement.GetProperty("blynkUrl").GetString()!));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The lab's stderr (tokens masked by the lab), written until the lab is disposed; lines after that are dropped.</summary>
    private sealed class LabLog(StreamWriter writer) : IDisposable
    {
        private bool _closed;

        public void Write(string? line)
        {
            lock (writer)
            {
                if (line is not null && !_closed)
                {
                    writer.WriteLine(line);
                }
            }
        }

        public void Dispose()
        {
            lock (writer)
            {
                _closed = true;
                writer.Dispose();
            }
        }
    }

    private sealed class ProcessLab(Process process, LabLog log) : IRunningLab
    {
        public LabEndpoints Endpoints { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            try
            {
                process.StandardInput.Close(); // the lab stops when its stdin closes
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true); // this lab's own process id, nothing else
                }
            }

            process.Dispose();
            log.Dispose();
        }
    }
}

/// <summary>The lab in this process: the same lab file through <see cref="LabConfiguration"/> and the one loop host, on the wall clock.</summary>
public sealed class InProcessLabStarter : ILabStarter
{
    public async Task<IRunningLab> StartAsync(JsonObject configuration, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parsed = LabConfiguration.Parse(ProbeLab.ToText(configuration), name, AppContext.BaseDirectory);
        var host = await Host.StartAsync(parsed, new LoopHostOptions()).ConfigureAwait(false);
        try
        {
            await host.WhenReadyAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new InProcessLab(host);
    }

    private sealed class InProcessLab(Host host) : IRunningLab
    {
        public LabEndpoints Endpoints { get; } = new(host.Particle.Url, host.Blynk.Url);

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
