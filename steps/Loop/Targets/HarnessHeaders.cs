namespace ParticleBlynk.Loop;

/// <summary>Headers the harness adds to its own requests.</summary>
public static class HarnessHeaders
{
    /// <summary>
    /// The harness flow a request belongs to. A mock on a virtual clock keeps that flow busy until the request parks
    /// or ends, so a clock driven from another process waits for it. Real clouds ignore it.
    /// </summary>
    public const string Flow = "X-Harness-Flow";
}
