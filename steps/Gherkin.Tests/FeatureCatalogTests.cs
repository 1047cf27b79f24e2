namespace ParticleBlynk.Gherkin.Tests;

public sealed class FeatureCatalogTests
{
    private static FeatureDocument LedEcho() => FeatureCatalog.Load("Fixtures/led_echo.feature");

    [Fact]
    public void Names_a_scenario_after_its_feature_and_title()
    {
        // Given / When
        var feature = LedEcho();

        // Then
        feature.Error.Should().BeNull();
        feature.Scenarios[0].DisplayName.Should().Be("LED echo: Boot publish");
    }

    [Fact]
    public void Makes_each_examples_row_its_own_case_named_with_its_values()
    {
        // Given / When
        var names = LedEcho().Scenarios.Select(s => s.DisplayName);

        // Then
        names.Should().Equal(
            "LED echo: Boot publish",
            "LED echo: Switch V16 [value=1, led=on]",
            "LED echo: Switch V16 [value=0, led=off]",
            "LED echo: Not yet supported");
    }

    [Fact]
    public void Maps_feature_scenario_and_examples_tags_to_categories_without_the_at_sign()
    {
        // Given / When
        var row = LedEcho().Scenarios[1];

        // Then
        row.Categories.Should().BeEquivalentTo("echo", "defect:seed-photon2-led", "fast");
        row.ScenarioTags.Should().Equal("defect:seed-photon2-led", "fast");
        row.InheritedTags.Should().Equal("echo");
    }

    [Fact]
    public void Skips_an_ignored_scenario_saying_which_file_ignores_it()
    {
        // Given / When
        var scenarios = LedEcho().Scenarios;

        // Then
        scenarios[3].SkipReason.Should().Be("Ignored: tagged @ignore in Fixtures/led_echo.feature");
        scenarios.Take(3).Should().OnlyContain(s => s.SkipReason == null);
    }

    [Fact]
    public void Includes_background_steps_and_keeps_the_written_keyword()
    {
        // Given / When
        var steps = LedEcho().Scenarios[0].Steps;

        // Then
        steps.Select(s => (s.Keyword, s.Text)).Should().Equal(
            (StepKeyword.Given, "the board is online"),
            (StepKeyword.When, "the board boots"),
            (StepKeyword.Then, "it publishes once"),
            (StepKeyword.And, "the payload has 5 fields"),
            (StepKeyword.But, "nothing is rejected"));
    }

    [Fact]
    public void Substitutes_outline_values_into_steps_and_arguments()
    {
        // Given / When
        var row = LedEcho().Scenarios[2];

        // Then
        row.Steps.Select(s => s.Text).Should().Equal("the board is online", "V16 is switched to 0", "the LED is off");
        row.Arguments["value"].Should().Be("0");
        row.Arguments["led"].Should().Be("off");
        row.Id.Should().Be("2");
    }

    [Fact]
    public void Describes_the_feature_for_reqnroll_with_its_tags_and_folder()
    {
        // Given / When
        var feature = LedEcho();

        // Then
        feature.Info!.Title.Should().Be("LED echo");
        feature.Info.Tags.Should().Equal("echo");
        feature.Info.FolderPath.Should().Be("Fixtures");
    }

    [Fact]
    public void Reports_a_syntax_error_with_the_parsers_message()
    {
        // Given / When
        var feature = FeatureCatalog.Load("Fixtures/broken.feature");

        // Then
        feature.Error!.Kind.Should().Be(FeatureLoadErrorKind.SyntaxError);
        feature.Error.Message.Should().Contain("Fixtures/broken.feature").And.Contain("(5:5): expected:");
        feature.Scenarios.Should().BeEmpty();
    }

    [Fact]
    public void Reports_a_missing_file_naming_its_path()
    {
        // Given / When
        var feature = FeatureCatalog.Load("Fixtures/no_such.feature");

        // Then
        feature.Error!.Kind.Should().Be(FeatureLoadErrorKind.FileNotFound);
        feature.Error.Message.Should().Contain("Fixtures/no_such.feature");
    }
}
