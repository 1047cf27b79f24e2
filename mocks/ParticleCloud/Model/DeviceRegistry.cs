using ParticleBlynk.Device;

namespace ParticleBlynk.ParticleCloud;

/// <summary>The cloud's record of one claimed device: its definition, owner, and cloud session if connected.</summary>
public sealed class RegisteredDevice
{
    internal RegisteredDevice(ParticleDeviceDefinition definition, string owner)
    {
        Definition = definition;
        Owner = owner;
    }

    public ParticleDeviceDefinition Definition { get; }

    public string Id => Definition.Id;

    public string Name => Definition.Name;

    public string Owner { get; }

    /// <summary>The live session, null while the device is not connected.</summary>
    public ICloudSessionDevice? Session { get; internal set; }

    /// <summary>Set by a test to make the cloud treat the device as offline even with a session.</summary>
    public bool ForcedOffline { get; internal set; }

    public bool Online => Session is not null && !ForcedOffline;

    public DateTimeOffset? LastHeard { get; internal set; }

    public DateTimeOffset? LastHandshake { get; internal set; }

    private IReadOnlyList<string> _lastFunctions = [];

    /// <summary>
    /// Function names: live from the session (Device OS describes its functions again when one is registered after the
    /// handshake, as the seed's setup() does after delay(1000)); from the last session while offline.
    /// </summary>
    public IReadOnlyList<string> Functions
    {
        get => Session?.Functions is { } live ? [.. live] : _lastFunctions;
        internal set => _lastFunctions = value;
    }

    public IReadOnlyDictionary<string, string> Variables { get; internal set; } = new Dictionary<string, string>();
}

/// <summary>Accounts, tokens and claimed devices (token → account; id or name → device).</summary>
public sealed class DeviceRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _tokenOwners = new(StringComparer.Ordinal);
    private readonly List<string> _accounts = [];
    private readonly Dictionary<string, RegisteredDevice> _devices = new(StringComparer.Ordinal);

    public DeviceRegistry(ParticleCloudOptions options)
    {
        foreach (var account in options.Accounts)
        {
            _accounts.Add(account.Username);
            foreach (var token in account.AccessTokens)
            {
                _tokenOwners[token] = account.Username;
            }

            foreach (var device in account.Devices)
            {
                _devices[device.Id] = new RegisteredDevice(device, account.Username);
            }
        }
    }

    public IReadOnlyList<RegisteredDevice> Devices
    {
        get
        {
            lock (_gate)
            {
                return [.. _devices.Values];
            }
        }
    }

    /// <summary>The account an access token speaks for, or null for an invalid token.</summary>
    public string? AccountOf(string? token)
    {
        if (token is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _tokenOwners.GetValueOrDefault(token);
        }
    }

    public RegisteredDevice? ById(string id)
    {
        lock (_gate)
        {
            return _devices.GetValueOrDefault(id);
        }
    }

    /// <summary>The device <paramref name="account"/> means by <paramref name="idOrName"/> (an id, or one of its device names), or null.</summary>
    public RegisteredDevice? Resolve(string account, string idOrName)
    {
        lock (_gate)
        {
            if (_devices.TryGetValue(idOrName, out var byId))
            {
                return byId.Owner == account ? byId : null;
            }

            return _devices.Values.FirstOrDefault(d => d.Owner == account && d.Name == idOrName);
        }
    }

    /// <summary>The registered device, claiming an unknown one to the first account when allowed.</summary>
    internal RegisteredDevice? GetOrClaim(string deviceId, Platform platform, bool claimUnknown)
    {
        lock (_gate)
        {
            if (_devices.TryGetValue(deviceId, out var device))
            {
                return device;
            }

            if (!claimUnknown || _accounts.Count == 0)
            {
                return null;
            }

            device = new RegisteredDevice(new ParticleDeviceDefinition { Id = deviceId, Name = deviceId, PlatformId = platform.Id }, _accounts[0]);
            _devices[deviceId] = device;
            return device;
        }
    }
}
