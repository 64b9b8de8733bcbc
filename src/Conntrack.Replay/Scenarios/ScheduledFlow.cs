namespace Conntrack.Replay.Scenarios;

/// <summary>A flow and the time of its first packet.</summary>
public readonly record struct ScheduledFlow(long Start, IEnumerable<PacketSpec> Packets);
