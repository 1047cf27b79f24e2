using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Reporting;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.LoopHost;

namespace ParticleBlynk.Contracts.Tests;

/// <summary>The lab-config writer, the guard against real services from CI, and the dry run.</summary>
public sealed class ToolingTests
{
    private const string RealParticleToken = "38bb7b318cc6898c80317decb34525844bc9db55";
    private const string RealBlynkToken = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";

    [Fact]
    public void Write_lab_config_puts_the_confirmed_choices_into_a_new_lab_file_the_lab_accepts()
    {
        // Given a real service that clamps Integer overflow and renders numbers verbatim
        var path = Path.Combine(Path.GetTempPath(), "written-lab-" + Guid.NewGuid().ToString("N") + ".json");
        var results = new[]
        {
            Choice("blynk.integer.overflow", "clamped to 2147483647", new LabSetting("blynk.behaviour.integerOverflow", "Clamp")),
            Choice("particle.webhook.number-rendering", "verbatim (3.141590)", new LabSetting("particle.numberRendering", "Verbatim")),
            Choice("particle.sse.ttl-type", "string"),
        };
        try
        {
            // When
            var written = LabConfigWriter.Write(path, results);

            // Then
            var lab = LabConfiguration.Load(path);
            lab.Blynk.Behaviour.IntegerOverflow.Should().Be(ParticleBlynk.BlynkCloud.IntegerOverflow.Clamp);
            lab.Particle.NumberRendering.Should().Be(ParticleBlynk.ParticleCloud.JsonNumberRendering.Verbatim);
            written.Applied.Should().HaveCount(2);
            written.Notes.Should().ContainSingle().Which.Should().Contain("particle.sse.ttl-type").And.Contain("no lab option");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_lab_config_merges_into_an_existing_lab_file_keeping_its_other_keys()
    {
        // Given a lab file with a template and a behaviour already set
        var path = Path.Combine(Path.GetTempPath(), "merged-lab-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            {
              // a team's lab
              "blynk": {
                "templates": [ { "id": "TMPL4ej7--Xu_", "name": "ParticleDeviceBlueprint" } ],
                "behaviour": { "stringOverLimit": "Reject" },
              }
            }
            """);
        try
        {
            // When
            LabConfigWriter.Write(path, [
                Choice("blynk.hardware-connected.http-only", "true after a write", new LabSetting("blynk.templates[*].logWhenDeviceReportsAnyData", true)),
                Choice("blynk.batch.bad-pin", "valid pins applied (V14 written)", new LabSetting("blynk.behaviour.batchWithBadPin", "ApplyValidPins")),
            ]);

            // Then
            var lab = LabConfiguration.Load(path);
            lab.Blynk.Templates.Should().ContainSingle().Which.LogWhenDeviceReportsAnyData.Should().BeTrue();
            lab.Blynk.Behaviour.StringOverLimit.Should().Be(ParticleBlynk.BlynkCloud.StringOverLimit.Reject, "keys the probes did not touch stay");
            lab.Blynk.Behaviour.BatchWithBadPin.Should().Be(ParticleBlynk.BlynkCloud.BatchWithBadPin.ApplyValidPins);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("E2E_CI")]
    [InlineData("CI")]
    public void Real_services_are_refused_when_a_CI_variable_is_set(string variable)
    {
        // Given the real clouds as the target
        var target = ContractsCommand.RealTarget(new Uri("https://api.particle.io"), new Uri("https://ny3.blynk.cloud"), _ => null);

        // When
        var refusal = RealServiceGuard.Refusal(target, name => name == variable ? "1" : null);

        // Then
        target.IsRealService.Should().BeTrue();
        refusal.Should().Contain(variable);
        RealServiceGuard.Refusal(target, _ => null).Should().BeNull("a workstation or a nightly job without CI may probe the real clouds");
    }

    [Fact]
    public void A_lab_target_is_never_refused()
    {
        // Given services at loopback URLs (a lab started by hand)
        var target = ContractsCommand.RealTarget(new Uri("http://127.0.0.1:1"), new Uri("http://127.0.0.1:2"), name => name == "E2E_CONTRACT_BLYNK_REGION" ? "ny3.blynk.cloud" : null);

        // Then
        target.IsRealService.Should().BeFalse();
        target.Routes.Should().ContainKey("api.particle.io").And.ContainKey("fra1.blynk.cloud");
        RealServiceGuard.Refusal(target, _ => "1").Should().BeNull();
    }

    [Fact]
    public async Task Dry_run_prints_each_request_as_the_real_services_would_get_it_with_tokens_masked()
    {
        // Given real credentials (made up) and no setup beyond the tokens
        var environment = new Dictionary<string, string>
        {
            ["E2E_CONTRACT_PARTICLE_TOKEN"] = RealParticleToken,
            ["E2E_CONTRACT_BLYNK_TOKEN"] = RealBlynkToken,
            ["E2E_CONTRACT_PARTICLE_DEVICE"] = "0123456789abcdef01234567",
        };
        var options = ContractsOptions.Parse(["--dry-run", "--particle-url", "https://api.particle.io", "--blynk-url", "https://fra1.blynk.cloud"]);
        using var output = new StringWriter();

        // When
        var exit = await new ContractsCommand(options, environment.GetValueOrDefault, output).RunAsync(TestContext.Current.CancellationToken);

        // Then
        var text = output.ToString();
        exit.Should().Be(0);
        text.Should().Contain("GET https://fra1.blynk.cloud/external/api/get?token=xw7I…FAVl&V14");
        text.Should().Contain("POST https://api.particle.io/v1/devices/0123456789abcdef01234567/blynk_led [Authorization: Bearer 38bb…db55]");
        text.Should().Contain("skipped          blynk.webhook.fires-on-http-write: needs");
        text.Should().NotContain(RealParticleToken).And.NotContain(RealBlynkToken);
        text.Should().EndWith("0 passed, 0 failed" + Environment.NewLine);
    }

    private static ProbeResult Choice(string id, string answer, params LabSetting[] settings) => new()
    {
        Probe = ContractCatalogue.ById(id),
        Verdict = Verdict.Drift,
        MockAnswer = "the mock's",
        ServiceAnswer = answer,
        Evidence = "",
        LabSettings = settings.Length == 0 ? null : settings,
    };
}
