using System.Globalization;
using System.Runtime.InteropServices;
using ParticleBlynk.LoopHost;
using ParticleBlynk.LoopHost.Control;

// The standalone lab. stdout carries exactly one line, READY {json}, printed only once every board that powers on at
// start has booted, connected and registered its functions; everything else goes to stderr, tokens redacted.
var stdout = Console.Out;
Console.SetOut(Console.Error);

string? configPath = null;
var options = new LoopHostOptions();
var controlPort = 0;
var watchStdin = true;
TimeSpan? exitWhenIdle = null;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    int Port() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
        ? port
        : throw new ArgumentException($"{args[i - 1]} needs a port number (0-65535).");
    try
    {
        switch (args[i])
        {
            case "--config":
                configPath = Value();
                break;
            case "--port-particle":
                options = options with { ParticlePort = Port() };
                break;
            case "--port-blynk":
                options = options with { BlynkPort = Port() };
                break;
            case "--port-control":
                controlPort = Port();
                break;
            case "--virtual-time":
                options = options with { VirtualTime = true };
                break;
            case "--ignore-stdin":
                watchStdin = false;
                break;
            case "--exit-when-idle":
                exitWhenIdle = TimeSpan.TryParse(Value(), CultureInfo.InvariantCulture, out var idle) && idle > TimeSpan.Zero
                    ? idle
                    : throw new ArgumentException($"{args[i - 1]} needs a positive time span (hh:mm:ss).");
                break;
            case "-h" or "--help":
                Console.Error.WriteLine("""
                    usage: ParticleBlynk.Lab [--config <file>] [--port-particle <n>] [--port-blynk <n>] [--port-control <n>] [--virtual-time] [--ignore-stdin] [--exit-when-idle <hh:mm:ss>]
                      --config          lab file (default: the demo lab, Lab/demo-lab.json; format in mocks/Lab/README.md)
                      --port-particle   127.0.0.1 port for the Particle API (default: a free port)
                      --port-blynk      127.0.0.1 port for the Blynk mock (default: a free port)
                      --port-control    127.0.0.1 port for the control API (default: a free port; its token is in the READY line)
                      --virtual-time    run on virtual time: it moves only when a driver advances it (control API)
                      --ignore-stdin    keep running when stdin closes (background runs, containers); stop with SIGTERM or Ctrl-C
                      --exit-when-idle  stop when the control API has had no request for this long (wall time): a lease, so
                                        that a container whose driver crashed goes away by itself (the containers target uses it)
                    Prints one line "READY {json}" on stdout when every board is up; logs to stderr. Stops when stdin closes, on SIGTERM or Ctrl-C.
                    """);
                return 0;
            default:
                Console.Error.WriteLine($"Unknown argument '{args[i]}' (try --help).");
                return 2;
        }
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }
}

LabConfiguration configuration;
try
{
    configuration = LabConfiguration.Load(configPath ?? LabConfiguration.DemoFile);
}
catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot load the lab configuration: {ex.Message}");
    return 2;
}

var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult("SIGTERM"); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult("SIGINT"); });

void Log(string line) => Console.Error.WriteLine(line);
await using var sessions = new LabSessions();
var lab = await LoopHost.StartAsync(configuration, options with { Log = Log });
sessions.Add(lab, id: LabSessions.DefaultId);
await using var control = await LabControlServer.StartAsync(sessions, controlPort, Log);
try
{
    await lab.WhenReadyAsync();
}
catch (TimeoutException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

// The control token is printed here and nowhere else: whoever reads READY may drive the lab.
var ready = lab.ReadyReport();
ready["control"] = new Dictionary<string, string> { ["url"] = control.Url.ToString(), ["token"] = control.Token, ["session"] = LabSessions.DefaultId };
stdout.WriteLine(LoopHost.ReadyLine(ready));
stdout.Flush();

if (watchStdin)
{
    _ = Task.Run(async () =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }

        stop.TrySetResult("stdin closed");
    });
}

if (exitWhenIdle is { } lease)
{
    _ = control.WhenIdleAsync(lease).ContinueWith(
        _ => stop.TrySetResult($"no control request for {lease}"), TaskScheduler.Default);
}

var boards = lab.Scheduler?.Completion ?? Task.Delay(Timeout.Infinite);
var first = await Task.WhenAny(stop.Task, boards);
if (first == boards && boards.Exception is { } failure)
{
    Log(lab.Secrets.Redact($"An emulated board failed: {failure.InnerException}"));
    return 1;
}

Log($"Stopping ({(first == stop.Task ? stop.Task.Result : "boards stopped")}).");
return 0;
