using ParticleBlynk.Gherkin;
using Reqnroll.Plugins;

[assembly: RuntimePlugin(typeof(XunitRuntimePlugin))]
[assembly: AssemblyFixture(typeof(ParticleBlynk.Gherkin.Tests.AdapterTestRun))]

namespace ParticleBlynk.Gherkin.Tests;

public sealed class AdapterTestRun() : ReqnrollTestRun(typeof(AdapterTestRun).Assembly);
