using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// The table at a whole second of capture time (counted from the first tracked packet): every packet before
/// <see cref="At"/> (Unix nanoseconds) has been tracked, none after; the last tick (<see cref="Final"/>) is at the
/// last packet. The counters only grow; a consumer takes differences. Valid only during the
/// <see cref="ReplayOptions.Tick"/> call: the replay goes on when it returns.
/// </summary>
public sealed record ReplayTick(long At, double CaptureSeconds, bool Final, ConntrackTable Table, long Created, long Destroyed, long TableFullDrops, long AllocationFailures);
