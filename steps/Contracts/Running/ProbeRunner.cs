using System.Diagnostics;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Contracts.Running;

/// <summary>How a probe's answer compares with the mock's.</summary>
public enum Verdict
{
    /// <summary>The service answered as the mock does.</summary>
    Match,

    /// <summary>The service answered otherwise: the mock (or contracts.md) no longer matches it.</summary>
    Drift,

    /// <summary>A real service showed the alternative the mock picked for an UNCONFIRMED behaviour.</summary>
    ChoiceConfirmed,

    /// <summary>Not run: something the probe needs is missing (it says what to set up).</summary>
    Skipped,

    /// <summary>The probe could not finish (no answer, budget, a restore that failed).</summary>
    Error,
}

/// <summary>One probe's outcome.</summary>
public sealed record ProbeResult
{
    public required Probe Probe { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The mock's answer (from the mock configuration the report compares with).</summary>
    public required string MockAnswer { get; init; }

    /// <summary>The service's answer; null when skipped or failed.</summary>
    public string? ServiceAnswer { get; init; }

    /// <summary>What was seen, tokens masked; for a skip, what to set up; for an error, what went wrong.</summary>
    public required string Evidence { get; init; }

    public int Requests { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>For a choice the service answered: the lab settings that make the mock answer the same (null: no option models it).</summary>
    public IReadOnlyList<LabSetting>? LabSettings { get; init; }

    public bool Passed => Verdict is Verdict.Match or Verdict.ChoiceConfirmed;

    public bool Failed => Verdict is Verdict.Drift or Verdict.Error;
}

/// <summary>Options of one run of the catalogue.</summary>
public sealed record RunOptions
{
    /// <summary>The mock the answers are compared with.</summary>
    public MockView Mock { get; init; } = MockView.Defaults;

    /// <summary>Only these probes (null: all).</summary>
    public Func<Probe, bool>? Select { get; init; }

    /// <summary>Decides skips as for this target (dry run: the real target) while the requests go to the transport's.</summary>
    public ProbeTarget? PlannedFor { get; init; }

    /// <summary>Progress lines (one per probe).</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>Runs probes one after the other against one target and classifies each answer against the mock's.</summary>
public static class ProbeRunner
{
    /// <summary>What to set up for a need that is missing (the skip reason).</summary>
    public static string SetupHint(Need need) => need switch
    {
        Need.ParticleToken => "a Particle access token (E2E_CONTRACT_PARTICLE_TOKEN)",
        Need.ParticleDevice => "a test device online on the doc's firmware (E2E_CONTRACT_PARTICLE_DEVICE)",
        Need.ParticleOfflineDevice => "an offline device of the account (E2E_CONTRACT_PARTICLE_OFFLINE_DEVICE)",
        Need.BlynkToken => "a Blynk device token (E2E_CONTRACT_BLYNK_TOKEN)",
        Need.Integration => "the doc's integration set up end to end, then add 'integration' to E2E_CONTRACT_SETUP (docs/contract-probes.md)",
        Need.RenderWebhook => "the Particle webhook contractprobe_render, then add 'render-webhook' to E2E_CONTRACT_SETUP (docs/contract-probes.md)",
        Need.RegionWebhook => "the Particle webhook contractprobe_region, then add 'region-webhook' to E2E_CONTRACT_SETUP (docs/contract-probes.md)",
        _ => need.ToString(),
    };

    public static async Task<IReadOnlyList<ProbeResult>> RunAsync(
        IEnumerable<Probe> probes,
        ProbeTransport transport,
        RunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new RunOptions();
        await using var run = new ProbeRun(transport, cancellationToken);
        var planned = options.PlannedFor ?? transport.Target;
        var results = new List<ProbeResult>();
        foreach (var probe in probes.Where(p => options.Select?.Invoke(p) ?? true))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                options.Progress?.Invoke("cancelled: the probes run so far are reported");
                break;
            }

            var result = await RunOneAsync(probe, run, planned, options.Mock, options.Progress).ConfigureAwait(false);
            options.Progress?.Invoke(Line(result));
            results.Add(result);
        }

        return results;
    }

    /// <summary>"drift  particle.auth.invalid-token: mock 401 invalid_token, service 401 without invalid_token".</summary>
    public static string Line(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var what = result.Verdict switch
        {
            Verdict.Skipped or Verdict.Error => result.Evidence,
            _ => $"mock: {result.MockAnswer} | service: {result.ServiceAnswer}",
        };
        return $"{Label(result.Verdict),-16} {result.Probe.Id}: {what}";
    }

    public static string Label(Verdict verdict) => verdict switch
    {
        Verdict.ChoiceConfirmed => "choice confirmed",
        _ => verdict.ToString().ToLowerInvariant(),
    };

    private static async Task<ProbeResult> RunOneAsync(Probe probe, ProbeRun run, ProbeTarget planned, MockView mock, Action<string>? progress)
    {
        var mockAnswer = probe.MockAnswer(mock);
        var missing = probe.Needs.Where(n => !planned.Has(n)).ToList();
        if (missing.Count > 0)
        {
            return new ProbeResult
            {
                Probe = probe, Verdict = Verdict.Skipped, MockAnswer = mockAnswer,
                Evidence = "needs " + string.Join("; ", missing.Select(SetupHint)),
            };
        }

        if (run.Transport.Print is { } print)
        {
            print($"{probe.Id} — {probe.Fact} [{probe.Source}; at most {probe.MaxRequests} requests, {probe.Pause.TotalMilliseconds:0} ms apart; changes: {probe.Changes}]");
        }

        var budget = new ProbeBudget(probe.Id, probe.MaxRequests, probe.Pause);
        var context = new ProbeContext(run, budget);
        var watch = Stopwatch.StartNew();
        Observation? observation = null;
        string? failure = null;
        var skipped = false;
        try
        {
            observation = await probe.Run(context).ConfigureAwait(false);
        }
        catch (ProbeSetupException ex)
        {
            failure = ex.Message;
            skipped = true;
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            failure = "cancelled";
        }
        catch (Exception ex)
        {
            // A real service may answer anything: whatever breaks a probe is reported as its error, and the run goes on.
            failure = ex.Message;
        }

        // Restores run whatever happened — even after Ctrl-C — newest first, each on its own.
        using var restoring = run.Restoring();
        foreach (var restore in context.Restores.Reverse())
        {
            try
            {
                await restore().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = (failure is null ? "" : failure + "; ") + "RESTORE FAILED: " + ex.Message;
                observation = null;
                progress?.Invoke($"warning: {probe.Id}: restore failed: {context.Redact(ex.Message)}");
            }
        }

        var duration = watch.Elapsed;
        if (observation is null)
        {
            return new ProbeResult
            {
                Probe = probe, Verdict = skipped ? Verdict.Skipped : Verdict.Error, MockAnswer = mockAnswer,
                Evidence = context.Redact(failure ?? "no observation"), Requests = budget.Used, Duration = duration,
            };
        }

        var verdict = observation.Answer == mockAnswer
            ? (run.Transport.Target.IsRealService && probe.Kind == ProbeKind.Choice ? Verdict.ChoiceConfirmed : Verdict.Match)
            : Verdict.Drift;
        return new ProbeResult
        {
            Probe = probe,
            Verdict = verdict,
            MockAnswer = mockAnswer,
            ServiceAnswer = context.Redact(observation.Answer),
            Evidence = context.Redact(observation.Evidence),
            Requests = budget.Used,
            Duration = duration,
            LabSettings = probe.Kind == ProbeKind.Choice ? observation.Settings : null,
        };
    }
}

/// <summary>Builds the secrets (tokens to mask) of a run.</summary>
public static class RunSecrets
{
    public static Secrets For(ProbeTarget target, params IEnumerable<string?> more)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new Secrets([.. target.Secrets(), .. more]);
    }
}
