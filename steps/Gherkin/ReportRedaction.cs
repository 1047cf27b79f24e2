using System.Runtime.ExceptionServices;
using Reqnroll;
using Reqnroll.Bindings;
using Reqnroll.Configuration;
using Reqnroll.EnvironmentAccess;
using Reqnroll.ErrorHandling;
using Reqnroll.Infrastructure;
using Reqnroll.Tracing;
using Xunit.Sdk;

namespace ParticleBlynk.Gherkin;

/// <summary>Masks secrets (tokens) in text the report, TRX and console would show. A scenario registers one in its container.</summary>
public interface IReportRedactor
{
    string Redact(string text);
}

/// <summary>
/// Reqnroll's binding invoker with one addition: a step's failure message passes through the scenario's
/// <see cref="IReportRedactor"/> before Reqnroll records it — in the HTML and message reports, the trace, TRX and JUnit — so
/// a token compared in an assertion (FluentAssertions prints both values) never appears in full. The failure keeps its
/// kind (an assertion stays an assertion, a harness error stays one) and its original stack trace.
/// </summary>
public sealed class RedactingBindingInvoker(
    ReqnrollConfiguration configuration, IErrorProvider errorProvider, IBindingDelegateInvoker delegateInvoker, IEnvironmentOptions environmentOptions)
    : BindingInvoker(configuration, errorProvider, delegateInvoker, environmentOptions)
{
    public override async Task<object> InvokeBindingAsync(
        IBinding binding, IContextManager contextManager, object[] arguments, ITestTracer testTracer, DurationHolder durationHolder)
    {
        try
        {
            return await base.InvokeBindingAsync(binding, contextManager, arguments, testTracer, durationHolder);
        }
        catch (Exception failure) when (binding is IStepDefinitionBinding && EvidenceOf(contextManager) is { } evidence && KnownDefects.IsAssertionFailure(failure))
        {
            // A known defect reproduced: the step passes in the report, with a note naming the defect and the assertion.
            var message = RedactorOf(contextManager)?.Redact(failure.Message) ?? failure.Message;
            var note = evidence.Record(contextManager.StepContext?.StepInfo?.Text ?? "a step", message);
            if (contextManager.ScenarioContext.ScenarioContainer.IsRegistered<IReqnrollOutputHelper>())
            {
                contextManager.ScenarioContext.ScenarioContainer.Resolve<IReqnrollOutputHelper>().WriteLine(note);
            }

            return null!;
        }
        catch (Exception failure) when (RedactorOf(contextManager) is { } redactor && Redacted(failure, redactor) is { } redacted)
        {
            throw redacted;
        }
    }

    /// <summary>The failure with its message and stack trace redacted; null when there was nothing to mask.</summary>
    public static Exception? Redacted(Exception failure, IReportRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(redactor);
        var message = redactor.Redact(failure.Message);
        var trace = redactor.Redact(failure.StackTrace ?? "");
        if (message == failure.Message && trace == (failure.StackTrace ?? ""))
        {
            return null;
        }

        Exception replacement = failure switch
        {
            SkipException => SkipException.ForSkip(message),
            XunitException => new RedactedAssertionException(message),
            _ => new RedactedFailureException($"{failure.GetType().Name}: {message}"),
        };
        return trace.Length == 0 ? replacement : ExceptionDispatchInfo.SetRemoteStackTrace(replacement, trace);
    }

    private static KnownDefectEvidence? EvidenceOf(IContextManager contextManager) =>
        contextManager.ScenarioContext?.ScenarioContainer is { } container && container.IsRegistered<KnownDefectEvidence>()
            ? container.Resolve<KnownDefectEvidence>()
            : null;

    private static IReportRedactor? RedactorOf(IContextManager contextManager) =>
        contextManager.ScenarioContext?.ScenarioContainer is { } container && container.IsRegistered<IReportRedactor>()
            ? container.Resolve<IReportRedactor>()
            : null;
}

/// <summary>A failed assertion whose message had a secret in it, masked.</summary>
public sealed class RedactedAssertionException(string message) : XunitException(message);

/// <summary>A harness failure (not an assertion) whose message had a secret in it, masked; the original type is named in the message.</summary>
public sealed class RedactedFailureException(string message) : Exception(message);
