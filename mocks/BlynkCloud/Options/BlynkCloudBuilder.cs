using System.Text.RegularExpressions;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// Immutable fluent builder of <see cref="BlynkCloudOptions"/> (the same shape as the Particle mock's): every With…
/// returns a new builder; <see cref="Build"/> validates; <see cref="StartAsync"/> builds and starts the mock.
/// </summary>
public sealed partial record BlynkCloudBuilder
{
    /// <summary>The Blueprint's template id (P-BLYNK "Connect a Particle Device").</summary>
    public const string SeedTemplateId = "TMPL4ej7--Xu_";

    public const string SeedTemplateName = "ParticleDeviceBlueprint";

    public BlynkCloudBuilder()
        : this(new BlynkCloudOptions())
    {
    }

    public BlynkCloudBuilder(BlynkCloudOptions options) => Options = options;

    public BlynkCloudOptions Options { get; private init; }

    /// <summary>The Blueprint's datastreams (MK-IG (20).png, contracts.md §0).</summary>
    public static TemplateOptions SeedTemplate() => new()
    {
        Id = SeedTemplateId,
        Name = SeedTemplateName,
        Datastreams =
        [
            new() { Pin = "V6", Name = "last_publish", Type = DatastreamType.String, IsRaw = false },
            new() { Pin = "V14", Name = "millis", Type = DatastreamType.Integer, Min = 0, Max = 2147483647, DefaultValue = "0", IsRaw = true },
            new() { Pin = "V15", Name = "sensor", Type = DatastreamType.Double, Min = 0, Max = 3.3, Decimals = "#.##", IsRaw = true },
            new() { Pin = "V16", Name = "switch", Type = DatastreamType.Integer, Min = 0, Max = 1, DefaultValue = "0", IsRaw = true },
            new() { Pin = "V17", Name = "led", Type = DatastreamType.Integer, Min = 0, Max = 1, DefaultValue = "0", IsRaw = true },
        ],
    };

