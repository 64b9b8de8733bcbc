using Conntrack.Replay.KernelLog;
using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>What a replay saw and what the table did.</summary>
public sealed class ReplayResult
{
    public required string Source { get; init; }
    public required CaptureFormat Format { get; init; }
    public required ConntrackTable Table { get; init; }

    /// <summary>Records read from the capture.</summary>
    public long Records { get; init; }

    /// <summary>IP packets handed to the tracker.</summary>
    public long Packets { get; init; }

    /// <summary>Bytes on the wire (original lengths) of the tracked packets.</summary>
    public long Bytes { get; init; }

    /// <summary>First and last timestamp of tracked packets, Unix nanoseconds; 0 when none.</summary>
    public long FirstTimestamp { get; init; }
    public long LastTimestamp { get; init; }

    public long EntriesCreated { get; init; }
    public long EntriesDestroyed { get; init; }
    public int PeakEntries { get; init; }
    public long PeakTimestamp { get; init; }

    /// <summary>
    /// The engine's memory at the peak: a slot per entry and the bucket heads. Which slots a run
    /// actually wrote depends on when partitions reuse freed ones, which differs between runs of
    /// the same capture; this figure does not.
    /// </summary>
    public long EngineBytesAtPeak(bool accounting) => ConntrackTable.MemoryBytesFor(PeakEntries, Table.BucketCount, accounting);

    /// <summary>Packets by the ct state a firewall would have seen.</summary>
    public required IReadOnlyDictionary<string, long> PacketsByState { get; init; }
    public long DroppedPackets { get; init; }

    /// <summary>Fragments held for reassembly (each completed datagram is then tracked once).</summary>
    public long HeldFragments { get; init; }

    /// <summary>Packets the IP layer refused (broken header, failed reassembly, martian addresses).</summary>
    public long DiscardedPackets { get; init; }

    /// <summary>Invalid packets whose TCP, UDP or ICMP checksum does not verify (0 when nf_conntrack_checksum is off).</summary>
    public long InvalidChecksums { get; init; }

    /// <summary>The view the capture was replayed in, and why.</summary>
    public required ViewChoice View { get; init; }

    public required IReadOnlyDictionary<SkipReason, long> Skipped { get; init; }

    /// <summary>The link types of the frames skipped as <see cref="SkipReason.UnsupportedLinkType"/>, in numeric order.</summary>
    public IReadOnlyList<LinkType> UnsupportedLinkTypes { get; init; } = [];
    public required CaptureIssues CaptureIssues { get; init; }

    /// <summary>Live entries at the last packet's timestamp.</summary>
    public required IReadOnlyList<EntryView> FinalEntries { get; init; }

    public required Timeline Timeline { get; init; }

    /// <summary>The table around its peak (taken when the count first fell 1 % below it, or at the end).</summary>
    public TableComposition? PeakComposition { get; init; }

    /// <summary>The table at the first table-full drop, or null when nothing was dropped.</summary>
    public TableComposition? FirstDropComposition { get; init; }

    /// <summary>Occupancy over time by timeout class, largest first.</summary>
    public required IReadOnlyList<EntrySeconds> EntrySeconds { get; init; }

    /// <summary>How long entries were held, by class and creation time (for steady-state projections).</summary>
    public required HoldingTimes Holding { get; init; }

    /// <summary>The kernel log lines the drops would have produced.</summary>
    public required TableFullLog Log { get; init; }

    /// <summary>Distinct flows with at least one dropped packet.</summary>
    public long LostFlows { get; init; }
    public bool LostFlowsCapped { get; init; }
    public long AllocationFailures { get; init; }

    public ConntrackStatistics Statistics => Table.Statistics;
    public double DurationSeconds => LastTimestamp > FirstTimestamp ? (LastTimestamp - FirstTimestamp) / 1e9 : 0;
}
