using System.Collections.Specialized;
using System.Globalization;
using Gherkin;
using Gherkin.CucumberMessages;
using Gherkin.CucumberMessages.Pickles;
using Io.Cucumber.Messages.Types;
using Reqnroll;
using Reqnroll.Formatters.RuntimeSupport;
using ReqnrollTable = Reqnroll.Table;
using StepKeywordType = Io.Cucumber.Messages.Types.StepKeywordType;

namespace ParticleBlynk.Gherkin;

/// <summary>Parses .feature files with the Gherkin parser bundled with Reqnroll into test cases; never throws for a bad file.</summary>
public static class FeatureCatalog
{
    /// <summary>Loads <paramref name="relativePath"/> (relative to <paramref name="baseDirectory"/>, default the test output folder).</summary>
    public static FeatureDocument Load(string relativePath, string? baseDirectory = null)
    {
        var uri = relativePath.Replace('\\', '/');
        var fullPath = Path.GetFullPath(Path.Combine(baseDirectory ?? AppContext.BaseDirectory, relativePath));
        if (!File.Exists(fullPath))
        {
            return Failed(uri, FeatureLoadErrorKind.FileNotFound,
                $"Feature file '{uri}' does not exist (looked for '{fullPath}'). Is it linked into the test project with CopyToOutputDirectory?");
        }

        var text = File.ReadAllText(fullPath);
        global::Gherkin.Ast.GherkinDocument ast;
        try
        {
            ast = new Parser().Parse(new StringReader(text));
        }
        catch (ParserException e)
        {
            return Failed(uri, FeatureLoadErrorKind.SyntaxError, $"Gherkin syntax error in '{uri}': {e.Message}");
        }

        if (ast.Feature is null)
        {
            return Failed(uri, FeatureLoadErrorKind.NoScenarios, $"Feature file '{uri}' has no 'Feature:'.");
        }

        // One id generator for document and pickles so the pickles' AstNodeIds point into this document; GUIDs keep ids unique across features.
        var ids = new GuidIdGenerator();
        var document = new AstMessagesConverter(ids).ConvertGherkinDocumentToEventArgs(ast, uri);
        var pickles = new PickleCompiler(ids).Compile(document);
        var feature = document.Feature;
        var featureTags = TagNames(feature.Tags);

        var info = new FeatureInfo(
            FeatureLanguage(feature.Language),
            Path.GetDirectoryName(uri)?.Replace('\\', '/') ?? string.Empty,
            feature.Name,
            feature.Description ?? string.Empty,
            ProgrammingLanguage.CSharp,
            featureTags,
            new FeatureLevelMessages(new Source(uri, text, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN), document, pickles));

        var index = new AstIndex(feature);
        var scenarios = pickles.Select((pickle, i) => ToCase(i, pickle, uri, feature.Name, featureTags, index)).ToList();
        if (scenarios.Count == 0)
        {
            return Failed(uri, FeatureLoadErrorKind.NoScenarios, $"Feature '{feature.Name}' in '{uri}' has no scenarios.", feature.Name);
        }

        return new FeatureDocument(uri, feature.Name, info, scenarios, error: null);
    }

    private static FeatureDocument Failed(string uri, FeatureLoadErrorKind kind, string message, string? title = null) =>
        new(uri, title ?? uri, info: null, [], new FeatureLoadError(kind, message));

    internal static FeatureDocument MissingAttribute(Type runnerClass) =>
        Failed(runnerClass.FullName ?? runnerClass.Name, FeatureLoadErrorKind.NoFeatureFileAttribute,
            $"Runner class '{runnerClass.FullName}' has no [FeatureFile(\"features/….feature\")] attribute.");

