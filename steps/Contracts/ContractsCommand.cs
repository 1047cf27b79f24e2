using System.Diagnostics;
using System.Globalization;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Labs;
using ParticleBlynk.Contracts.Reporting;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.LoopHost;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Contracts;

/// <summary>The command line of <c>scripts/contracts.sh</c>, parsed.</summary>
public sealed record ContractsOptions
{
    public Uri? ParticleUrl { get; init; }

    public Uri? BlynkUrl { get; init; }

    public bool DryRun { get; init; }

    public bool SelfTest { get; init; }

    public string? MockConfig { get; init; }

    public string? WriteLabConfig { get; init; }

    public string? Results { get; init; }

    public IReadOnlyList<string> Only { get; init; } = [];

    public int Parallel { get; init; } = 3;

    public string? LabDll { get; init; }

    public bool List { get; init; }

    public bool RealService => ParticleUrl is not null || BlynkUrl is not null;

    public const string Usage = """
        usage: ParticleBlynk.Contracts [--self-test] [--dry-run] [--particle-url URL --blynk-url URL] [--mock-config FILE]
                                       [--write-lab-config FILE] [--results DIR] [--only id,id] [--parallel N] [--list]
          (no URLs)          probe the standalone lab this tool starts (CI); every answer must match the mock's
          --self-test        then the lab with each UNCONFIRMED choice flipped and a few facts broken: each must show drift
          --particle-url, --blynk-url
                             probe the real services, e.g. https://api.particle.io and https://ny3.blynk.cloud (your
                             device's region). Credentials from the environment: E2E_CONTRACT_PARTICLE_TOKEN,
                             E2E_CONTRACT_PARTICLE_DEVICE, E2E_CONTRACT_PARTICLE_OFFLINE_DEVICE, E2E_CONTRACT_BLYNK_TOKEN,
                             E2E_CONTRACT_SETUP (integration,render-webhook,region-webhook). Refused when CI is set.
          --dry-run          print every request the probes would send to those services (tokens masked); sends
                             nothing to them (the requests go to an in-process lab)
          --mock-config FILE compare with the mock as this lab file configures it (default: the documented defaults)
          --write-lab-config FILE
                             write the lab settings that make the mock answer as the service did into FILE
          --results DIR      where drift.md, drift.json, requests.log go (default results/contracts/<UTC time>)
          --only id,id       run only these probes (ids: --list)
        Last line: N passed, N failed.
        """;

    public static ContractsOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ContractsOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--particle-url" => options with { ParticleUrl = AbsoluteUrl(Value()) },
                "--blynk-url" => options with { BlynkUrl = AbsoluteUrl(Value()) },
                "--dry-run" => options with { DryRun = true },
                "--self-test" => options with { SelfTest = true },
                "--mock-config" => options with { MockConfig = Value() },
                "--write-lab-config" => options with { WriteLabConfig = Value() },
                "--results" => options with { Results = Value() },
                "--only" => options with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--parallel" => options with { Parallel = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException("--parallel needs a positive number.") },
                "--lab-dll" => options with { LabDll = Value() },
                "--list" => options with { List = true },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        if (options.RealService && (options.ParticleUrl is null || options.BlynkUrl is null))
        {
            throw new ArgumentException("Give both --particle-url and --blynk-url.");
        }

        if (options.SelfTest && options.RealService)
        {
            throw new ArgumentException("--self-test runs against labs only.");
        }

        foreach (var id in options.Only)
        {
            _ = ContractCatalogue.ById(id);
        }

        return options;
    }

    private static Uri AbsoluteUrl(string text) =>
        Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? url
            : throw new ArgumentException($"'{text}' is not an http(s) URL.");
}

