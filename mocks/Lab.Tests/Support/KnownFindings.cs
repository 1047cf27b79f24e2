namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>Mock defects a real client found; tests that meet them skip with the text (and fail once fixed).</summary>
public static class KnownFindings
{
    public const string FunctionsSnapshotAtConnect =
        "Known mock finding: the Particle mock's DeviceGateway.Connected copies the board's functions when the cloud session "
        + "comes up (500 ms after power-on), before the seed setup() registers blynk_led (after delay(1000)); GET /v1/devices/{id} "
        + "then shows \"functions\":[] although POST …/blynk_led works. Device OS sends the function list again when it changes.";
}