    private static ScenarioCase ToCase(int pickleIndex, Pickle pickle, string uri, string featureTitle, string[] featureTags, AstIndex index)
    {
        var (scenario, rule) = index.Scenarios[pickle.AstNodeIds[0]];
        var ruleTags = rule is null ? [] : TagNames(rule.Tags);
        var inheritedTags = rule is null ? featureTags : TagHelper.CombineTags(featureTags, ruleTags) ?? featureTags;

        var arguments = new OrderedDictionary();
        string[] exampleTags = [];
        if (pickle.AstNodeIds.Count > 1)
        {
            var (examples, row) = index.ExampleRows[pickle.AstNodeIds[1]];
            exampleTags = TagNames(examples.Tags);
            var header = examples.TableHeader!.Cells;
            for (var c = 0; c < header.Count; c++)
            {
                arguments[header[c].Value] = row.Cells[c].Value;
            }
        }

        var scenarioTags = TagNames(scenario.Tags).Concat(exampleTags).ToArray();
        var categories = pickle.Tags.Select(t => t.Name.TrimStart('@')).Distinct().ToList();
        var steps = pickle.Steps.Select(s => ToStep(s, index.Steps[s.AstNodeIds[0]])).ToList();

        var suffix = arguments.Count == 0
            ? string.Empty
            : " [" + string.Join(", ", arguments.Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")) + "]";
        var ignored = TagHelper.ContainsIgnoreTag(scenarioTags) || TagHelper.ContainsIgnoreTag(inheritedTags);

        return new ScenarioCase(
            pickleIndex.ToString(CultureInfo.InvariantCulture),
            $"{featureTitle}: {pickle.Name}{suffix}",
            pickle.Name,
            scenario.Description ?? string.Empty,
            scenarioTags,
            inheritedTags,
            categories,
            arguments,
            rule is null ? null : new RuleInfo(rule.Name, rule.Description ?? string.Empty, ruleTags),
            steps,
            ignored ? $"Ignored: tagged @ignore in {uri}" : null);
    }

    private static ScenarioStep ToStep(PickleStep pickleStep, Step astStep)
    {
        // The pickle's own step type turns And/But into the previous type; Reqnroll needs the written keyword for its Given/When/Then blocks.
        var keyword = astStep.KeywordType switch
        {
            StepKeywordType.CONTEXT => StepKeyword.Given,
            StepKeywordType.ACTION => StepKeyword.When,
            StepKeywordType.OUTCOME => StepKeyword.Then,
            StepKeywordType.CONJUNCTION when astStep.Keyword.Trim().Equals("But", StringComparison.OrdinalIgnoreCase) => StepKeyword.But,
            _ => StepKeyword.And,
        };

        ReqnrollTable? table = null;
        if (pickleStep.Argument?.DataTable is { } dataTable && dataTable.Rows.Count > 0)
        {
            table = new ReqnrollTable(dataTable.Rows[0].Cells.Select(c => c.Value).ToArray());
            foreach (var row in dataTable.Rows.Skip(1))
            {
                table.AddRow(row.Cells.Select(c => c.Value).ToArray());
            }
        }

        return new ScenarioStep(keyword, astStep.Keyword, pickleStep.Text, pickleStep.Argument?.DocString?.Content, table);
    }

    private static string[] TagNames(IEnumerable<Tag>? tags) => tags?.Select(t => t.Name.TrimStart('@')).ToArray() ?? [];

    private static CultureInfo FeatureLanguage(string? language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(string.IsNullOrEmpty(language) ? "en" : language);
        }
        catch (CultureNotFoundException)
        {
            // InvariantGlobalization (Directory.Build.props) knows no named cultures; only the Gherkin dialect matters here.
            return CultureInfo.InvariantCulture;
        }
    }

    /// <summary>Lookups from the messages document's node ids (which pickles refer to) to the AST nodes.</summary>
    private sealed class AstIndex
    {
        public Dictionary<string, (Scenario Scenario, Rule? Rule)> Scenarios { get; } = [];
        public Dictionary<string, (Examples Examples, TableRow Row)> ExampleRows { get; } = [];
        public Dictionary<string, Step> Steps { get; } = [];

        public AstIndex(Feature feature)
        {
            foreach (var child in feature.Children)
            {
                Add(child.Background, child.Scenario, rule: null);
                if (child.Rule is { } rule)
                {
                    foreach (var ruleChild in rule.Children)
                    {
                        Add(ruleChild.Background, ruleChild.Scenario, rule);
                    }
                }
            }
        }

        private void Add(Background? background, Scenario? scenario, Rule? rule)
        {
            foreach (var step in background?.Steps ?? [])
            {
                Steps[step.Id] = step;
            }

            if (scenario is null)
            {
                return;
            }

            Scenarios[scenario.Id] = (scenario, rule);
            foreach (var step in scenario.Steps)
            {
                Steps[step.Id] = step;
            }

            foreach (var examples in scenario.Examples)
            {
                foreach (var row in examples.TableBody)
                {
                    ExampleRows[row.Id] = (examples, row);
                }
            }
        }
    }

    /// <summary>What the generator would embed as the feature's .ndjson resource, so the HTML and message formatters work.</summary>
    private sealed class FeatureLevelMessages(Source source, GherkinDocument document, IEnumerable<Pickle> pickles) : IFeatureLevelCucumberMessages
    {
        public bool HasMessages => true;
        public Source Source => source;
        public GherkinDocument GherkinDocument => document;
        public IEnumerable<Pickle> Pickles => pickles;
    }
}
