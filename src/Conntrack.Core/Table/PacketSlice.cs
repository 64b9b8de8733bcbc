namespace Conntrack.Table;

/// <summary>One IP packet of a batch: where it lies in the batch's buffer, and when it arrived (nanoseconds).</summary>
public readonly record struct PacketSlice(int Offset, int Length, long Timestamp);
