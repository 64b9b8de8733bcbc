namespace Conntrack.Capture;

/// <summary>One problem the reader found and worked around (or stopped at).</summary>
/// <param name="FileOffset">Byte offset in the file where the problem was detected.</param>
/// <param name="PacketNumber">Number of the affected record, or of the last record seen before the problem.</param>
/// <param name="Reason">What was found and what was expected instead.</param>
public readonly record struct CaptureIssue(long FileOffset, long PacketNumber, string Reason);
