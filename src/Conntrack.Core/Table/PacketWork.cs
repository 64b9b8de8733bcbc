using Conntrack.Packets;

namespace Conntrack.Table;

/// <summary>
/// One packet of a batch on its way through the table: where it lies, what the router made of it
/// (parsed header, partition, bucket) and, afterwards, its verdict. One record per packet, so
/// threads tracking different partitions never write to the same cache line.
/// </summary>
internal struct PacketWork
{
    /// <summary><see cref="Partition"/> of a packet the IP layer discards before conntrack.</summary>
    public const sbyte Rejected = -1;

    /// <summary><see cref="Partition"/> of a packet that needs the one-by-one path (fragments, headers that did not parse).</summary>
    public const sbyte Raw = -2;

    // What the passes over a whole batch read comes first, in one cache line; the header after.
    public long Timestamp;
    public int Offset;
    public int Length;

    /// <summary>The tuple's bucket, when <see cref="Partition"/> is a partition.</summary>
    public int Bucket;

    /// <summary>How the packet changed its partition's entry count (for the table's peak).</summary>
    public int CountDelta;
    public PacketVerdict Verdict;
    public sbyte Partition;

    /// <summary>Where conntrack meets the packet.</summary>
    public NetfilterHook Hook;
    public PacketInfo Info;
}
