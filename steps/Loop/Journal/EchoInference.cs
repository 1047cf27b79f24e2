namespace ParticleBlynk.Loop;

/// <summary>
/// How a journal fed only by public interfaces fills in the echo's unseen legs. Blynk's webhook (L4) and Particle's
/// function call (L5) leave no trace an outsider can read; when a switch of <see cref="SwitchPin"/> is followed by a
/// publish whose <see cref="PayloadField"/> carries the switched value, both must have happened: they are recorded as
/// inferred hops before the publish, which becomes the echo (L6).
/// </summary>
/// <param name="SwitchPin">The Blynk datastream the switch writes (V16).</param>
/// <param name="PayloadField">The publish's JSON field that reports it back (v16).</param>
/// <param name="Function">The device function the Blynk webhook calls (blynk_led).</param>
/// <param name="WebhookTarget">Where the Blynk webhook goes (api.particle.io).</param>
public sealed record EchoInference(string SwitchPin, string PayloadField, string Function, string WebhookTarget)
{
    /// <summary>The doc's integration: V16 → blynk_led → "v16" in the republish.</summary>
    public static EchoInference Doc { get; } = new("V16", "v16", "blynk_led", "api.particle.io");
}
