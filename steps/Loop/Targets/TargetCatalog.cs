using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

namespace ParticleBlynk.Loop;

/// <summary>
/// Finds the target plug-ins a test assembly was built with and loads the one a run selects. The build writes
/// <see cref="ManifestFile"/> next to the test assembly: the path of every target assembly. Each plug-in loads into its
/// own load context with its own dependencies (the emulator target brings the mocks; the containers target
/// Testcontainers); what the test host already has — this seam above all — is shared, so types match.
/// </summary>
public sealed class TargetCatalog : IAsyncDisposable
{
    public const string ManifestFile = "loop-targets.json";

    /// <summary>The environment variable runsettings set to pick a target.</summary>
    public const string TargetVariable = "E2E_TARGET";

    public const string DefaultTarget = "emulator";

    private readonly List<ILoopTargetPlugin> _plugins;

    private TargetCatalog(List<ILoopTargetPlugin> plugins) => _plugins = plugins;

    /// <summary>The target runsettings name (E2E_TARGET), or the default.</summary>
    public static string SelectedName => Environment.GetEnvironmentVariable(TargetVariable) is { Length: > 0 } name ? name : DefaultTarget;

    public IReadOnlyList<TargetDescriptor> Targets => [.. _plugins.SelectMany(p => p.Targets)];

    /// <summary>Loads every plug-in listed in the manifest in <paramref name="directory"/>.</summary>
    public static TargetCatalog Load(string directory)
    {
        var manifest = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"No {ManifestFile} beside the tests: the build writes it from the target projects the test project lists.", manifest);
        }

        var paths = JsonSerializer.Deserialize<string[]>(File.ReadAllText(manifest)) ?? [];
        return new TargetCatalog([.. paths.Select(LoadPlugin)]);
    }

    /// <summary>Builds a catalog from plug-ins already at hand (tests, tools).</summary>
    public static TargetCatalog Of(params ILoopTargetPlugin[] plugins) => new([.. plugins]);

    /// <summary>The target called <paramref name="name"/>, or an error naming the ones there are.</summary>
    public TargetDescriptor Find(string name) =>
        Targets.FirstOrDefault(t => t.Name == name)
        ?? throw new InvalidOperationException($"Unknown target '{name}' ({TargetVariable}); known: {string.Join(", ", Targets.Select(t => t.Name))}.");

    public async ValueTask DisposeAsync()
    {
        foreach (var plugin in _plugins)
        {
            await plugin.DisposeAsync().ConfigureAwait(false);
        }

        _plugins.Clear();
    }

    private static ILoopTargetPlugin LoadPlugin(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Target plug-in {path} is missing: build the solution (the test project builds its targets).", path);
        }

        var context = new PluginLoadContext(path);
        var assembly = context.LoadFromAssemblyPath(path);
        var attribute = assembly.GetCustomAttribute<LoopTargetPluginAttribute>()
            ?? throw new InvalidOperationException($"{Path.GetFileName(path)} has no [assembly: LoopTargetPlugin(typeof(...))].");
        return Activator.CreateInstance(attribute.PluginType) as ILoopTargetPlugin
            ?? throw new InvalidOperationException($"{attribute.PluginType} is not an {nameof(ILoopTargetPlugin)} with a public parameterless constructor.");
    }

    /// <summary>A plug-in's own dependencies; anything the host can load comes from the host (shared types).</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path))
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            try
            {
                return Default.LoadFromAssemblyName(assemblyName);
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException)
            {
                return _resolver.ResolveAssemblyToPath(assemblyName) is { } own ? LoadFromAssemblyPath(own) : null;
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } own ? LoadUnmanagedDllFromPath(own) : IntPtr.Zero;
    }
}
