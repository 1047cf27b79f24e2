using ParticleBlynk.Contracts;

// Contract probes (issue 15): the catalogue against the standalone lab (CI), the mutation self-test, or the real
// Particle and Blynk APIs on demand; drift report in results/contracts/<UTC time>/. Usage: ContractsOptions.Usage.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ContractsOptions.Usage);
    return 0;
}

ContractsOptions options;
try
{
    options = ContractsOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(ContractsOptions.Usage);
    Console.WriteLine("0 passed, 1 failed");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel(); // restores still run for the probe in flight
};

try
{
    return await new ContractsCommand(options, Environment.GetEnvironmentVariable, Console.Out).RunAsync(cancel.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("0 passed, 1 failed");
    return 130;
}
catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or InvalidOperationException)
{
    Console.Error.WriteLine(ex.Message);
    Console.WriteLine("0 passed, 1 failed");
    return 2;
}
