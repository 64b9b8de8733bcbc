using System.Buffers.Binary;

namespace Conntrack.Packets;

/// <summary>
/// Identity of a fragmented datagram: addresses, identification and (IPv4) protocol, as the
/// kernel's frag_v4_compare_key / frag_v6_compare_key (less the device, which a replay does not have).
/// </summary>
internal readonly record struct FragmentKey(ulong SrcHi, ulong SrcLo, ulong DstHi, ulong DstLo, uint Id, byte Protocol, byte Version)
{
    public static FragmentKey V4(ReadOnlySpan<byte> header) =>
        new(0, BinaryPrimitives.ReadUInt32BigEndian(header[12..]), 0, BinaryPrimitives.ReadUInt32BigEndian(header[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(header[4..]), header[9], 4);

    public static FragmentKey V6(ReadOnlySpan<byte> header, uint id) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), BinaryPrimitives.ReadUInt64BigEndian(header[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(header[24..]), BinaryPrimitives.ReadUInt64BigEndian(header[32..]), id, 0, 6);
}
