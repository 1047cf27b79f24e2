using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ParticleBlynk.Device;
using ParticleBlynk.ParticleCloud.Webhooks;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// Immutable fluent builder of <see cref="ParticleCloudOptions"/> (the same shape as the Blynk mock's): every With…
/// returns a new builder; <see cref="Build"/> validates; <see cref="StartAsync"/> builds and starts the mock.
/// </summary>
public sealed partial class ParticleCloudBuilder
{
    private readonly ParticleCloudOptions _options;

    public ParticleCloudBuilder()
        : this(ParticleCloudOptions.Empty)
    {
    }

    public ParticleCloudBuilder(ParticleCloudOptions options) => _options = options;

    public ParticleCloudOptions Options => _options;

    /// <summary>Adds an account (or more tokens to an existing one). Tokens: 40 lowercase hex (contracts.md §2.1).</summary>
    public ParticleCloudBuilder WithAccount(string username, params string[] accessTokens)
    {
        var existing = _options.Accounts.FirstOrDefault(a => a.Username == username);
        var accounts = existing is null
            ? _options.Accounts.Add(new ParticleAccount { Username = username, AccessTokens = [.. accessTokens] })
            : _options.Accounts.Replace(existing, existing with { AccessTokens = existing.AccessTokens.AddRange(accessTokens) });
        return new(_options with { Accounts = accounts });
    }

    /// <summary>Claims a device to <paramref name="username"/> (the account is created when missing).</summary>
    public ParticleCloudBuilder WithDevice(string username, ParticleDeviceDefinition device)
    {
        var builder = _options.Accounts.Any(a => a.Username == username) ? this : WithAccount(username);
        var account = builder._options.Accounts.First(a => a.Username == username);
        return new(builder._options with { Accounts = builder._options.Accounts.Replace(account, account with { Devices = account.Devices.Add(device) }) });
    }

    /// <summary>Claims a device to <paramref name="username"/>: id, name, platform, product id (default: the platform id).</summary>
    public ParticleCloudBuilder WithDevice(string username, string id, string name, Platform platform, int? productId = null) =>
        WithDevice(username, new ParticleDeviceDefinition { Id = id, Name = name, PlatformId = platform.Id, ProductId = productId });

    /// <summary>Adds a webhook from Particle's integration JSON as pasted in the console's custom template.</summary>
    /// <param name="integrationJson">The JSON, verbatim.</param>
    /// <param name="owner">Owning account; default the first account.</param>
    public ParticleCloudBuilder WithWebhook(string integrationJson, string? owner = null) =>
        new(_options with { Webhooks = _options.Webhooks.Add(new WebhookRegistration(owner ?? "", WebhookDefinition.Parse(integrationJson))) });

    public ParticleCloudBuilder WithFunctionCalls(FunctionCallBehaviour behaviour) => new(_options with { FunctionCalls = behaviour });

    public ParticleCloudBuilder WithFunctionCallTimeout(TimeSpan timeout) =>
        new(_options with { FunctionCalls = _options.FunctionCalls with { Timeout = timeout } });

    public ParticleCloudBuilder WithOfflineCallResponse(int status, string body) =>
        new(_options with { FunctionCalls = _options.FunctionCalls with { OfflineStatus = status, OfflineBody = body } });

    public ParticleCloudBuilder WithCallTimeoutResponse(int status, string body) =>
        new(_options with { FunctionCalls = _options.FunctionCalls with { TimeoutStatus = status, TimeoutBody = body } });

    public ParticleCloudBuilder WithThrottle(WebhookThrottlePolicy policy) => new(_options with { Throttle = policy });

    public ParticleCloudBuilder WithSkippedEvents(SkippedEventPolicy policy) =>
        new(_options with { Throttle = _options.Throttle with { SkippedEvents = policy } });

    public ParticleCloudBuilder WithNumberRendering(JsonNumberRendering rendering) => new(_options with { NumberRendering = rendering });

    public ParticleCloudBuilder WithHtmlEscaping(HtmlEscaping escaping) => new(_options with { Escaping = escaping });

    /// <summary>Wall-clock period of the SSE keep-alive comment (particle-api-js drops a stream silent for 15 s).</summary>
    public ParticleCloudBuilder WithSseKeepAlive(TimeSpan period) => new(_options with { SseKeepAlive = period });

