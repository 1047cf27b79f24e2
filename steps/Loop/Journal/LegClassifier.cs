namespace ParticleBlynk.Loop;

/// <summary>The one place a hop's leg is decided: from its kind, and whether a publish is the LED echo.</summary>
public static class LegClassifier
{
    public static Leg Classify(HopKind kind, bool echo) => kind switch
    {
        HopKind.Echo => Leg.L6,
        HopKind.Publish or HopKind.PublishRefused => echo ? Leg.L6 : Leg.L1,
        HopKind.WebhookRequest or HopKind.WebhookResponse => Leg.L2,
        HopKind.DatastreamWrite => Leg.L3,
        HopKind.BlynkWebhook or HopKind.Notification => Leg.L4,
        HopKind.FunctionCall or HopKind.FunctionReturn => Leg.L5,
        _ => Leg.None,
    };
}
