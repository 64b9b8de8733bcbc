using System.Buffers.Binary;
using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Benchmarking;

/// <summary>
/// The workload of the comparison with Open vSwitch's userspace conntrack: UDP connection
/// i is 10.1.1.1:(1 + i / 60000) → 10.1.1.2:(1 + i % 60000); inserts visit the connections in
/// order, lookups pick each packet's connection uniformly at random (xorshift64) and send half of
/// them in the reply direction. Every packet is written into a hot batch of 32 just before it is
/// tracked, so the packet bytes are in cache and the table's memory is what is measured.
/// </summary>
public sealed class UdpRandomWorkload
{
    /// <summary>Packets written and tracked at a time.</summary>
    public const int Batch = 32;

    private const int PacketLength = 28;
    private const int PortsPerAddress = 60_000;
    private const uint Client = 0x0A010101;
    private const uint Server = 0x0A010102;

    // The IPv4 headers of both directions are the same for every connection (only ports differ),
    // so they are built once, checksum included; a packet is one header copy and its UDP header.
    private readonly byte[] _forwardHeader = new byte[PacketArena.Stride];
    private readonly byte[] _replyHeader = new byte[PacketArena.Stride];
    private readonly byte[] _batch = new byte[Batch * PacketArena.Stride];
    private readonly PacketSlice[] _slices = new PacketSlice[Batch];
    private readonly PacketVerdict[] _verdicts = new PacketVerdict[Batch];
    private ulong _random = 0x9E3779B97F4A7C15UL;

    public UdpRandomWorkload(int connections)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        Connections = connections;
        PacketBuilder.Udp4(_forwardHeader, Client, Server, 1, 1);
        PacketBuilder.Udp4(_replyHeader, Server, Client, 1, 1);
    }

    public int Connections { get; }

    /// <summary>Connection <paramref name="i"/>'s ports: client port first.</summary>
    public static (ushort ClientPort, ushort ServerPort) PortsOf(int i) =>
        ((ushort)(1 + (i / PortsPerAddress)), (ushort)(1 + (i % PortsPerAddress)));

    /// <summary>Creates every connection with its first packet, in order, through <see cref="ConntrackTable.ProcessBatch"/>; returns the packets that made an entry.</summary>
    public int Insert(ConntrackTable table, long now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int tracked = 0;
        for (int first = 0; first < Connections; first += Batch)
        {
            int n = Math.Min(Batch, Connections - first);
            for (int k = 0; k < n; k++)
                Write(k, first + k, reply: false, now);
            tracked += Track(table, n);
        }
        return tracked;
    }

    /// <summary>The same inserts, one by one into the naive Dictionary tracker.</summary>
    public int Insert(NaiveTable table, long now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int tracked = 0;
        for (int i = 0; i < Connections; i++)
        {
            Write(0, i, reply: false, now);
            tracked += table.Process(PacketAt(0), now) ? 1 : 0;
        }
        return tracked;
    }

    /// <summary><paramref name="packets"/> packets of random connections, half of them replies, batched; returns the packets that hit an entry.</summary>
    public int Lookups(ConntrackTable table, long packets, long now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int tracked = 0;
        for (long done = 0; done < packets; done += Batch)
        {
            int n = (int)Math.Min(Batch, packets - done);
            for (int k = 0; k < n; k++)
                WriteRandom(k, now);
            tracked += Track(table, n);
        }
        return tracked;
    }

    /// <summary>The same lookups into the naive tracker, each packet written into the batch just before it is tracked.</summary>
    public int Lookups(NaiveTable table, long packets, long now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int tracked = 0;
        for (long done = 0; done < packets; done += Batch)
        {
            int n = (int)Math.Min(Batch, packets - done);
            for (int k = 0; k < n; k++)
                WriteRandom(k, now);
            for (int k = 0; k < n; k++)
                tracked += table.Process(PacketAt(k), now) ? 1 : 0;
        }
        return tracked;
    }

    private int Track(ConntrackTable table, int n)
    {
        table.ProcessBatch(_batch, _slices.AsSpan(0, n), _verdicts.AsSpan(0, n));
        int tracked = 0;
        for (int k = 0; k < n; k++)
            tracked += _verdicts[k].EntryIndex >= 0 ? 1 : 0;
        return tracked;
    }

    private ReadOnlySpan<byte> PacketAt(int k) => _batch.AsSpan(k * PacketArena.Stride, PacketLength);

    private void WriteRandom(int k, long now)
    {
        // xorshift64: uniform enough, and four instructions.
        ulong x = _random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _random = x;
        int connection = (int)((uint)(x >> 32) * (ulong)(uint)Connections >> 32);
        Write(k, connection, reply: (x & 1) != 0, now);
    }

    private void Write(int k, int connection, bool reply, long now)
    {
        var packet = _batch.AsSpan(k * PacketArena.Stride, PacketLength);
        (reply ? _replyHeader : _forwardHeader).AsSpan(0, PacketLength).CopyTo(packet);
        var (clientPort, serverPort) = PortsOf(connection);
        BinaryPrimitives.WriteUInt16BigEndian(packet[20..], reply ? serverPort : clientPort);
        BinaryPrimitives.WriteUInt16BigEndian(packet[22..], reply ? clientPort : serverPort);
        // No UDP checksum (0 = none), so the ports can change without recomputing it.
        BinaryPrimitives.WriteUInt16BigEndian(packet[26..], 0);
        _slices[k] = new PacketSlice(k * PacketArena.Stride, PacketLength, now);
    }
}
