using Conntrack.Flows;
using Conntrack.Packets;

namespace Conntrack.Table;

/// <summary>
/// A reusable batch of IP packets for one table: each added packet is copied into the batch's
/// buffer with the time it will be tracked at; a <see cref="ParallelTracker"/> parses and tracks
/// them. Read the verdicts after the batch was processed, then <see cref="Clear"/> it.
/// </summary>
public sealed class PacketBatch
{
    private readonly ConntrackTable _table;
    private readonly byte[] _buffer;
    private readonly PacketWork[] _work;
    private int _count;
    private int _used;

    public PacketBatch(ConntrackTable table, int capacity = 1024, int bufferBytes = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1);
        _table = table;
        _buffer = new byte[bufferBytes];
        _work = new PacketWork[capacity];
    }

    public ConntrackTable Table => _table;

    public int Count => _count;

    public int Capacity => _work.Length;

    /// <summary>Time of the batch's first packet (nanoseconds); only meaningful when <see cref="Count"/> &gt; 0.</summary>
    public long FirstTimestamp => _work[0].Timestamp;

    /// <summary>True when a packet of <paramref name="length"/> bytes still fits.</summary>
    public bool Fits(int length) => _count < _work.Length && _used + length <= _buffer.Length;

    /// <summary>Copies a packet in; false (and nothing added) when the batch is full.</summary>
    public bool TryAdd(ReadOnlySpan<byte> ipPacket, long timestamp) => TryAdd(ipPacket, timestamp, NetfilterHook.PreRouting);

    /// <summary>Copies a packet in that conntrack meets at <paramref name="hook"/>; false (and nothing added) when the batch is full.</summary>
    public bool TryAdd(ReadOnlySpan<byte> ipPacket, long timestamp, NetfilterHook hook)
    {
        if (!Fits(ipPacket.Length))
            return false;
        ipPacket.CopyTo(_buffer.AsSpan(_used));
        ref var work = ref _work[_count];
        work.Offset = _used;
        work.Length = ipPacket.Length;
        work.Timestamp = _table.Clamp(timestamp);
        work.Hook = hook;
        _used += ipPacket.Length;
        _count++;
        return true;
    }

    /// <summary>The verdict on packet <paramref name="index"/>, once the batch has been processed.</summary>
    public PacketVerdict Verdict(int index) => _work[CheckIndex(index)].Verdict;

    /// <summary>The time packet <paramref name="index"/> was tracked at (never earlier than the one before it).</summary>
    public long Timestamp(int index) => _work[CheckIndex(index)].Timestamp;

    /// <summary>
    /// True when packet <paramref name="index"/> met conntrack at PRE_ROUTING with a TCP, UDP or
    /// ICMP checksum that does not verify. Computed again on each call: meant for the few packets
    /// found invalid, not for every packet.
    /// </summary>
    public bool FailsChecksum(int index)
    {
        ref var work = ref _work[CheckIndex(index)];
        if (work.Partition == PacketWork.Rejected || work.Hook != NetfilterHook.PreRouting)
            return false;
        ref var info = ref work.Info;
        if (info.Status != ParseStatus.Ok || info.L4Status != L4Status.Ok
            || info.Tuple.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Icmp or IpProtocol.IcmpV6))
            return false;
        return !L4Checksum.IsValid(_buffer.AsSpan(work.Offset, work.Length), info);
    }

    public void Clear() => _count = _used = 0;

    internal byte[] Buffer => _buffer;

    internal Span<PacketWork> Work => _work.AsSpan(0, _count);

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return index;
    }
}
