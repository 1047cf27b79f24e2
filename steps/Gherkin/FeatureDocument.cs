using System.Collections.Specialized;
using Reqnroll;

namespace ParticleBlynk.Gherkin;

/// <summary>One parsed .feature file: its Reqnroll <see cref="FeatureInfo"/> and one <see cref="ScenarioCase"/> per pickle.</summary>
public sealed class FeatureDocument
{
    internal FeatureDocument(string relativePath, string title, FeatureInfo? info, IReadOnlyList<ScenarioCase> scenarios, FeatureLoadError? error)
    {
        RelativePath = relativePath;
        Title = title;
        Info = info;
        Scenarios = scenarios;
        Error = error;
    }

    /// <summary>Path relative to the test output folder, with forward slashes (also the report's source URI).</summary>
    public string RelativePath { get; }

    public string Title { get; }

    /// <summary>The one FeatureInfo used for every scenario of this feature (Reqnroll matches runners by reference).</summary>
    public FeatureInfo? Info { get; }

    public IReadOnlyList<ScenarioCase> Scenarios { get; }

    /// <summary>Why the file yields no runnable scenarios; it then yields one failing case instead.</summary>
    public FeatureLoadError? Error { get; }

    public ScenarioCase? Find(string id) => Scenarios.FirstOrDefault(s => s.Id == id);
}

public enum FeatureLoadErrorKind
{
    NoFeatureFileAttribute,
    FileNotFound,
    SyntaxError,
    NoScenarios,
}

public sealed record FeatureLoadError(FeatureLoadErrorKind Kind, string Message)
{
    /// <summary>The theory argument of the single failing case that stands for this error.</summary>
    public const string CaseId = "!feature-file";
}

/// <summary>One xUnit test case: a Scenario, or one Examples row of a Scenario Outline.</summary>
public sealed class ScenarioCase
{
    internal ScenarioCase(
        string id,
        string displayName,
        string title,
        string description,
        string[] scenarioTags,
        string[] inheritedTags,
        IReadOnlyList<string> categories,
        OrderedDictionary arguments,
        RuleInfo? rule,
        IReadOnlyList<ScenarioStep> steps,
        string? skipReason)
    {
        Id = id;
        DisplayName = displayName;
        Title = title;
        Description = description;
        ScenarioTags = scenarioTags;
        InheritedTags = inheritedTags;
        Categories = categories;
        Arguments = arguments;
        Rule = rule;
        Steps = steps;
        SkipReason = skipReason;
    }

    /// <summary>The pickle index as a string: the theory argument and Reqnroll's pickleIndex.</summary>
    public string Id { get; }

    /// <summary><c>Feature title: Scenario title [header=value, ...]</c>.</summary>
    public string DisplayName { get; }

    public string Title { get; }

    public string Description { get; }

    /// <summary>Scenario tags plus Examples tags, without '@' (Reqnroll's ScenarioInfo.Tags).</summary>
    public string[] ScenarioTags { get; }

    /// <summary>Feature tags, plus Rule tags inside a Rule, without '@'.</summary>
    public string[] InheritedTags { get; }

    /// <summary>Every tag that applies, without '@', in document order: the Category traits.</summary>
    public IReadOnlyList<string> Categories { get; }

    public OrderedDictionary Arguments { get; }

    public RuleInfo? Rule { get; }

    /// <summary>Background, Rule Background and scenario steps, outline values already substituted.</summary>
    public IReadOnlyList<ScenarioStep> Steps { get; }

    /// <summary>Non-null when the scenario is tagged @ignore.</summary>
    public string? SkipReason { get; }

    public override string ToString() => DisplayName;
}

public enum StepKeyword
{
    Given,
    When,
    Then,
    And,
    But,
}

/// <summary>A step as the generated code would call it: keyword from the AST, text and arguments from the pickle.</summary>
public sealed record ScenarioStep(StepKeyword Keyword, string KeywordText, string Text, string? DocString, Table? Table);
