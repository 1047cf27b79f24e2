using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud;

/// <summary>Where emulated devices connect in-process: the device side of the cloud session (IParticleCloudLink).</summary>
internal sealed class DeviceGateway(ParticleCloudModel model) : IParticleCloudLink
{
    public void Connected(ICloudSessionDevice device)
    {
        var registered = model.Registry.GetOrClaim(device.DeviceId, device.Platform, model.Options.ClaimUnknownDevices)
            ?? throw new InvalidOperationException($"Device {device.DeviceId} is not claimed to any account of this Particle Cloud.");
        var now = model.Services.Time.GetUtcNow();
        registered.Session = device;
        registered.LastHandshake = now;
        registered.LastHeard = now;
        registered.Functions = [.. device.Functions];
        registered.Variables = new Dictionary<string, string>(device.Variables);
    }

    public void Disconnected(string deviceId)
    {
        if (model.Registry.ById(deviceId) is { } device)
        {
            device.Functions = device.Session?.Functions is { } functions ? [.. functions] : device.Functions;
            device.Session = null;
        }
    }

    public bool Publish(DeviceEvent deviceEvent)
    {
        if (model.Registry.ById(deviceEvent.DeviceId) is not { Session: not null } device)
        {
            model.Services.Journal.Record(Leg.L1, $"device {deviceEvent.DeviceId}", "Particle Cloud", $"publish {deviceEvent.Name}", deviceEvent.Data,
                HopOutcome.Rejected, "no cloud session: the device is not connected");
            return false;
        }

        // The LED echo: the first publish after a function call that returned 0/1 (P-BLYNK firmware flag).
        var leg = device.EchoPending ? Leg.L6 : Leg.L1;
        device.EchoPending = false;
        device.LastHeard = model.Services.Time.GetUtcNow();
        if (device.ForcedOffline)
        {
            model.Services.Journal.Record(leg, $"device {device.Id}", "Particle Cloud", $"publish {deviceEvent.Name}", deviceEvent.Data,
                HopOutcome.Failed, "device marked offline by the test: the cloud did not receive it");
            return false;
        }

        model.Ingest(deviceEvent.Name, deviceEvent.Data, device.Id, deviceEvent.TtlSeconds, device.Owner, leg, $"device {device.Id}");
        return true;
    }
}
