using System.Reflection;
using Reqnroll;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace ParticleBlynk.Gherkin;

/// <summary>Names the .feature file a runner class runs, relative to the test output folder (e.g. "features/led_echo.feature").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FeatureFileAttribute(string path) : Attribute
{
    public string Path { get; } = path;

    /// <summary>Parses the file named on <paramref name="runnerClass"/>; a missing attribute or file becomes a load error, not an exception.</summary>
    public static FeatureDocument LoadFor(Type runnerClass) =>
        runnerClass.GetCustomAttribute<FeatureFileAttribute>() is { } attribute
            ? FeatureCatalog.Load(attribute.Path)
            : FeatureCatalog.MissingAttribute(runnerClass);
}

/// <summary>
/// Base of every feature runner: one xUnit class per feature, so features run in parallel and scenarios of one feature in document order.
/// A runner is one line: <c>[FeatureFile("features/led_echo.feature")] public sealed class LedEchoFeature(FeatureFixture f) : FeatureTests(f);</c>
/// </summary>
[TestCaseOrderer(typeof(DocumentOrderTestCaseOrderer))]
public abstract class FeatureTests(FeatureFixture fixture) : IClassFixture<FeatureFixture>
{
    [Theory, FeatureScenarios]
    public Task Scenario(string id)
    {
        var feature = fixture.For(GetType());
        if (feature.Error is { } error)
        {
            throw new FeatureFileException(error.Message);
        }

        var scenario = feature.Find(id)
            ?? throw new FeatureFileException($"'{feature.RelativePath}' has no scenario #{id} any more: discover the tests again.");
        var output = TestContext.Current.TestOutputHelper;
        return KnownDefects.IsExpectedFailure(scenario.Categories)
            ? KnownDefects.RunExpectingFailureAsync(evidence => ScenarioExecutor.RunAsync(GetType().Assembly, feature, scenario, output, evidence), scenario.Categories, output)
            : ScenarioExecutor.RunAsync(GetType().Assembly, feature, scenario, output);
    }
}

/// <summary>A .feature file that cannot run: missing, unparsable, without scenarios, or no [FeatureFile] on the runner.</summary>
public sealed class FeatureFileException(string message) : XunitException(message);

/// <summary>Class fixture of a feature runner: holds the feature's one FeatureInfo and fires AfterFeature when the class is done.</summary>
public sealed class FeatureFixture : IAsyncDisposable
{
    private readonly Lock gate = new();
    private FeatureDocument? feature;
    private Assembly? testAssembly;

    public FeatureDocument For(Type runnerClass)
    {
        lock (gate)
        {
            if (feature is null)
            {
                feature = FeatureFileAttribute.LoadFor(runnerClass);
                testAssembly = runnerClass.Assembly;
            }

            return feature;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (feature?.Info is { } info && testAssembly is not null)
        {
            await TestRunnerManager.ReleaseFeatureAsync(info, testAssembly);
        }
    }
}

/// <summary>One theory row per scenario and Examples row of the runner class's feature, named and traited for the console, TRX and filters.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class FeatureScenariosAttribute : DataAttribute
{
    public const string CategoryTrait = "Category";
    public const string FeatureTrait = "Feature";

    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        var runnerClass = testMethod.ReflectedType ?? testMethod.DeclaringType!;
        return new(Rows(FeatureFileAttribute.LoadFor(runnerClass)));
    }

    public override bool SupportsDiscoveryEnumeration() => true;

    /// <summary>The rows for one feature; a feature that cannot load yields exactly one failing row.</summary>
    public static IReadOnlyCollection<ITheoryDataRow> Rows(FeatureDocument feature)
    {
        if (feature.Error is { } error)
        {
            return [new TheoryDataRow<string>(FeatureLoadError.CaseId) { TestDisplayName = $"{feature.Title}: cannot run ({error.Kind})", Label = "" }
                .WithTrait(FeatureTrait, feature.Title)];
        }

        return feature.Scenarios.Select(scenario =>
        {
            // Label "" makes xUnit show the display name alone, without "(id: "3")".
            var row = new TheoryDataRow<string>(scenario.Id) { TestDisplayName = scenario.DisplayName, Label = "", Skip = scenario.SkipReason }
                .WithTrait(FeatureTrait, feature.Title);
            foreach (var category in scenario.Categories)
            {
                row.WithTrait(CategoryTrait, category);
            }

            return (ITheoryDataRow)row;
        }).ToList();
    }
}

/// <summary>Runs a feature's scenarios in document order (Background state and the report read top to bottom).</summary>
public sealed class DocumentOrderTestCaseOrderer : ITestCaseOrderer
{
    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        testCases.OrderBy(testCase => PickleIndex(testCase)).ToList();

    private static int PickleIndex(ITestCase testCase) =>
        testCase is XunitTestCase { TestMethodArguments: [string id, ..] } && int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : -1;
}

/// <summary>
/// Assembly fixture that brackets the Reqnroll test run (BeforeTestRun/AfterTestRun, formatter flush). The test project declares
/// <c>public sealed class TestRun() : ReqnrollTestRun(typeof(TestRun).Assembly);</c> and <c>[assembly: AssemblyFixture(typeof(TestRun))]</c>.
/// </summary>
public abstract class ReqnrollTestRun(Assembly testAssembly) : IAsyncLifetime
{
    public virtual async ValueTask InitializeAsync() => await TestRunnerManager.OnTestRunStartAsync(testAssembly);

    public virtual async ValueTask DisposeAsync()
    {
        await TestRunnerManager.OnTestRunEndAsync(testAssembly);
        GC.SuppressFinalize(this);
    }
}
