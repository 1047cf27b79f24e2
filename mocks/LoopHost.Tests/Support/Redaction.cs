using ParticleBlynk.Loop;
using ParticleBlynk.Loop.Control;

namespace ParticleBlynk.LoopHost.Tests.Support;

/// <summary>
/// Hops and serial lines as assertion messages may show them: payloads and serial lines carry the Blynk token, so a
/// collection is asserted on through these views (tokens as first4…last4), never printed raw.
/// </summary>
public static class Redaction
{
    public static IReadOnlyList<string> Redacted(this IEnumerable<Hop> hops, LabSpec spec)
    {
        var secrets = new Secrets(spec.Tokens());
        return [.. hops.Select(h => secrets.Redact($"#{h.Sequence} r{h.Revision} {h.Kind} {h}"))];
    }

    public static IReadOnlyList<string> Redacted(this IEnumerable<SerialLineInfo> lines, LabSpec spec)
    {
        var secrets = new Secrets(spec.Tokens());
        return [.. lines.Select(l => secrets.Redact($"{l.Index} {l.At:HH:mm:ss.fff} {l.Text}"))];
    }
}
