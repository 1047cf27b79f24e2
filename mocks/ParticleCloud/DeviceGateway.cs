using ParticleBlynk.Device;
using ParticleBlynk.Loop;

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
        Hop Refused(HopOutcome outcome, string reason) => new()
        {
            Kind = HopKind.PublishRefused, Source = $"device {deviceEvent.DeviceId}", Target = "Particle Cloud", DeviceId = deviceEvent.DeviceId,
            EventName = deviceEvent.Name, Payload = deviceEvent.Data, Outcome = outcome, Reason = reason,
        };

        if (model.Registry.ById(deviceEvent.DeviceId) is not { Session: not null } device)
        {
            model.Services.Journal.Record(Refused(HopOutcome.Rejected, "no cloud session: the device is not connected"));
            return false;
        }

        device.LastHeard = model.Services.Time.GetUtcNow();
        if (device.ForcedOffline)
        {
            model.Services.Journal.Record(Refused(HopOutcome.Failed, "device marked offline by the test: the cloud did not receive it"));
            return false;
        }

        model.Ingest(deviceEvent.Name, deviceEvent.Data, device.Id, deviceEvent.TtlSeconds, device.Owner, $"device {device.Id}", device.Id);
        return true;
    }
}
