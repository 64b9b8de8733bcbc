using Conntrack.Packets;
using Conntrack.Capture;

namespace Conntrack.Benchmarking;

/// <summary>
/// Pre-built IPv4 packets in one contiguous buffer at a fixed stride, so a benchmark measures the
/// tracker and not packet construction or the garbage collector.
/// </summary>
public sealed class PacketArena
{
    public const int Stride = 64;

    private readonly byte[] _bytes;
    private readonly byte[] _lengths;

    public PacketArena(int capacity)
    {
        _bytes = new byte[(long)capacity * Stride];
        _lengths = new byte[capacity];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(index * Stride, _lengths[index]);

    /// <summary>The whole arena, for batches: packet i starts at i × <see cref="Stride"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public int LengthOf(int index) => _lengths[index];

    /// <summary>Adds the next segment of <paramref name="conversation"/> from the client (<paramref name="fromClient"/>) or the server.</summary>
    public void Add(TcpConversation conversation, bool fromClient, TcpFlags flags)
    {
        int length = conversation.Write(_bytes.AsSpan(Count * Stride, Stride), fromClient, flags);
        _lengths[Count++] = (byte)length;
    }

    /// <summary>Client i of a workload: distinct (address, port) pairs for up to 2^32 flows.</summary>
    public static (uint Address, ushort Port) Client(int i) => (0x0A000000u + (uint)(i / 50000) + 1, (ushort)(10000 + (i % 50000)));
}
