using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Device;
using ParticleBlynk.Emulator;
using ParticleBlynk.ParticleCloud;
using ParticleBlynk.ParticleCloud.Webhooks;

namespace ParticleBlynk.Lab;

/// <summary>One emulated board of the lab: its Particle identity, its firmware and the Blynk token compiled into it.</summary>
/// <param name="Id">24-hex Particle device id.</param>
/// <param name="Name">Particle device name.</param>
/// <param name="Platform">Board type (name or PLATFORM_ID).</param>
/// <param name="Sketch">seed (the doc's firmware, defects kept) or fixed.</param>
/// <param name="Token">The firmware's BLYNK_AUTH_TOKEN.</param>
/// <param name="Owner">Particle account the device is claimed to.</param>
public sealed record LabDevice(string Id, string Name, Platform Platform, SketchKind Sketch, string Token, string Owner);

/// <summary>
/// The standalone lab's configuration file (see README.md): <c>particle</c> (ParticleCloudOptions JSON; webhooks may be
/// read verbatim from files), <c>devices</c> (emulated boards, claimed to their owner) and <c>blynk</c> (BlynkCloudOptions JSON).
/// </summary>
public sealed record LabConfiguration(ParticleCloudOptions Particle, BlynkCloudOptions Blynk, ImmutableArray<LabDevice> Devices)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The demo lab's file as copied next to the executable.</summary>
    public static string DemoFile => Path.Combine(AppContext.BaseDirectory, "Lab", "demo-lab.json");

    /// <summary>The first account's first token (what the READY line reports).</summary>
    public string ParticleToken =>
        Particle.Accounts.SelectMany(a => a.AccessTokens).FirstOrDefault() ?? throw new InvalidDataException("The lab has no Particle access token.");

    public static LabConfiguration Load(string path)
    {
        var full = Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), Path.GetDirectoryName(full)!);
    }

    /// <summary>Reads the configuration; relative <c>integrationFile</c> paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static LabConfiguration Parse(string json, string baseDirectory)
    {
        var root = JsonNode.Parse(json, documentOptions: DocumentOptions)?.AsObject() ?? throw new InvalidDataException("The lab configuration is empty.");
        var particle = root["particle"]?.AsObject() ?? new JsonObject();
        var devices = ParseDevices(root["devices"]?.AsArray(), particle);

        // Webhooks read from files stay verbatim: they bypass the JSON round trip and are parsed from the file's text.
        var fileHooks = new List<(string? Owner, string Text)>();
        if (particle["webhooks"] is JsonArray hooks)
        {
            foreach (var hook in hooks.OfType<JsonObject>().Where(h => h.ContainsKey("integrationFile")).ToList())
            {
                var file = Path.GetFullPath(Path.Combine(baseDirectory, hook["integrationFile"]!.GetValue<string>()));
                fileHooks.Add((hook["owner"]?.GetValue<string>(), File.ReadAllText(file)));
                hooks.Remove(hook);
            }
        }

        var options = ParticleCloudOptions.FromJson(particle.ToJsonString());
        foreach (var (owner, text) in fileHooks)
        {
            var account = owner ?? options.Accounts.FirstOrDefault()?.Username
                ?? throw new InvalidDataException("A webhook needs an account to own it.");
            if (options.Accounts.All(a => a.Username != account))
            {
                throw new InvalidDataException($"Webhook owner '{account}' is not an account of the lab.");
            }

            options = options with { Webhooks = options.Webhooks.Add(new WebhookRegistration(account, WebhookDefinition.Parse(text))) };
        }

        var blynk = root["blynk"] is JsonObject b ? BlynkCloudOptions.FromJson(b.ToJsonString()) : new BlynkCloudOptions();
        BlynkCloudBuilder.Validate(blynk);
        return new LabConfiguration(options, blynk, devices);
    }

    /// <summary>Reads the emulated boards and claims each to its owner in the Particle section (so the cloud lists it before it connects).</summary>
    private static ImmutableArray<LabDevice> ParseDevices(JsonArray? devices, JsonObject particle)
    {
        if (devices is null)
        {
            return [];
        }

        var accounts = particle["accounts"] as JsonArray ?? [];
        particle["accounts"] = accounts;
        var result = ImmutableArray.CreateBuilder<LabDevice>();
        foreach (var node in devices)
        {
            var d = node?.AsObject() ?? throw new InvalidDataException("A device entry is empty.");
            string Required(string key) => d[key]?.GetValue<string>() ?? throw new InvalidDataException($"A device needs \"{key}\".");
            var platformNode = d["platform"] ?? throw new InvalidDataException("A device needs \"platform\".");
            var platform = platformNode.GetValueKind() == JsonValueKind.Number ? Platforms.ById(platformNode.GetValue<int>()) : Platforms.Parse(platformNode.GetValue<string>());
            var sketch = d["sketch"]?.GetValue<string>() is { } s ? Enum.Parse<SketchKind>(s, ignoreCase: true) : SketchKind.Seed;
            var owner = d["owner"]?.GetValue<string>()
                ?? accounts.FirstOrDefault()?["username"]?.GetValue<string>()
                ?? throw new InvalidDataException("A device needs an owner: add a Particle account.");
            var device = new LabDevice(Required("id"), Required("name"), platform, sketch, Required("token"), owner);
            result.Add(device);

            var account = accounts.OfType<JsonObject>().FirstOrDefault(a => a["username"]?.GetValue<string>() == owner);
            if (account is null)
            {
                throw new InvalidDataException($"Device {device.Id}: owner '{owner}' is not a Particle account of the lab.");
            }

            var claimed = account["devices"] as JsonArray ?? [];
            account["devices"] = claimed;
            claimed.Add(new JsonObject
            {
                ["id"] = device.Id,
                ["name"] = device.Name,
                ["platform"] = platform.Id,
                ["productId"] = d["productId"]?.GetValue<int>() ?? platform.Id,
            });
        }

        return result.ToImmutable();
    }
}
