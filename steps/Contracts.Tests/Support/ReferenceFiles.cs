namespace ParticleBlynk.Contracts.Tests.Support;

/// <summary>
/// The shared reference files the probes cite (contracts.md, particle-clients.md). They live beside the repository
/// (../shared/reference), not in it: E2E_SHARED_REFERENCE names another folder; tests that need them skip, saying so.
/// </summary>
internal static class ReferenceFiles
{
    public static string? Find(string name)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("E2E_SHARED_REFERENCE") is { Length: > 0 } folder)
        {
            candidates.Add(Path.Combine(folder, name));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "reference", name));
        }

        return candidates.FirstOrDefault(File.Exists);
    }

    public static string[] Lines(string name)
    {
        var path = Find(name);
        Assert.SkipWhen(path is null, $"{name} is not beside the repository (../shared/reference) and E2E_SHARED_REFERENCE is not set.");
        return File.ReadAllLines(path!);
    }
}
