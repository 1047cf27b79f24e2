using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ParticleBlynk.Gherkin;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

/// <summary>
/// docs/steps.md: every step phrasing of the bindings ([Given]/[When]/[Then] of this assembly, found by reflection), each
/// with an example from the first feature file that uses it (or a note that none does). Rewritten by
/// scripts/steps-glossary.sh; <see cref="StepGlossaryTests"/> fails when it is stale.
/// </summary>
public static class StepGlossary
{
    public const string RegenerateCommand = "bash scripts/steps-glossary.sh";

    /// <summary>One phrasing: its keyword, the expression as written, the binding, the example step and its file.</summary>
    public sealed record Entry(string Keyword, string Expression, string Binding, string? Example, string? ExampleFile);

    /// <summary>The glossary's Markdown.</summary>
    public static string Render(Assembly steps, string outputFolder, string featuresRoot = "features")
    {
        var entries = Entries(steps, Examples(outputFolder, featuresRoot));
        var text = new StringBuilder();
        text.Append("# Step glossary\n\n")
            .Append("Every step phrasing the acceptance suite understands, by step class (`steps/Acceptance/Steps/`), with an example\n")
            .Append("taken from a feature file that uses it. Generated from the bindings: do not edit; run `")
            .Append(RegenerateCommand).Append("`\n")
            .Append("(`StepGlossaryTests` fails when this file is stale). `{int}`, `{long}`, `{double}`, `{word}` and `{string}` are\n")
            .Append("Cucumber expression parameters (a `{string}` is quoted); `(s)` is optional text; `a/b` is either word; a phrasing\n")
            .Append("that starts with `^` is a regular expression. A step that needs a capability guards it: the scenario must carry\n")
            .Append("its `@needs:` tag (README, Targets).\n");
        foreach (var group in entries.GroupBy(e => e.Binding[..e.Binding.IndexOf('.', StringComparison.Ordinal)]))
        {
            text.Append("\n## ").Append(group.Key).Append("\n\n");
            foreach (var entry in group)
            {
                text.Append("- **").Append(entry.Keyword).Append("** `").Append(entry.Expression).Append("`\n");
                text.Append(entry.Example is null
                    ? "  — no scenario uses it yet\n"
                    : $"  — e.g. `{entry.Example}` ({entry.ExampleFile})\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Every phrasing, in declaration order of the step classes (by name) and their methods.</summary>
    public static IReadOnlyList<Entry> Entries(Assembly steps, IReadOnlyList<(string Keyword, string Text, string File)> examples) =>
        [.. steps.GetTypes()
            .Where(t => t.GetCustomAttribute<BindingAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(m => m.MetadataToken))
            .SelectMany(m => m.GetCustomAttributes<StepDefinitionBaseAttribute>().Select(a =>
            {
                var keyword = a switch { GivenAttribute => "Given", WhenAttribute => "When", ThenAttribute => "Then", _ => "Step" };
                var pattern = ToRegex(a.Expression);
                var example = examples.FirstOrDefault(x => (keyword == "Step" || x.Keyword == keyword) && pattern.IsMatch(x.Text));
                return new Entry(keyword, a.Expression, $"{m.DeclaringType!.Name}.{m.Name}", example.Text is null ? null : $"{example.Keyword} {example.Text}", example.File);
            }))];

    /// <summary>Every step of every scenario case, with its effective keyword (And/But take the one before), files in path order.</summary>
    public static IReadOnlyList<(string Keyword, string Text, string File)> Examples(string outputFolder, string featuresRoot)
    {
        var examples = new List<(string, string, string)>();
        foreach (var file in Directory.GetFiles(Path.Combine(outputFolder, featuresRoot), "*.feature", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(outputFolder, f).Replace('\\', '/'))
                     .Order(StringComparer.Ordinal))
        {
            foreach (var scenario in FeatureCatalog.Load(file, outputFolder).Scenarios)
            {
                var keyword = "Given";
                foreach (var step in scenario.Steps)
                {
                    keyword = step.Keyword switch { StepKeyword.Given => "Given", StepKeyword.When => "When", StepKeyword.Then => "Then", _ => keyword };
                    examples.Add((keyword, step.Text, file));
                }
            }
        }

        return examples;
    }

    /// <summary>
    /// The regex a step expression matches with: a regular expression as it is (it starts with ^ or ends with $), else
    /// the Cucumber expression translated — parameters, optional text "(s)", alternatives "a/b", "\(" escapes.
    /// </summary>
    public static Regex ToRegex(string expression)
    {
        if (expression.StartsWith('^') || expression.EndsWith('$'))
        {
            return new Regex(expression, RegexOptions.CultureInvariant);
        }

        var words = expression.Split(' ').Select(word =>
        {
            var alternatives = SplitUnescaped(word, '/');
            return alternatives.Count == 1 ? Translate(word) : "(?:" + string.Join('|', alternatives.Select(Translate)) + ")";
        });
        return new Regex("^" + string.Join(' ', words) + "$", RegexOptions.CultureInvariant);
    }

    private static List<string> SplitUnescaped(string word, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c == '\\' && i + 1 < word.Length)
            {
                current.Append(c).Append(word[++i]);
                continue;
            }

            depth += c is '{' or '(' ? 1 : c is '}' or ')' ? -1 : 0;
            if (c == separator && depth == 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Translate(string text)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                regex.Append(Regex.Escape(text[++i].ToString()));
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i);
                regex.Append(Parameter(text[(i + 1)..end]));
                i = end;
            }
            else if (c == '(')
            {
                var end = text.IndexOf(')', i);
                regex.Append("(?:").Append(Translate(text[(i + 1)..end])).Append(")?");
                i = end;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.ToString();
    }

    private static string Parameter(string name) => name switch
    {
        "int" or "long" or "byte" or "short" or "biginteger" => @"-?\d+",
        "double" or "float" or "decimal" or "bigdecimal" => @"-?\d*[.,]?\d+",
        "word" => @"\S+",
        "string" => "(?:\"[^\"]*\"|'[^']*')",
        "" => ".*",
        _ => throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"The glossary does not know the parameter type {{{name}}}.")),
    };
}