    /// <summary>The Blueprint's Blynk webhook (MK-BP (11).png): POST blynk_led with {"args":"{device_pinValue}"} on V16.</summary>
    public static WebhookOptions SeedWebhook(int blynkDeviceId, string particleDeviceId, string particleAccessToken) => new()
    {
        Name = "particle blynk_led",
        Url = $"https://api.particle.io/v1/devices/{particleDeviceId}/blynk_led",
        DeviceId = blynkDeviceId,
        Pin = "V16",
        Method = WebhookMethod.Post,
        ContentType = WebhookContentType.CustomJson,
        Body = """{"args":"{device_pinValue}"}""",
        Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + particleAccessToken },
        FailureNotificationThreshold = 10,
    };

    public BlynkCloudBuilder WithTemplate(TemplateOptions template) =>
        this with { Options = Options with { Templates = [.. Options.Templates.Where(t => t.Id != template.Id), template] } };

    public BlynkCloudBuilder WithDevice(DeviceOptions device) =>
        this with { Options = Options with { Devices = [.. Options.Devices.Where(d => d.Id != device.Id), device] } };

    /// <summary>Adds a device by token, name and region; its id is the next free one.</summary>
    public BlynkCloudBuilder WithDevice(string token, string name, string templateId = SeedTemplateId, string regionHost = BlynkRegions.Ny3) =>
        WithDevice(new DeviceOptions
        {
            Id = Options.Devices.Count == 0 ? 1 : Options.Devices.Max(d => d.Id) + 1,
            Token = token,
            Name = name,
            TemplateId = templateId,
            RegionHost = regionHost,
        });

    public BlynkCloudBuilder WithWebhook(WebhookOptions webhook) =>
        this with { Options = Options with { Webhooks = [.. Options.Webhooks.Where(w => w.Name != webhook.Name), webhook] } };

    /// <summary>The seed integration: the Blueprint template, one device and the V16 webhook to the Particle function.</summary>
    public BlynkCloudBuilder WithSeedIntegration(
        string blynkToken,
        string particleDeviceId,
        string particleAccessToken,
        string regionHost = BlynkRegions.Ny3,
        string deviceName = "Boron")
    {
        var withDevice = WithTemplate(SeedTemplate()).WithDevice(blynkToken, deviceName, SeedTemplateId, regionHost);
        var id = withDevice.Options.Devices.Single(d => d.Token == blynkToken).Id;
        return withDevice.WithWebhook(SeedWebhook(id, particleDeviceId, particleAccessToken));
    }

    public BlynkCloudBuilder WithQuota(WebhookQuotaPolicy quota) => this with { Options = Options with { Quota = quota } };

    /// <summary>What the mock accepts and keeps (body limit, request log, histories, logged events, properties).</summary>
    public BlynkCloudBuilder WithLimits(BlynkLimits limits) => this with { Options = Options with { Limits = limits } };

    public BlynkCloudBuilder WithBehaviour(Func<BlynkBehaviour, BlynkBehaviour> change) =>
        this with { Options = Options with { Behaviour = change(Options.Behaviour) } };

    /// <summary>Turns the template setting "Log when device reports any data" on or off.</summary>
    public BlynkCloudBuilder WithLogWhenDeviceReportsAnyData(string templateId, bool on = true, TimeSpan? waitPeriod = null)
    {
        var template = Options.Templates.Single(t => t.Id == templateId);
        return WithTemplate(template with { LogWhenDeviceReportsAnyData = on, OfflineWaitPeriod = waitPeriod ?? template.OfflineWaitPeriod });
    }

    /// <summary>Validates and returns the options.</summary>
    public BlynkCloudOptions Build()
    {
        Validate(Options);
        return Options;
    }

    /// <summary>Builds and starts the mock on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public Task<BlynkCloud> StartAsync(HarnessServices services, int port = 0) => BlynkCloud.StartAsync(Build(), services, port);

    public static void Validate(BlynkCloudOptions options)
    {
        var errors = new List<string>();
        foreach (var t in options.Templates)
        {
            if (!TemplateIdPattern().IsMatch(t.Id))
            {
                errors.Add($"Template id '{t.Id}' is not TMPL + 9 chars.");
            }

            foreach (var d in t.Datastreams)
            {
                if (!BlynkPins.TryParse(d.Pin, out _))
                {
                    errors.Add($"Template {t.Id}: pin '{d.Pin}' is not V0…V255.");
                }
                else if (d.Min > d.Max)
                {
                    errors.Add($"Template {t.Id} {d.Pin}: min > max.");
                }
            }

            var dup = t.Datastreams.Where(d => BlynkPins.TryParse(d.Pin, out _)).GroupBy(d => d.PinNumber).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null)
            {
                errors.Add($"Template {t.Id}: pin V{dup.Key} defined twice.");
            }
        }

        if (options.Behaviour.WebhookDispatchDelay < TimeSpan.Zero)
        {
            errors.Add($"Behaviour.WebhookDispatchDelay is negative ({options.Behaviour.WebhookDispatchDelay}).");
        }

        foreach (var d in options.Devices)
        {
            if (!TokenPattern().IsMatch(d.Token))
            {
                errors.Add($"Device {d.Id}: token must be 32 chars of [A-Za-z0-9_-].");
            }

            if (options.Templates.All(t => t.Id != d.TemplateId))
            {
                errors.Add($"Device {d.Id}: unknown template '{d.TemplateId}'.");
            }

            if (!BlynkRegions.IsRegionHost(d.RegionHost))
            {
                errors.Add($"Device {d.Id}: '{d.RegionHost}' is not a Blynk region server ({string.Join(", ", BlynkRegions.RegionHosts)}).");
            }
        }

        errors.AddRange(options.Devices.GroupBy(d => d.Token).Where(g => g.Count() > 1).Select(g => $"Token {g.Key} used twice."));
        errors.AddRange(options.Devices.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => $"Device id {g.Key} used twice."));

        foreach (var w in options.Webhooks)
        {
            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || w.Url.Length > 1024)
            {
                errors.Add($"Webhook '{w.Name}': URL must be an https:// link of at most 1024 chars.");
            }

            if (!BlynkPins.TryParse(w.Pin, out _))
            {
                errors.Add($"Webhook '{w.Name}': pin '{w.Pin}' is not V0…V255.");
            }

            if (w.DeviceId is { } id && options.Devices.All(d => d.Id != id))
            {
                errors.Add($"Webhook '{w.Name}': unknown device {id}.");
            }

            if (w.DeviceId is null && options.Templates.All(t => t.Id != w.TemplateId))
            {
                errors.Add($"Webhook '{w.Name}': needs a device id or a known template id.");
            }

            if (w.Name.Length > 80 || w.FailureNotificationThreshold < 1)
            {
                errors.Add($"Webhook '{w.Name}': name over 80 chars or failure threshold below 1.");
            }
        }

        if (options.Quota.Requests < 1 || options.Quota.Window <= TimeSpan.Zero)
        {
            errors.Add("Quota must allow at least 1 request in a positive window.");
        }

        if (options.Behaviour.GeoDnsRegion is { } geo && !BlynkRegions.IsRegionHost(geo))
        {
            errors.Add($"GeoDnsRegion '{geo}' is not a region server.");
        }

        var limits = options.Limits;
        if (limits.MaxRequestBodyBytes < 1 || limits.RequestLogEntries < 0 || limits.LoggedBodyBytes < 0 || limits.WireMockLogEntries < 0 || limits.HistoryPoints < 1
            || limits.LoggedEvents < 1 || limits.PropertiesPerDatastream < 1)
        {
            errors.Add("Limits: maxRequestBodyBytes, historyPoints, loggedEvents and propertiesPerDatastream must be at least 1; requestLogEntries, loggedBodyBytes and wireMockLogEntries at least 0.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Blynk Cloud configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{32}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^TMPL[A-Za-z0-9_-]{9}$")]
    private static partial Regex TemplateIdPattern();
}
