using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Conntrack.Flows;

namespace Conntrack.Host.Netlink;

/// <summary>Builds one ctnetlink request (nlmsghdr, nfgenmsg, attributes, nests) into a caller's buffer.</summary>
internal ref struct RequestWriter
{
    private const ushort NestedFlag = 0x8000;
    private readonly Span<byte> _buffer;
    private int _length;

    public RequestWriter(Span<byte> buffer, ushort type, ushort flags, uint sequence, IpFamily family, byte version = 0)
    {
        _buffer = buffer;
        _buffer[..(Ctnl.HeaderLength + Ctnl.NfGenLength)].Clear();
        MemoryMarshal.Write(_buffer[4..], type);
        MemoryMarshal.Write(_buffer[6..], (ushort)(flags | Ctnl.FlagRequest));
        MemoryMarshal.Write(_buffer[8..], sequence);
        _buffer[16] = (byte)family;
        _buffer[17] = version;
        _length = Ctnl.HeaderLength + Ctnl.NfGenLength;
    }

    /// <summary>The finished message (its length written into the header).</summary>
    public ReadOnlySpan<byte> Message
    {
        get
        {
            MemoryMarshal.Write(_buffer, (uint)_length);
            return _buffer[.._length];
        }
    }

    public void U8(ushort type, byte value) => Attribute(type, 1)[0] = value;

    public void U16(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Attribute(type, 2), value);

    public void U32(ushort type, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Attribute(type, 4), value);

    /// <summary>A u32 in host order (CTA_FILTER flags are the one such attribute).</summary>
    public void HostU32(ushort type, uint value) => MemoryMarshal.Write(Attribute(type, 4), value);

    public void Bytes(ushort type, scoped ReadOnlySpan<byte> value) => value.CopyTo(Attribute(type, value.Length));

    /// <summary>Opens a nest; pass the result to <see cref="End"/>.</summary>
    public int Begin(ushort type)
    {
        int start = _length;
        Attribute((ushort)(type | NestedFlag), 0);
        return start;
    }

    public void End(int start) => MemoryMarshal.Write(_buffer[start..], (ushort)(_length - start));

    /// <summary>A tuple nest (address, protocol, and the direction's zone when <paramref name="zone"/> is given).</summary>
    public void Tuple(ushort type, in FlowTuple tuple, ushort? zone)
    {
        int outer = Begin(type);
        int ip = Begin(Ctnl.TupleIp);
        Span<byte> address = stackalloc byte[16];
        bool v6 = tuple.Family == IpFamily.V6;
        tuple.WriteSource(address);
        Bytes(v6 ? Ctnl.IpV6Src : Ctnl.IpV4Src, address[..(v6 ? 16 : 4)]);
        tuple.WriteDestination(address);
        Bytes(v6 ? Ctnl.IpV6Dst : Ctnl.IpV4Dst, address[..(v6 ? 16 : 4)]);
        End(ip);
        int proto = Begin(Ctnl.TupleProto);
        U8(Ctnl.ProtoNum, tuple.Protocol);
        if (tuple.Protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
        {
            bool icmp6 = tuple.Protocol == IpProtocol.IcmpV6;
            U16(icmp6 ? Ctnl.ProtoIcmpV6Id : Ctnl.ProtoIcmpId, tuple.SrcId);
            U8(icmp6 ? Ctnl.ProtoIcmpV6Type : Ctnl.ProtoIcmpType, tuple.IcmpType);
            U8(icmp6 ? Ctnl.ProtoIcmpV6Code : Ctnl.ProtoIcmpCode, tuple.IcmpCode);
        }
        else if (FlowTuple.HasPorts(tuple.Protocol) || tuple.Protocol == IpProtocol.Gre)
        {
            U16(Ctnl.ProtoSrcPort, tuple.SrcId);
            U16(Ctnl.ProtoDstPort, tuple.DstId);
        }
        End(proto);
        if (zone is ushort z)
            U16(Ctnl.TupleZone, z);
        End(outer);
    }

    private Span<byte> Attribute(ushort type, int payload)
    {
        int total = 4 + payload;
        var header = _buffer[_length..];
        MemoryMarshal.Write(header, (ushort)total);
        MemoryMarshal.Write(header[2..], type);
        int padded = (total + 3) & ~3;
        header[total..padded].Clear();
        _length += padded;
        return header.Slice(4, payload);
    }
}
