using ParticleBlynk.Gherkin;
using Reqnroll.Plugins;

// Reqnroll always loads the test assembly's own RuntimePlugin attributes: this is what registers the xunit.v3 provider.
[assembly: RuntimePlugin(typeof(XunitRuntimePlugin))]
[assembly: AssemblyFixture(typeof(ParticleBlynk.Acceptance.Support.AcceptanceTestRun))]

namespace ParticleBlynk.Acceptance.Support;

/// <summary>BeforeTestRun/AfterTestRun hooks and the report flush happen once around the whole run.</summary>
public sealed class AcceptanceTestRun() : ReqnrollTestRun(typeof(AcceptanceTestRun).Assembly);
