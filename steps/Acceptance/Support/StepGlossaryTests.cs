namespace ParticleBlynk.Acceptance.Support;

/// <summary>docs/steps.md is the glossary the bindings and the feature files make today.</summary>
public sealed class StepGlossaryTests
{
    /// <summary>Set by scripts/steps-glossary.sh: the test writes docs/steps.md instead of comparing.</summary>
    private const string WriteVariable = "E2E_WRITE_STEPS_GLOSSARY";

    [Fact(DisplayName = "docs/steps.md lists every step phrasing of the bindings with an example (regenerate: bash scripts/steps-glossary.sh)")]
    public void The_step_glossary_is_current()
    {
        // Given the bindings of this assembly and the feature files copied to the output folder
        var path = Path.Combine(RepositoryRoot(), "docs", "steps.md");

        // When
        var generated = StepGlossary.Render(typeof(StepGlossaryTests).Assembly, AppContext.BaseDirectory);

        // Then
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(path, generated);
            return;
        }

        var current = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        current.Should().Be(generated, $"docs/steps.md must match the step bindings and feature files: it is stale — run `{StepGlossary.RegenerateCommand}` to regenerate it");
    }

    [Fact(DisplayName = "The glossary reads Cucumber expressions as Reqnroll does")]
    public void Cucumber_expressions_translate()
    {
        // Given / When / Then
        StepGlossary.ToRegex("{int} webhook call(s) was/were rejected by Blynk").IsMatch("1 webhook call was rejected by Blynk").Should().BeTrue();
        StepGlossary.ToRegex("{int} webhook call(s) was/were rejected by Blynk").IsMatch("2 webhook calls were rejected by Blynk").Should().BeTrue();
        StepGlossary.ToRegex("Blynk V14 holds the millis\\() of the last publish").IsMatch("Blynk V14 holds the millis() of the last publish").Should().BeTrue();
        StepGlossary.ToRegex("Blynk {word} is {string}").IsMatch("Blynk V15 is \"3.14159\"").Should().BeTrue();
        StepGlossary.ToRegex("Blynk {word} is {int}").IsMatch("Blynk V15 is \"3.14159\"").Should().BeFalse();
        StepGlossary.ToRegex("{int} second(s) pass(es)").IsMatch("300.01 seconds pass").Should().BeFalse();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "E2E.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (E2E.sln) is not above " + AppContext.BaseDirectory);
    }
}
