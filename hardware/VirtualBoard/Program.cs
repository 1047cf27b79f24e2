using System.Globalization;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;

// dotnet run --project hardware/VirtualBoard -- --platform <id> [--seed N] [--token STRING] [--sketch seed|fixed] < script
var options = new EmulatorOptions();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        options = args[i] switch
        {
            "--platform" => options with { Platform = Platforms.Parse(value) },
            "--seed" => options with { RandomSeed = uint.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--token" => options with { BlynkToken = value },
            "--sketch" => options with { Sketch = value switch { "seed" => SketchKind.Seed, "fixed" => SketchKind.Fixed, _ => throw new ArgumentException($"--sketch is seed or fixed, not '{value}'.") } },
            "--device-os" => options with { DeviceOsVersion = Version.Parse(value) },
            _ => throw new ArgumentException($"Unknown option {args[i]}."),
        };
        i++;
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync("usage: VirtualBoard --platform <id|name> [--seed N] [--token STRING] [--sketch seed|fixed] [--device-os 6.2.1] < script");
    return 2;
}

using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false, NewLine = "\n" };
new VirtualBoardRunner(options, stdout).Run(Console.In);
return 0;
