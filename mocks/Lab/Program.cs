using System.Globalization;
using System.Runtime.InteropServices;
using ParticleBlynk.Lab;

// The standalone lab. stdout carries exactly one line, READY {json}; everything else goes to stderr.
var stdout = Console.Out;
Console.SetOut(Console.Error);

string? configPath = null;
var ports = new LabPorts();
var watchStdin = true;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--config":
            configPath = Value();
            break;
        case "--port-particle":
            ports = ports with { Particle = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) };
            break;
        case "--port-blynk":
            ports = ports with { Blynk = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) };
            break;
        case "--ignore-stdin":
            watchStdin = false;
            break;
        case "-h" or "--help":
            Console.Error.WriteLine("""
                usage: ParticleBlynk.Lab [--config <file>] [--port-particle <n>] [--port-blynk <n>] [--ignore-stdin]
                  --config          lab file (default: the demo lab, Lab/demo-lab.json; format in mocks/Lab/README.md)
                  --port-particle   fixed 127.0.0.1 port for the Particle API (default: a free port)
                  --port-blynk      fixed 127.0.0.1 port for the Blynk mock (default: a free port)
                  --ignore-stdin    keep running when stdin closes (background runs); stop with SIGTERM or Ctrl-C
                Prints one line "READY {json}" on stdout when up; logs to stderr. Stops when stdin closes, on SIGTERM or Ctrl-C.
                """);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}' (try --help).");
            return 2;
    }
}

void Log(string line) => Console.Error.WriteLine(line);

LabConfiguration configuration;
try
{
    configuration = LabConfiguration.Load(configPath ?? LabConfiguration.DemoFile);
}
catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or System.Text.Json.JsonException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot load the lab configuration: {ex.Message}");
    return 2;
}

var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult("SIGTERM"); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult("SIGINT"); });

await using var lab = await StandaloneLab.StartAsync(configuration, ports, Log);
foreach (var route in lab.Services.Hosts.Routes.OrderBy(r => r.Key, StringComparer.Ordinal))
{
    Log($"host map: {route.Key} -> {route.Value}");
}

stdout.WriteLine(lab.ReadyLine());
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

var first = await Task.WhenAny(stop.Task, lab.Scheduler.Completion);
if (first == lab.Scheduler.Completion && lab.Scheduler.Completion.Exception is { } failure)
{
    Log($"An emulated board failed: {failure.InnerException}");
    return 1;
}

Log($"Stopping ({(first == stop.Task ? stop.Task.Result : "boards stopped")}).");
return 0;
