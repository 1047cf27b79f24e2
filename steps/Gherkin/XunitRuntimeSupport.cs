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

/// <summary>Writes Reqnroll's step trace to the current test's output, synchronously so that it lands in the right test.</summary>
public sealed class TestOutputTraceListener : ITraceListener
{
    public void WriteTestOutput(string message) => Write(message);

    public void WriteToolOutput(string message) => Write("-> " + message);

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
