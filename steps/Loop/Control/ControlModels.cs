namespace ParticleBlynk.Loop.Control;

/// <summary>POST /sessions: the scenario's lab, and whether its clock is virtual.</summary>
public sealed record CreateSessionRequest(LabSpec Spec, bool VirtualTime = true);

/// <summary>A session as the control API shows it.</summary>
public sealed record SessionInfo(string Id, string ParticleUrl, string BlynkUrl, string? DashboardUrl, IReadOnlyList<string> Boards, bool VirtualTime, DateTimeOffset Now);

/// <summary>
/// POST /time/advance. Exactly one of: <see cref="By"/> (let this much pass, everything due on the way), or
/// <see cref="Until"/> "change" (the next observable change: a hop, a serial line, the LED, the sensor) or "flows" (the
/// flows in <see cref="AwaitFlows"/> have ended), within <see cref="Limit"/>. Requests carrying X-Harness-Flow ids in
/// <see cref="AwaitFlows"/> are waited for (wall time) before time moves: a driver may send one and advance at once.
/// </summary>
public sealed record AdvanceRequest(TimeSpan? By = null, string? Until = null, TimeSpan? Limit = null, IReadOnlyList<string>? AwaitFlows = null);

/// <summary>Where a session's clock is, and what a driver needs to catch up with it.</summary>
/// <param name="Now">The session's time.</param>
/// <param name="VirtualTime">Whether it is virtual.</param>
/// <param name="Changed">Whether something observable changed during the advance.</param>
/// <param name="JournalChanges">The journal's change number (read hops with ?after= up to it).</param>
/// <param name="ParticleEvents">How many events the Particle Cloud has published (an event stream reader waits for as many).</param>
/// <param name="SerialLines">How many serial lines each board has written, by board id.</param>
public sealed record TimeInfo(DateTimeOffset Now, bool VirtualTime, bool Changed, long JournalChanges, long ParticleEvents, IReadOnlyDictionary<string, int> SerialLines);

/// <summary>PUT /boards/{id}/millis and /v15.</summary>
public sealed record ValueRequest(double Value);

/// <summary>POST /boards/{id}/power.</summary>
public sealed record PowerRequest(bool On);

/// <summary>POST /boards/{id}/cloud: drop the link now, or have it come back after a while.</summary>
public sealed record CloudRequest(bool Connected, TimeSpan? After = null);

/// <summary>POST /boards/{id}/serial/unplug: the USB serial disappears for a while (a cable pulled, a reset re-enumerating).</summary>
public sealed record UnplugRequest(TimeSpan For);

/// <summary>A board as the control API shows it.</summary>
public sealed record BoardInfo(
    string Id, string Platform, string State, uint Millis, double? V15, bool? UserLedOn, bool D7Level, bool CloudConnected,
    int SerialLines, string? SerialPty, bool SerialHostAttached);

/// <summary>One serial line.</summary>
public sealed record SerialLineInfo(int Index, DateTimeOffset At, string Text);

/// <summary>GET /journal?after=: the hops changed after that change number, and the change number now.</summary>
public sealed record JournalPage(long Changes, long Dropped, IReadOnlyList<Hop> Hops);

/// <summary>GET /blynk: what the Blynk console shows (no API shows it): Last Update, Online, each datastream's value and update time.</summary>
public sealed record BlynkConsoleView(DateTimeOffset? LastUpdate, bool Online, IReadOnlyDictionary<string, DatastreamReading> Pins);