/// <summary>Runs what the options ask for; returns the exit code. Every line written passes through the run's redaction.</summary>
public sealed class ContractsCommand(ContractsOptions options, Func<string, string?> environment, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (options.List)
        {
            foreach (var probe in ContractCatalogue.All)
            {
                output.WriteLine($"{probe.Id,-48} {probe.Kind,-6} {probe.Source,-24} needs {string.Join(", ", probe.Needs)}; ≤{probe.MaxRequests} requests; changes: {probe.Changes}");
            }

            output.WriteLine($"{ContractCatalogue.All.Count} probes");
            return 0;
        }

        var mock = options.MockConfig is { } file
            ? new MockView(LabConfiguration.Load(file), file)
            : MockView.Defaults;
        var results = options.Results ?? Path.Combine("results", "contracts", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (options.DryRun)
        {
            return await DryRunAsync(mock, cancellationToken).ConfigureAwait(false);
        }

        return options.RealService
            ? await RealServicesAsync(mock, results, cancellationToken).ConfigureAwait(false)
            : await LabAsync(mock, results, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The real target from the URLs and the E2E_CONTRACT_* variables.</summary>
    public static ProbeTarget RealTarget(Uri particle, Uri blynk, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(particle);
        ArgumentNullException.ThrowIfNull(blynk);
        ArgumentNullException.ThrowIfNull(environment);
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v.Trim() : null;
        var setups = new HashSet<Need>();
        foreach (var setup in (Env("E2E_CONTRACT_SETUP") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            setups.Add(setup switch
            {
                "integration" => Need.Integration,
                "render-webhook" => Need.RenderWebhook,
                "region-webhook" => Need.RegionWebhook,
                _ => throw new ArgumentException($"E2E_CONTRACT_SETUP: unknown setup '{setup}' (integration, render-webhook, region-webhook)."),
            });
        }

        var region = Env("E2E_CONTRACT_BLYNK_REGION") ?? blynk.Host;
        if (!BlynkRegions.IsRegionHost(region))
        {
            throw new ArgumentException($"'{region}' is not a Blynk region server: give --blynk-url https://<your region>.blynk.cloud or set E2E_CONTRACT_BLYNK_REGION.");
        }

        var routes = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        if (!blynk.Host.Equals(region, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var host in BlynkRegions.AllHosts)
            {
                routes[host] = blynk; // a Blynk stand-in at another address (e.g. a lab started by hand)
            }

            routes["api.particle.io"] = particle;
        }

        return new ProbeTarget
        {
            Name = routes.Count == 0 ? "real services" : "services at the given URLs",
            ParticleApi = routes.Count == 0 ? particle : new Uri("https://api.particle.io"),
            BlynkRegion = region,
            Routes = routes,
            ParticleToken = Env("E2E_CONTRACT_PARTICLE_TOKEN"),
            ParticleDeviceId = Env("E2E_CONTRACT_PARTICLE_DEVICE"),
            ParticleOfflineDeviceId = Env("E2E_CONTRACT_PARTICLE_OFFLINE_DEVICE"),
            BlynkToken = Env("E2E_CONTRACT_BLYNK_TOKEN"),
            Setups = setups,
        };
    }

    private async Task<int> LabAsync(MockView mock, string results, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var tokens = LabTokens.FromEnvironment(environment);
        var secrets = new Secrets(tokens.Particle, tokens.Blynk);
        var starter = new ProcessLabStarter(Path.Combine(results, "labs"), options.LabDll);
        output.WriteLine($"Starting the probe lab ({starter.LabDll}) …");
        IReadOnlyList<ProbeResult> baseline;
        await using (var lab = await starter.StartAsync(ProbeLab.Configuration(tokens), "baseline", cancellationToken).ConfigureAwait(false))
        {
            var target = ProbeLab.Target("the standalone lab (documented defaults)", lab.Endpoints, tokens);
            baseline = await RunAndReportAsync(target, secrets, mock, results, cancellationToken).ConfigureAwait(false);
        }

        var passed = baseline.Count(r => r.Passed);
        var failed = baseline.Count(r => r.Failed);
        output.WriteLine($"Catalogue against the lab: {DriftReport.Counts(baseline)} ({watch.Elapsed.TotalSeconds:0.0} s)");
        if (options.SelfTest)
        {
            var flips = LabFlips.All;
            var selfWatch = Stopwatch.StartNew();
            output.WriteLine($"Self-test: {flips.Count} flips, {options.Parallel} labs at a time …");
            var flipResults = await SelfTest.RunAsync(starter, tokens, flips, options.Parallel, line => output.WriteLine(secrets.Redact(line)), cancellationToken).ConfigureAwait(false);
            DriftReport.WriteSelfTest(results, baseline, flipResults, selfWatch.Elapsed);
            var detected = flipResults.Count(f => f.Detected);
            output.WriteLine($"Self-test: {detected} / {flips.Count} flips detected ({selfWatch.Elapsed.TotalSeconds:0.0} s); {Path.Combine(results, "self-test.md")}");
            passed += detected;
            failed += flips.Count - detected;
        }

        foreach (var labFile in Directory.GetFiles(Path.Combine(results, "labs"), "*.lab.json"))
        {
            File.Delete(labFile); // lab files hold the lab's tokens in full; the lab logs beside them are masked by the lab
        }

        output.WriteLine($"Total {watch.Elapsed.TotalSeconds:0.0} s. Report: {results}");
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private async Task<int> RealServicesAsync(MockView mock, string results, CancellationToken cancellationToken)
    {
        var target = RealTarget(options.ParticleUrl!, options.BlynkUrl!, environment);
        if (RealServiceGuard.Refusal(target, environment) is { } refusal)
        {
            output.WriteLine(refusal);
            output.WriteLine("0 passed, 1 failed");
            return 2;
        }

        var probeResults = await RunAndReportAsync(target, new Secrets(), mock, results, cancellationToken).ConfigureAwait(false);
        var passed = probeResults.Count(r => r.Passed);
        var failed = probeResults.Count(r => r.Failed);
        output.WriteLine($"Report: {results}");
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private async Task<IReadOnlyList<ProbeResult>> RunAndReportAsync(ProbeTarget target, Secrets secrets, MockView mock, string results, CancellationToken cancellationToken)
    {
        foreach (var token in target.Secrets())
        {
            secrets.Add(token);
        }

        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        using var transport = new ProbeTransport(target, secrets);
        output.WriteLine($"Probing {target.Name}: Particle {target.ParticleApi}, Blynk https://{target.BlynkRegion} — compared with the mock's {mock.Description}");
        var probeResults = await ProbeRunner.RunAsync(Selected(), transport, new RunOptions { Mock = mock, Progress = line => output.WriteLine(secrets.Redact(line)) }, cancellationToken).ConfigureAwait(false);
        var run = new RunInfo(target.Name, target.ParticleApi.ToString(), "https://" + target.BlynkRegion, mock.Description, started, watch.Elapsed, transport.Count, target.IsRealService);
        DriftReport.Write(results, run, probeResults, transport.Log);
        output.WriteLine($"{DriftReport.Counts(probeResults)}; {transport.Count} requests in {watch.Elapsed.TotalSeconds:0.0} s; {Path.Combine(results, "drift.md")}");
        if (options.WriteLabConfig is { } labFile)
        {
            var written = LabConfigWriter.Write(labFile, probeResults);
            output.WriteLine($"Wrote {written.Applied.Count} lab setting(s) to {written.Path}:");
            foreach (var setting in written.Applied)
            {
                output.WriteLine("  " + secrets.Redact(setting.ToString()));
            }

            foreach (var note in written.Notes)
            {
                output.WriteLine("  note: " + secrets.Redact(note));
            }
        }

        return probeResults;
    }

    private async Task<int> DryRunAsync(MockView mock, CancellationToken cancellationToken)
    {
        var planned = RealTarget(options.ParticleUrl ?? new Uri("https://api.particle.io"), options.BlynkUrl ?? new Uri("https://" + BlynkRegions.Ny3), environment);
        var tokens = LabTokens.Fresh();
        var secrets = new Secrets(tokens.Particle, tokens.Blynk, planned.ParticleToken, planned.BlynkToken);
        var configuration = ProbeLab.Configuration(tokens, planned.BlynkRegion);
        configuration["particle"]!["sseKeepAlive"] = "00:00:01"; // the listing does not need the real period
        await using var lab = await new InProcessLabStarter().StartAsync(configuration, "dry-run lab", cancellationToken).ConfigureAwait(false);
        var target = ProbeLab.Target("dry-run lab", lab.Endpoints, tokens, planned.BlynkRegion);
        string Display(string text) => text
            .Replace(Secrets.Mask(tokens.Particle), planned.ParticleToken is { } p ? Secrets.Mask(p) : "<E2E_CONTRACT_PARTICLE_TOKEN>", StringComparison.Ordinal)
            .Replace(Secrets.Mask(tokens.Blynk), planned.BlynkToken is { } b ? Secrets.Mask(b) : "<E2E_CONTRACT_BLYNK_TOKEN>", StringComparison.Ordinal)
            .Replace(Uri.EscapeDataString(Secrets.Mask(tokens.Blynk)), planned.BlynkToken is { } b2 ? Uri.EscapeDataString(Secrets.Mask(b2)) : "<E2E_CONTRACT_BLYNK_TOKEN>", StringComparison.Ordinal)
            .Replace(ProbeLab.OfflineDeviceId, planned.ParticleOfflineDeviceId ?? "<E2E_CONTRACT_PARTICLE_OFFLINE_DEVICE>", StringComparison.Ordinal)
            .Replace(ProbeLab.DeviceId, planned.ParticleDeviceId ?? "<E2E_CONTRACT_PARTICLE_DEVICE>", StringComparison.Ordinal)
            .Replace("https://api.particle.io/", planned.ParticleApi.ToString(), StringComparison.Ordinal);
        output.WriteLine($"DRY RUN — nothing is sent to {planned.ParticleApi} or https://{planned.BlynkRegion}. The requests below go to an in-process lab;");
        output.WriteLine("they are printed as the real services would get them (tokens masked). Steps that depend on an answer follow the mock's.");
        using var transport = new ProbeTransport(target, secrets, Display, line => output.WriteLine(line));
        var results = await ProbeRunner.RunAsync(
            Selected(),
            transport,
            new RunOptions
            {
                Mock = mock,
                PlannedFor = planned with { Routes = target.Routes, ParticleApi = target.ParticleApi },
                Progress = line => { if (line.StartsWith("skipped", StringComparison.Ordinal)) { output.WriteLine(Display(secrets.Redact(line))); } },
            },
            cancellationToken).ConfigureAwait(false);
        var ran = results.Where(r => r.Verdict != Verdict.Skipped).ToList();
        output.WriteLine($"dry run: {ran.Count} probes would run and send {transport.Count} requests (budget at most {ran.Sum(r => r.Probe.MaxRequests)}); {results.Count - ran.Count} would skip.");
        output.WriteLine("0 passed, 0 failed");
        return 0;
    }

    private IEnumerable<Probe> Selected() =>
        options.Only.Count == 0 ? ContractCatalogue.All : ContractCatalogue.All.Where(p => options.Only.Contains(p.Id));
}
