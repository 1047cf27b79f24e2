using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Reporting;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.Contracts.Tests.Support;

namespace ParticleBlynk.Contracts.Tests;

/// <summary>The catalogue against the probe lab: every probe runs, and every answer is the mock's documented one.</summary>
public sealed class LabCatalogueTests(LabCatalogueRun run) : IClassFixture<LabCatalogueRun>
{
    [Fact]
    public void Every_probe_of_the_catalogue_matches_the_mock_on_the_lab()
    {
        // Given the catalogue run against the probe lab (fixture)

        // Then
        run.Results.Should().HaveCount(ContractCatalogue.All.Count, "the probe lab has every setup: nothing skips");
        run.Results.Where(r => r.Verdict != Verdict.Match).Select(ProbeRunner.Line).Should().BeEmpty();
    }

    [Fact]
    public void Every_probe_keeps_its_request_budget()
    {
        // Given the run (fixture)

        // Then
        run.Results.Should().OnlyContain(r => r.Requests <= r.Probe.MaxRequests);
        run.Requests.Should().OnlyContain(r => r.Url.StartsWith("https://api.particle.io/", StringComparison.Ordinal) || r.Url.Contains("blynk.cloud/", StringComparison.Ordinal),
            "probes address the real host names; the transport routes them to the lab");
    }

    [Fact]
    public void The_drift_report_names_every_probe_and_writes_no_token_in_full()
    {
        // Given the run (fixture) and a results folder
        var folder = Path.Combine(Path.GetTempPath(), "contract-probes-" + Guid.NewGuid().ToString("N"));
        try
        {
            // When
            DriftReport.Write(folder, new RunInfo("in-process lab", "https://api.particle.io/", "https://ny3.blynk.cloud", MockView.Defaults.Description, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), run.Requests.Count, false), run.Results, run.Requests);

            // Then
            var markdown = File.ReadAllText(Path.Combine(folder, "drift.md"));
            markdown.Should().Contain("| fact | source | mock's answer | service's answer | verdict |");
            ContractCatalogue.All.Should().OnlyContain(p => markdown.Contains("`" + p.Id + "`", StringComparison.Ordinal));
            UnconfirmedFacts.Unconfirmed.Should().OnlyContain(f => markdown.Contains("| " + f.Id + " |", StringComparison.Ordinal));
            foreach (var file in Directory.GetFiles(folder))
            {
                var text = File.ReadAllText(file);
                text.Should().NotContain(run.Tokens.Particle, file).And.NotContain(run.Tokens.Blynk, file);
            }

            File.ReadAllText(Path.Combine(folder, "requests.log")).Should().Contain("token=" + ParticleBlynk.Loop.Secrets.Mask(run.Tokens.Blynk));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
