namespace Conntrack.Replay;

/// <summary>Where a running replay stands, reported every few seconds of capture time.</summary>
/// <param name="CaptureSeconds">Capture time since the first tracked packet.</param>
/// <param name="Entries">Entries in the table now.</param>
/// <param name="Max">nf_conntrack_max (0 = no limit).</param>
/// <param name="NewPerSecond">Entries created per second of capture time since the previous report.</param>
/// <param name="Drops">Packets dropped so far.</param>
public readonly record struct ReplayStatus(double CaptureSeconds, int Entries, int Max, double NewPerSecond, long Drops);
