using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Labs;
using ParticleBlynk.Contracts.Tests.Support;
using ParticleBlynk.LoopHost;

namespace ParticleBlynk.Contracts.Tests;

/// <summary>The catalogue itself: complete, traceable to contracts.md, and every flip of the self-test a valid lab file.</summary>
public sealed class CatalogueTests
{
    // Choices no lab option can flip: the mock's code decides them (the report says so when a service differs).
    private static readonly string[] ChoicesWithoutLabOption =
    [
        "particle.token.format", "particle.function.unknown-device-name", "particle.sse.ttl-type", "particle.webhook.missing-key",
        "particle.webhook.follows-308", "blynk.get.multi-pin", "blynk.token.whitespace",
    ];

    [Fact]
    public void Probe_ids_are_unique_and_every_probe_states_its_source_budget_and_changes()
    {
        // Given the catalogue
        var probes = ContractCatalogue.All;

        // Then
        probes.Should().HaveCountGreaterThanOrEqualTo(50);
        probes.Select(p => p.Id).Should().OnlyHaveUniqueItems();
        probes.Should().OnlyContain(p => p.Source.Line > 0 && p.Source.Quote.Length > 0 && p.Alternatives.Count > 0 && p.Changes.Length > 0);
        probes.Should().OnlyContain(p => p.MaxRequests <= 42 && p.Pause >= TimeSpan.FromMilliseconds(250), "every probe keeps a budget and a pause against real services");
        probes.Where(p => p.Needs.Contains(Need.Integration)).Should().OnlyContain(p => p.Needs.Contains(Need.ParticleDevice));
    }

    [Fact]
    public void Every_line_contracts_md_marks_UNCONFIRMED_is_in_the_index()
    {
        // Given contracts.md
        var lines = ReferenceFiles.Lines("contracts.md");

        // When
        var marked = lines.Select((text, i) => (text, line: i + 1))
            .Where(l => l.text.Contains("UNCONFIRMED", StringComparison.Ordinal) && !l.text.StartsWith("Every row cites", StringComparison.Ordinal))
            .Select(l => l.line)
            .ToList();

        // Then
        marked.Should().HaveCount(29, "contracts.md marks 29 facts UNCONFIRMED");
        UnconfirmedFacts.Unconfirmed.Select(f => f.Source.Line).Should().BeEquivalentTo(marked);
        UnconfirmedFacts.Unconfirmed.Should().OnlyContain(f => f.Probes.Count > 0 || f.NotProbed != null);
    }

    [Fact]
    public void Every_citation_quotes_the_line_it_names()
    {
        // Given every citation of the catalogue and the index
        var citations = ContractCatalogue.All.SelectMany(p => p.AlsoCites.Prepend(p.Source))
            .Concat(UnconfirmedFacts.Unconfirmed.Concat(UnconfirmedFacts.MockChoices).Select(f => f.Source))
            .Distinct()
            .ToList();

        // When
        var wrong = citations
            .Where(c =>
            {
                var lines = ReferenceFiles.Lines(c.Document);
                return c.Line > lines.Length || !lines[c.Line - 1].Contains(c.Quote, StringComparison.Ordinal);
            })
            .Select(c => $"{c}: \"{c.Quote}\"")
            .ToList();

        // Then
        wrong.Should().BeEmpty("a citation names the line that states the fact");
    }

    [Fact]
    public void Every_probe_the_index_names_exists_and_every_choice_probe_is_indexed()
    {
        // Given the index
        var named = UnconfirmedFacts.Unconfirmed.Concat(UnconfirmedFacts.MockChoices).SelectMany(f => f.Probes).Distinct().ToList();

        // Then
        named.Should().OnlyContain(id => ContractCatalogue.All.Any(p => p.Id == id));
        ContractCatalogue.All.Where(p => p.Kind == ProbeKind.Choice).Select(p => p.Id).Should().BeSubsetOf(named);
    }

    [Fact]
    public void Every_choice_probe_is_flipped_by_the_self_test_unless_no_lab_option_models_it()
    {
        // Given the choices and the flips
        var choices = ContractCatalogue.All.Where(p => p.Kind == ProbeKind.Choice).Select(p => p.Id).ToList();
        var flipped = LabFlips.All.Where(f => !f.IsMutation).SelectMany(f => f.Concerns).ToList();

        // Then
        flipped.Should().OnlyContain(id => choices.Contains(id));
        choices.Except(ChoicesWithoutLabOption).Should().BeEquivalentTo(flipped);
        LabFlips.All.Where(f => f.IsMutation).SelectMany(f => f.Concerns).Should().OnlyContain(id => ContractCatalogue.All.Any(p => p.Id == id && p.Kind == ProbeKind.Fact));
    }

    [Fact]
    public void Every_flip_is_a_lab_file_the_lab_accepts()
    {
        // Given the probe lab's file
        var baseline = ProbeLab.Configuration(LabTokens.Fresh());

        // When / Then
        foreach (var flip in LabFlips.All.Prepend(new LabFlip("baseline", "none", _ => { })))
        {
            var text = ProbeLab.ToText(flip.On(baseline));
            var act = () => LabConfiguration.Parse(text, flip.Name, AppContext.BaseDirectory);
            act.Should().NotThrow(flip.Name);
        }
    }

    [Fact]
    public void An_unknown_mutation_name_is_refused_naming_the_file()
    {
        // Given a lab file with a mutation that does not exist
        var lab = ProbeLab.Configuration(LabTokens.Fresh());
        lab["blynk"]!["mutations"] = new JsonArray("NoSuchMutation");

        // When
        var act = () => LabConfiguration.Parse(ProbeLab.ToText(lab), "typo-lab.json", AppContext.BaseDirectory);

        // Then
        act.Should().Throw<InvalidDataException>().WithMessage("*typo-lab.json*mutations*");
    }
}
