using Xunit.Sdk;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class FeatureScenariosAttributeTests
{
    private static async Task<IReadOnlyList<ITheoryDataRow>> RowsFor<TProbe>()
    {
        var method = typeof(TProbe).GetMethod("Scenario")!;
        return [.. await new FeatureScenariosAttribute().GetData(method, new DisposalTracker())];
    }

    [Fact]
    public async Task Gives_each_case_its_display_name_alone()
    {
        // Given / When
        var rows = await RowsFor<LedEchoProbe>();

        // Then
        rows.Select(r => r.TestDisplayName).Should().Contain("LED echo: Switch V16 [value=1, led=on]");
        rows.Should().OnlyContain(r => r.Label == "");
        rows.Select(r => r.GetData()[0]).Should().Equal("0", "1", "2", "3");
    }

    [Fact]
    public async Task Turns_tags_into_category_traits_and_adds_the_feature_trait()
    {
        // Given / When
        var row = (await RowsFor<LedEchoProbe>())[1];

        // Then
        row.Traits!["Category"].Should().BeEquivalentTo("echo", "defect:seed-photon2-led", "fast");
        row.Traits["Feature"].Should().BeEquivalentTo("LED echo");
    }

    [Fact]
    public async Task Skips_the_ignored_scenario_with_its_reason()
    {
        // Given / When
        var rows = await RowsFor<LedEchoProbe>();

        // Then
        rows.Select(r => r.Skip).Should().Equal(null, null, null, "Ignored: tagged @ignore in Fixtures/led_echo.feature");
    }

    [Fact]
    public async Task Turns_a_syntax_error_into_exactly_one_case()
    {
        // Given / When
        var rows = await RowsFor<BrokenProbe>();

        // Then
        rows.Should().ContainSingle().Which.GetData().Should().Equal(FeatureLoadError.CaseId);
        rows[0].Skip.Should().BeNull();
    }

    [Fact]
    public async Task Turns_a_missing_file_into_exactly_one_case()
    {
        // Given / When
        var rows = await RowsFor<MissingFileProbe>();

        // Then
        rows.Should().ContainSingle().Which.TestDisplayName.Should().Contain("Fixtures/no_such.feature");
    }
}
