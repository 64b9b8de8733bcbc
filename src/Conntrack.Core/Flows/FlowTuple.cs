using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Conntrack.Formats;

namespace Conntrack.Flows;

/// <summary>
/// The identity of one direction of a flow, as the kernel's <c>nf_conntrack_tuple</c>:
/// addresses, protocol, and two 16-bit L4 ids (ports; ICMP echo id and type/code; GRE keys).
/// Blittable, 40 bytes: four address words and one word of ids, protocol, family and zone,
/// so equality is five integer compares and hashing reads five words.
/// </summary>
public readonly struct FlowTuple : IEquatable<FlowTuple>
{
    // IPv4 addresses live in the low 32 bits of the *Lo word, the *Hi word is zero.
    // IPv6 addresses are two big-endian halves.
    private readonly ulong _srcHi;
    private readonly ulong _srcLo;
    private readonly ulong _dstHi;
    private readonly ulong _dstLo;
    // bits 0-15 src id, 16-31 dst id, 32-39 protocol, 40-47 family, 48-63 zone.
    private readonly ulong _meta;

    private FlowTuple(ulong srcHi, ulong srcLo, ulong dstHi, ulong dstLo, ulong meta)
    {
        _srcHi = srcHi;
        _srcLo = srcLo;
        _dstHi = dstHi;
        _dstLo = dstLo;
        _meta = meta;
    }

    private static ulong Meta(ushort srcId, ushort dstId, byte protocol, IpFamily family, ushort zone) =>
        srcId | ((ulong)dstId << 16) | ((ulong)protocol << 32) | ((ulong)family << 40) | ((ulong)zone << 48);

    /// <summary>An IPv4 tuple; addresses in host order (10.0.0.1 = 0x0A000001).</summary>
    public static FlowTuple V4(uint src, uint dst, byte protocol, ushort srcId, ushort dstId, ushort zone = 0) =>
        new(0, src, 0, dst, Meta(srcId, dstId, protocol, IpFamily.V4, zone));

    /// <summary>An IPv6 tuple from two 16-byte network-order addresses.</summary>
    public static FlowTuple V6(ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, byte protocol, ushort srcId, ushort dstId, ushort zone = 0) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(src), BinaryPrimitives.ReadUInt64BigEndian(src[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(dst), BinaryPrimitives.ReadUInt64BigEndian(dst[8..]),
            Meta(srcId, dstId, protocol, IpFamily.V6, zone));

    /// <summary>An IPv6 tuple from address halves (big-endian words).</summary>
    public static FlowTuple V6(ulong srcHi, ulong srcLo, ulong dstHi, ulong dstLo, byte protocol, ushort srcId, ushort dstId, ushort zone = 0) =>
        new(srcHi, srcLo, dstHi, dstLo, Meta(srcId, dstId, protocol, IpFamily.V6, zone));

    public IpFamily Family => (IpFamily)(byte)(_meta >> 40);
    public byte Protocol => (byte)(_meta >> 32);
    public ushort Zone => (ushort)(_meta >> 48);

    /// <summary>Source port, or ICMP/ICMPv6 echo id, or GRE source key.</summary>
    public ushort SrcId => (ushort)_meta;

    /// <summary>Destination port, or ICMP type (high byte) and code (low byte), or GRE key.</summary>
    public ushort DstId => (ushort)(_meta >> 16);

    public byte IcmpType => (byte)(DstId >> 8);
    public byte IcmpCode => (byte)DstId;

    /// <summary>IPv4 source in host order; meaningless for IPv6.</summary>
    public uint SrcV4 => (uint)_srcLo;
    public uint DstV4 => (uint)_dstLo;

    public ulong SrcHi => _srcHi;
    public ulong SrcLo => _srcLo;
    public ulong DstHi => _dstHi;
    public ulong DstLo => _dstLo;
    internal ulong MetaWord => _meta;

    /// <summary>True when the protocol identifies flows by ports (kernel: TCP, UDP, UDPLITE, SCTP, DCCP).</summary>
    public static bool HasPorts(byte protocol) =>
        protocol is IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Sctp or IpProtocol.Dccp;

    /// <summary>
    /// The tuple a reply would carry (<c>nf_ct_invert_tuple</c>): addresses swapped; ports swapped;
    /// ICMP keeps id and code and maps the request type to its reply. False for ICMP types that
    /// have no inverse: the kernel tracks nothing for them.
    /// </summary>
    public bool TryInvert(out FlowTuple reply)
    {
        ushort srcId = SrcId, dstId = DstId;
        byte protocol = Protocol;
        if (protocol == IpProtocol.Icmp || protocol == IpProtocol.IcmpV6)
        {
            int inverse = protocol == IpProtocol.Icmp ? IcmpTypes.InverseV4(IcmpType) : IcmpTypes.InverseV6(IcmpType);
            if (inverse < 0)
            {
                reply = default;
                return false;
            }
            dstId = (ushort)((inverse << 8) | IcmpCode);
        }
        else if (HasPorts(protocol) || protocol == IpProtocol.Gre)
        {
            (srcId, dstId) = (dstId, srcId);
        }
        reply = new FlowTuple(_dstHi, _dstLo, _srcHi, _srcLo, Meta(srcId, dstId, protocol, Family, Zone));
        return true;
    }

    /// <summary>
    /// True when this tuple is what <see cref="TryInvert"/> gives for <paramref name="original"/>,
    /// checked field by field without building the inversion (the table's reply-direction compare).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsReplyOf(in FlowTuple original)
    {
        if (_srcLo != original._dstLo || _dstLo != original._srcLo || _srcHi != original._dstHi || _dstHi != original._srcHi ||
            (_meta >> 32) != (original._meta >> 32))
        {
            return false;
        }
        byte protocol = Protocol;
        if (HasPorts(protocol) || protocol == IpProtocol.Gre)
            return SrcId == original.DstId && DstId == original.SrcId;
        if (protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
            return original.TryInvert(out var reply) && reply._meta == _meta;
        return (uint)_meta == (uint)original._meta; // generic: no ids to swap
    }

    /// <summary>Same tuple with the ids replaced (used by parsers and builders).</summary>
    public FlowTuple WithIds(ushort srcId, ushort dstId) =>
        new(_srcHi, _srcLo, _dstHi, _dstLo, Meta(srcId, dstId, Protocol, Family, Zone));

    /// <summary>Writes the 16-byte network-order source address (IPv4 as the first 4 bytes).</summary>
    public void WriteSource(Span<byte> destination) => WriteAddress(destination, _srcHi, _srcLo);

    public void WriteDestination(Span<byte> destination) => WriteAddress(destination, _dstHi, _dstLo);

    private void WriteAddress(Span<byte> destination, ulong hi, ulong lo)
    {
        if (Family == IpFamily.V4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)lo);
            destination[4..16].Clear();
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, hi);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], lo);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(FlowTuple other) =>
        _srcLo == other._srcLo && _dstLo == other._dstLo && _meta == other._meta &&
        _srcHi == other._srcHi && _dstHi == other._dstHi;

    public override bool Equals(object? obj) => obj is FlowTuple other && Equals(other);

    /// <summary>Unkeyed hash for general collections; the table uses its own seeded hash.</summary>
    public override int GetHashCode() => HashCode.Combine(_srcHi, _srcLo, _dstHi, _dstLo, _meta);

    public static bool operator ==(FlowTuple left, FlowTuple right) => left.Equals(right);
    public static bool operator !=(FlowTuple left, FlowTuple right) => !left.Equals(right);

    public override string ToString() => TupleText.Format(this, compressIpv6: true);
}
