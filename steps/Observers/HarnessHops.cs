using System.Globalization;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Observers;

/// <summary>
/// What the harness did itself, as a client of the public APIs, in the journal: a function call it made through the
/// Particle API (it saw the request and the answer), a switch it flipped in the Blynk app.
/// </summary>
public static class HarnessHops
{
    /// <summary>Records the call and, when the API answered a return value, the return.</summary>
    public static void FunctionCall(Journal journal, string deviceId, string function, string argument, DateTimeOffset calledAt, FunctionCallResponse answer, DateTimeOffset answeredAt)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(answer);
        var status = answer.StatusCode.ToString(CultureInfo.InvariantCulture);
        var call = new Hop
        {
            Kind = HopKind.FunctionCall, Source = "Particle API client (the harness)", Target = $"device {deviceId}", DeviceId = deviceId, Function = function,
            Payload = argument, At = calledAt, Feed = Feed.Harness,
            Outcome = answer.StatusCode switch
            {
                200 => HopOutcome.Delivered,
                400 when answer.Body.Contains("Timed out", StringComparison.Ordinal) => HopOutcome.TimedOut,
                _ => HopOutcome.Rejected,
            },
            Reason = answer.StatusCode == 200 ? null : $"{status} {answer.Body}",
        };
        journal.Record(call);
        if (answer.ReturnValue is { } value)
        {
            journal.Record(new Hop
            {
                Kind = HopKind.FunctionReturn, Source = $"device {deviceId}", Target = "Particle API client (the harness)", DeviceId = deviceId,
                Function = function, Payload = argument, ReturnValue = value, At = answeredAt, Duration = answeredAt - calledAt, Feed = Feed.Harness,
                Reason = "return_value " + value.ToString(CultureInfo.InvariantCulture),
            });
        }
    }

    /// <summary>Records a datastream write the harness made as the Blynk app (a person's switch).</summary>
    public static void AppSwitch(Journal journal, string pin, string value, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(journal);
        journal.Record(new Hop
        {
            Kind = HopKind.DatastreamWrite, Source = Hop.BlynkApp, Target = "Blynk Cloud", Pin = pin, Payload = $"{pin}={value}", At = at, Feed = Feed.Harness,
            Reason = "switched by the harness",
        });
    }
}
