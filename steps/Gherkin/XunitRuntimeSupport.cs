using Reqnroll;
using Reqnroll.Infrastructure;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;
using Xunit;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin;

/// <summary>
/// The Reqnroll runtime plugin for this adapter. The test assembly declares
/// <c>[assembly: RuntimePlugin(typeof(ParticleBlynk.Gherkin.XunitRuntimePlugin))]</c>.
/// </summary>
public sealed class XunitRuntimePlugin : IRuntimePlugin
{
    public const string ProviderName = "particleblynk-xunit3";

    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters, UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        runtimePluginEvents.RegisterGlobalDependencies += (_, e) =>
        {
            e.ObjectContainer.RegisterTypeAs<XunitRuntimeProvider, IUnitTestRuntimeProvider>(ProviderName);
            // Step failures pass through the scenario's IReportRedactor before Reqnroll records them (tokens masked).
            e.ObjectContainer.RegisterTypeAs<RedactingBindingInvoker, Reqnroll.Bindings.IAsyncBindingInvoker>();
        };
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) =>
        {
            e.ObjectContainer.RegisterTypeAs<TestOutputTraceListener, ITraceListener>();
            // Without it every binding that injects IReqnrollOutputHelper fails (pitfall 1).
            e.ObjectContainer.RegisterTypeAs<ReqnrollAttachmentHandler, IReqnrollAttachmentHandler>();
        };
        unitTestProviderConfiguration.UseUnitTestProvider(ProviderName);
    }
}

/// <summary>Maps Reqnroll's pending, inconclusive and ignore outcomes onto xunit.v3.</summary>
public sealed class XunitRuntimeProvider : IUnitTestRuntimeProvider
{
    // xUnit has no pending or inconclusive outcome: they fail, saying so.
    public void TestPending(string message) => throw new ScenarioNotPassedException("Test pending: " + message);

    public void TestInconclusive(string message) => throw new ScenarioNotPassedException("Test inconclusive: " + message);

    public void TestIgnore(string message) => Assert.Skip(message);

    public ScenarioExecutionStatus? DetectExecutionStatus(Exception exception) =>
        exception is SkipException ? ScenarioExecutionStatus.Skipped : null;
}

/// <summary>A scenario that neither passed nor failed an assertion: pending steps, undefined steps, inconclusive.</summary>
public sealed class ScenarioNotPassedException(string message) : XunitException(message);

/// <summary>
/// Writes Reqnroll's step trace to the current test's output, synchronously so that it lands in the right test. The steps
/// of a scenario skipped on purpose (the target lacks a capability, a hook said why) read "not run: the scenario is
/// skipped", not Reqnroll's "skipped because of previous errors": there was no error.
/// </summary>
/// <remarks>The context manager is resolved when a line is written: it depends on the tracer, which depends on this listener.</remarks>
public sealed class TestOutputTraceListener(Reqnroll.BoDi.IObjectContainer container) : ITraceListener
{
    /// <summary>Reqnroll's trace line for a step after a failure — and, misleadingly, for the steps of a skipped scenario.</summary>
    public const string SkippedAfterErrors = "skipped because of previous errors";

    public const string SkippedScenario = "not run: the scenario is skipped (the reason is above)";

    public void WriteTestOutput(string message) => Write(message);

    public void WriteToolOutput(string message) =>
        Write(ToolLine(message, message == SkippedAfterErrors ? container.Resolve<IContextManager>().ScenarioContext?.ScenarioExecutionStatus : null));

    /// <summary>The line for one of Reqnroll's tool messages, given the scenario's status.</summary>
    public static string ToolLine(string message, ScenarioExecutionStatus? scenario) =>
        "-> " + (message == SkippedAfterErrors && scenario == ScenarioExecutionStatus.Skipped ? SkippedScenario : message);

    private static void Write(string message)
    {
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            output.WriteLine(message);
        }
        else
        {
            Console.WriteLine(message);
        }
    }
}
