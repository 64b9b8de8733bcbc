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
    public bool TryAdd(ReadOnlySpan<byte> ipPacket, long timestamp)
    {
        if (!Fits(ipPacket.Length))
            return false;
        ipPacket.CopyTo(_buffer.AsSpan(_used));
        ref var work = ref _work[_count];
        work.Offset = _used;
        work.Length = ipPacket.Length;
        work.Timestamp = _table.Clamp(timestamp);
        _used += ipPacket.Length;
        _count++;
        return true;
    }

    /// <summary>The verdict on packet <paramref name="index"/>, once the batch has been processed.</summary>
    public PacketVerdict Verdict(int index) => _work[CheckIndex(index)].Verdict;

    /// <summary>The time packet <paramref name="index"/> was tracked at (never earlier than the one before it).</summary>
    public long Timestamp(int index) => _work[CheckIndex(index)].Timestamp;

    public void Clear() => _count = _used = 0;

    internal byte[] Buffer => _buffer;

    internal Span<PacketWork> Work => _work.AsSpan(0, _count);

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return index;
    }
}