    /// <summary>Also show hook-sent/response/error on /v1/devices/{id}/events (UNCONFIRMED; default off, contracts.md §3.4).</summary>
    public ParticleCloudBuilder WithHookEventsOnDeviceStream(bool enabled) => new(_options with { HookEventsOnDeviceStream = enabled });

    /// <summary>coreid of events published through POST /v1/devices/events (UNCONFIRMED; default "api").</summary>
    public ParticleCloudBuilder WithApiPublishCoreId(string coreId) => new(_options with { ApiPublishCoreId = coreId });

    /// <summary>Whether a device that connects without being configured is claimed to the first account (default true).</summary>
    public ParticleCloudBuilder WithClaimUnknownDevices(bool enabled) => new(_options with { ClaimUnknownDevices = enabled });

    /// <summary>What the mock accepts and keeps: body and event-data limits, the request log, the event history.</summary>
    public ParticleCloudBuilder WithLimits(ParticleLimits limits) => new(_options with { Limits = limits });

    /// <summary>Builds and starts the mock on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public Task<ParticleCloud> StartAsync(HarnessServices services, int port = 0) => ParticleCloud.StartAsync(Build(), services, port);

    /// <summary>Validates and returns the options.</summary>
    public ParticleCloudOptions Build()
    {
        var errors = new List<string>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var account in _options.Accounts)
        {
            if (string.IsNullOrWhiteSpace(account.Username))
            {
                errors.Add("An account has no username.");
            }

            foreach (var token in account.AccessTokens)
            {
                if (!TokenFormat().IsMatch(token))
                {
                    errors.Add($"Access token '{token}' of {account.Username} is not 40 lowercase hex characters.");
                }
                else if (!tokens.Add(token))
                {
                    errors.Add($"Access token '{token}' is used twice.");
                }
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var device in account.Devices)
            {
                if (!DeviceIdFormat().IsMatch(device.Id))
                {
                    errors.Add($"Device id '{device.Id}' is not 24 lowercase hex characters.");
                }
                else if (!ids.Add(device.Id))
                {
                    errors.Add($"Device id '{device.Id}' is claimed twice.");
                }

                if (string.IsNullOrWhiteSpace(device.Name) || !names.Add(device.Name))
                {
                    errors.Add($"Device name '{device.Name}' of {account.Username} is empty or not unique.");
                }

                if (!Platforms.All.Any(p => p.Id == device.PlatformId))
                {
                    errors.Add($"Device {device.Id}: unknown PLATFORM_ID {device.PlatformId}.");
                }

                if (!Version.TryParse(device.SystemFirmwareVersion, out _))
                {
                    errors.Add($"Device {device.Id}: '{device.SystemFirmwareVersion}' is not a Device OS version.");
                }
            }
        }

        var webhooks = _options.Webhooks;
        if (webhooks.Length > 0)
        {
            if (_options.Accounts.Length == 0)
            {
                errors.Add("Webhooks need an account to own them.");
            }
            else
            {
                webhooks = [.. webhooks.Select(w => w.Owner.Length == 0 ? w with { Owner = _options.Accounts[0].Username } : w)];
                errors.AddRange(webhooks.Where(w => _options.Accounts.All(a => a.Username != w.Owner)).Select(w => $"Webhook '{w.Definition.Name}' is owned by unknown account '{w.Owner}'."));
            }
        }

        if (_options.SseKeepAlive <= TimeSpan.Zero || _options.FunctionCalls.Timeout <= TimeSpan.Zero)
        {
            errors.Add("The SSE keep-alive period and the function call timeout must be positive.");
        }

        var limits = _options.Limits;
        if (limits.MaxRequestBodyBytes < 1 || limits.MaxEventDataBytes < 1 || limits.EventHistory < 1 || limits.EventHistoryText < 1 || limits.RequestLogEntries < 0 || limits.LoggedBodyBytes < 0 || limits.WireMockLogEntries < 0)
        {
            errors.Add("Limits: maxRequestBodyBytes, maxEventDataBytes, eventHistory and eventHistoryText must be at least 1; requestLogEntries, loggedBodyBytes and wireMockLogEntries at least 0.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Particle Cloud configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return _options with { Webhooks = webhooks };
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex TokenFormat();

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex DeviceIdFormat();
}
