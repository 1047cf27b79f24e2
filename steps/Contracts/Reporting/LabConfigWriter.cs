using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.Contracts.Catalogue;
using ParticleBlynk.Contracts.Running;
using ParticleBlynk.LoopHost;

namespace ParticleBlynk.Contracts.Reporting;

/// <summary>What <see cref="LabConfigWriter.Write"/> did.</summary>
public sealed record LabConfigWritten(string Path, IReadOnlyList<LabSetting> Applied, IReadOnlyList<string> Notes);

/// <summary>
/// <c>--write-lab-config &lt;file&gt;</c>: writes the lab settings that make the mock answer as the service did (the
/// <c>particle</c> options and <c>blynk.behaviour</c> switches) into a lab file — merged into it when it exists (other
/// keys kept; comments are not), a lab file of its own otherwise. The result is validated as the lab reads it.
/// </summary>
public static class LabConfigWriter
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static LabConfigWritten Write(string path, IReadOnlyList<ProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(results);
        var full = System.IO.Path.GetFullPath(path);
        var root = File.Exists(full)
            ? JsonNode.Parse(File.ReadAllText(full), documentOptions: Lenient)?.AsObject() ?? new JsonObject()
            : new JsonObject();
        var applied = new List<LabSetting>();
        var notes = new List<string>();
        foreach (var result in results.Where(r => r.Probe.Kind == ProbeKind.Choice && r.ServiceAnswer is not null))
        {
            if (result.LabSettings is not { Count: > 0 } settings)
            {
                notes.Add($"{result.Probe.Id}: \"{result.ServiceAnswer}\" — no lab option models it; the mock's code decides it");
                continue;
            }

            foreach (var setting in settings)
            {
                if (Apply(root, setting.Path.Split('.'), setting.Value))
                {
                    applied.Add(setting);
                }
                else
                {
                    notes.Add($"{result.Probe.Id}: {setting.Path} — the file has no such element (e.g. no Blynk template): set it by hand");
                }
            }
        }

        var text = root.ToJsonString(LabSetting.Readable);
        LabConfiguration.Parse(text, full, System.IO.Path.GetDirectoryName(full)!); // the lab must accept what we write
        File.WriteAllText(full, text + Environment.NewLine);
        return new LabConfigWritten(full, applied, notes);
    }

    /// <summary>Sets a dotted path ("blynk.behaviour.integerOverflow"; "templates[*]" = every element), creating objects on the way.</summary>
    private static bool Apply(JsonObject node, ReadOnlySpan<string> path, JsonNode? value)
    {
        var key = path[0];
        if (key.EndsWith("[*]", StringComparison.Ordinal))
        {
            if (node[key[..^3]] is not JsonArray array || array.Count == 0)
            {
                return false;
            }

            var any = false;
            foreach (var element in array.OfType<JsonObject>())
            {
                any |= Apply(element, path[1..], value);
            }

            return any;
        }

        if (path.Length == 1)
        {
            node[key] = value?.DeepClone();
            return true;
        }

        if (node[key] is not JsonObject child)
        {
            child = new JsonObject();
            node[key] = child;
        }

        return Apply(child, path[1..], value);
    }
}
