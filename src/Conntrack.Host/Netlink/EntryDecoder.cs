using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Conntrack.Flows;
using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>
/// Decodes the payload of a ctnetlink entry message (nfgenmsg + attributes, as in a dump, a GET reply or an
/// event) into a reused <see cref="KernelEntry"/>, allocating nothing in the steady state. Unknown attributes
/// are skipped. The attribute tree has a fixed shape (entry → tuple → address/protocol, entry → protocol
/// info → TCP/SCTP/DCCP), so nesting is at most three levels by construction: no input can make it recurse.
/// Bytes that are not attributes, or a known attribute shorter than its type, make the message malformed
/// (<see cref="TryDecode"/> returns false with a fixed reason); it never throws and never reads out of bounds.
/// </summary>
public sealed class EntryDecoder
{
    private readonly NameCache _names = new();

    private struct TupleParts
    {
        public ulong SrcHi, SrcLo, DstHi, DstLo;
        public byte Protocol;
        public ushort SrcId, DstId, Zone;
        public bool HasZone;

        public readonly FlowTuple Build(IpFamily family, ushort entryZone)
        {
            ushort zone = HasZone ? Zone : entryZone;
            return family == IpFamily.V6
                ? FlowTuple.V6(SrcHi, SrcLo, DstHi, DstLo, Protocol, SrcId, DstId, zone)
                : FlowTuple.V4((uint)SrcLo, (uint)DstLo, Protocol, SrcId, DstId, zone);
        }
    }

    /// <summary>Decodes one message payload; on false, <paramref name="problem"/> names what was expected.</summary>
    public bool TryDecode(ReadOnlySpan<byte> payload, ref KernelEntry entry, out string? problem)
    {
        entry = default;
        if (payload.Length < Ctnl.NfGenLength)
        {
            problem = "a 4-byte nfgenmsg after the netlink header";
            return false;
        }
        entry.Family = (IpFamily)payload[0];
        TupleParts original = default, reply = default, master = default;
        var reader = new AttributeReader(payload[Ctnl.NfGenLength..]);
        problem = null;
        EntryAttributes present = 0;
        while (problem is null && reader.Next(out ushort type, out var value))
            problem = Top(type, value, ref entry, ref present, ref original, ref reply, ref master);
        if (problem is null && reader.Malformed)
            problem = "attributes whose lengths fit the message";
        if (original.HasZone)
            present |= EntryAttributes.OriginalZone;
        if (reply.HasZone)
            present |= EntryAttributes.ReplyZone;
        entry.Original = original.Build(entry.Family, entry.Zone);
        entry.Reply = reply.Build(entry.Family, entry.Zone);
        if ((present & EntryAttributes.Master) != 0)
            entry.Master = master.Build(entry.Family, entry.Zone);
        entry.Present = present;
        return problem is null;
    }

    private string? Top(ushort type, ReadOnlySpan<byte> value, ref KernelEntry e, ref EntryAttributes present,
        ref TupleParts original, ref TupleParts reply, ref TupleParts master)
    {
        switch (type)
        {
            case Ctnl.TupleOrig:
                present |= EntryAttributes.OriginalTuple;
                return Tuple(value, ref original);
            case Ctnl.TupleReply:
                present |= EntryAttributes.ReplyTuple;
                return Tuple(value, ref reply);
            case Ctnl.TupleMaster:
                present |= EntryAttributes.Master;
                return Tuple(value, ref master);
            case Ctnl.Zone:
                present |= EntryAttributes.Zone;
                e.Zone = (ushort)U16(value, out bool ok);
                return ok ? null : "CTA_ZONE of 2 bytes";
            case Ctnl.ProtoInfo:
                return ProtoInfo(value, ref e, ref present);
            case Ctnl.CountersOrig:
                present |= EntryAttributes.CountersOriginal;
                return Counters(value, out var p, out var b) ?? Set(ref e, p, b, original: true);
            case Ctnl.CountersReply:
                present |= EntryAttributes.CountersReply;
                return Counters(value, out p, out b) ?? Set(ref e, p, b, original: false);
            case Ctnl.Timestamp:
                return Timestamps(value, ref e, ref present);
            case Ctnl.Help:
                return Named(value, Ctnl.HelpName, EntryAttributes.Helper, ref present, out var helper) ?? Assign(ref e, helper, isHelper: true);
            case Ctnl.SecCtx:
                return Named(value, Ctnl.SecCtxName, EntryAttributes.SecContext, ref present, out var context) ?? Assign(ref e, context, isHelper: false);
            case Ctnl.Labels:
                present |= EntryAttributes.Labels;
                Span<byte> bits = stackalloc byte[16];
                bits.Clear();
                value[..Math.Min(16, value.Length)].CopyTo(bits);
                e.Labels = MemoryMarshal.Read<UInt128>(bits);
                return null;
            case Ctnl.SeqAdjOrig or Ctnl.SeqAdjReply:
                present |= EntryAttributes.SeqAdjust;
                return null;
            case Ctnl.Synproxy:
                present |= EntryAttributes.Synproxy;
                return null;
            case Ctnl.TimestampEvent:
                present |= EntryAttributes.EventTime;
                e.EventTime = U64(value, out ok);
                return ok ? null : "CTA_TIMESTAMP_EVENT of 8 bytes";
            default:
                return Scalar(type, value, ref e, ref present);
        }
    }

    /// <summary>The u32 attributes of the top level.</summary>
    private static string? Scalar(ushort type, ReadOnlySpan<byte> value, ref KernelEntry e, ref EntryAttributes present)
    {
        EntryAttributes bit = type switch
        {
            Ctnl.Status => EntryAttributes.Status,
            Ctnl.Timeout => EntryAttributes.Timeout,
            Ctnl.Mark => EntryAttributes.Mark,
            Ctnl.Use => EntryAttributes.Use,
            Ctnl.Id => EntryAttributes.Id,
            Ctnl.Secmark => EntryAttributes.Secmark,
            _ => EntryAttributes.None,
        };
        if (bit == EntryAttributes.None)
            return null; // an attribute this decoder does not know: newer kernels add some
        uint v = U32(value, out bool ok);
        if (!ok)
            return "a 4-byte value in a u32 attribute";
        present |= bit;
        switch (bit)
        {
            case EntryAttributes.Status: e.Status = (EntryStatus)v; break;
            case EntryAttributes.Timeout: e.Timeout = v; break;
            case EntryAttributes.Mark: e.Mark = v; break;
            case EntryAttributes.Use: e.Use = v; break;
            case EntryAttributes.Id: e.Id = v; break;
            default: e.Secmark = v; break;
        }
        return null;
    }

    private static string? Tuple(ReadOnlySpan<byte> nest, ref TupleParts t)
    {
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            string? problem = type switch
            {
                Ctnl.TupleIp => Addresses(value, ref t),
                Ctnl.TupleProto => Proto(value, ref t),
                Ctnl.TupleZone => TupleZone(value, ref t),
                _ => null,
            };
            if (problem is not null)
                return problem;
        }
        return reader.Malformed ? "tuple attributes whose lengths fit their nest" : null;
    }

    private static string? TupleZone(ReadOnlySpan<byte> value, ref TupleParts t)
    {
        t.Zone = (ushort)U16(value, out bool ok);
        t.HasZone = ok;
        return ok ? null : "CTA_TUPLE_ZONE of 2 bytes";
    }

    private static string? Addresses(ReadOnlySpan<byte> nest, ref TupleParts t)
    {
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            switch (type)
            {
                case Ctnl.IpV4Src or Ctnl.IpV4Dst:
                    if (value.Length < 4)
                        return "a 4-byte IPv4 address";
                    if (type == Ctnl.IpV4Src)
                        t.SrcLo = BinaryPrimitives.ReadUInt32BigEndian(value);
                    else
                        t.DstLo = BinaryPrimitives.ReadUInt32BigEndian(value);
                    break;
                case Ctnl.IpV6Src or Ctnl.IpV6Dst:
                    if (value.Length < 16)
                        return "a 16-byte IPv6 address";
                    ulong hi = BinaryPrimitives.ReadUInt64BigEndian(value), lo = BinaryPrimitives.ReadUInt64BigEndian(value[8..]);
                    if (type == Ctnl.IpV6Src)
                        (t.SrcHi, t.SrcLo) = (hi, lo);
                    else
                        (t.DstHi, t.DstLo) = (hi, lo);
                    break;
            }
        }
        return reader.Malformed ? "address attributes whose lengths fit their nest" : null;
    }

    private static string? Proto(ReadOnlySpan<byte> nest, ref TupleParts t)
    {
        var reader = new AttributeReader(nest);
        byte icmpType = 0, icmpCode = 0;
        bool icmp = false;
        while (reader.Next(out ushort type, out var value))
        {
            if (value.IsEmpty && type is >= Ctnl.ProtoNum and <= Ctnl.ProtoIcmpV6Code)
                return "a value in each protocol attribute";
            switch (type)
            {
                case Ctnl.ProtoNum: t.Protocol = value[0]; break;
                case Ctnl.ProtoSrcPort or Ctnl.ProtoIcmpId or Ctnl.ProtoIcmpV6Id:
                    t.SrcId = (ushort)U16(value, out bool ok);
                    if (!ok)
                        return "a 2-byte port or ICMP id";
                    break;
                case Ctnl.ProtoDstPort:
                    t.DstId = (ushort)U16(value, out ok);
                    if (!ok)
                        return "a 2-byte port";
                    break;
                case Ctnl.ProtoIcmpType or Ctnl.ProtoIcmpV6Type: icmpType = value[0]; icmp = true; break;
                case Ctnl.ProtoIcmpCode or Ctnl.ProtoIcmpV6Code: icmpCode = value[0]; icmp = true; break;
            }
        }
        if (icmp)
            t.DstId = (ushort)((icmpType << 8) | icmpCode); // FlowTuple keeps ICMP type/code in the destination id
        return reader.Malformed ? "protocol attributes whose lengths fit their nest" : null;
    }

    private static string? ProtoInfo(ReadOnlySpan<byte> nest, ref KernelEntry e, ref EntryAttributes present)
    {
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            string? problem = type switch
            {
                Ctnl.ProtoInfoTcp => Tcp(value, ref e, ref present),
                Ctnl.ProtoInfoSctp => Sctp(value, ref e, ref present),
                Ctnl.ProtoInfoDccp => Dccp(value, ref e, ref present),
                _ => null,
            };
            if (problem is not null)
                return problem;
        }
        return reader.Malformed ? "protocol-info attributes whose lengths fit their nest" : null;
    }

    private static string? Tcp(ReadOnlySpan<byte> nest, ref KernelEntry e, ref EntryAttributes present)
    {
        present |= EntryAttributes.Tcp;
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            if (type is < Ctnl.TcpState or > Ctnl.TcpFlagsReply)
                continue;
            if (value.IsEmpty)
                return "a value in each TCP protocol-info attribute";
            switch (type)
            {
                case Ctnl.TcpState: e.ProtocolState = value[0]; break;
                case Ctnl.TcpWscaleOrig: e.TcpWindowScaleOriginal = value[0]; break;
                case Ctnl.TcpWscaleReply: e.TcpWindowScaleReply = value[0]; break;
                case Ctnl.TcpFlagsOrig: e.TcpFlagsOriginal = value[0]; break;
                default: e.TcpFlagsReply = value[0]; break;
            }
            if (type != Ctnl.TcpState)
                present |= EntryAttributes.TcpDetails;
        }
        return reader.Malformed ? "TCP attributes whose lengths fit their nest" : null;
    }

    private static string? Sctp(ReadOnlySpan<byte> nest, ref KernelEntry e, ref EntryAttributes present)
    {
        present |= EntryAttributes.Sctp;
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            if (type == Ctnl.SctpState)
            {
                if (value.IsEmpty)
                    return "an SCTP state byte";
                e.ProtocolState = value[0];
            }
            else if (type is Ctnl.SctpVtagOrig or Ctnl.SctpVtagReply)
            {
                uint tag = U32(value, out bool ok);
                if (!ok)
                    return "a 4-byte SCTP verification tag";
                if (type == Ctnl.SctpVtagOrig)
                    e.SctpVtagOriginal = tag;
                else
                    e.SctpVtagReply = tag;
            }
        }
        return reader.Malformed ? "SCTP attributes whose lengths fit their nest" : null;
    }

    private static string? Dccp(ReadOnlySpan<byte> nest, ref KernelEntry e, ref EntryAttributes present)
    {
        present |= EntryAttributes.Dccp;
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            if (type != Ctnl.DccpState)
                continue;
            if (value.IsEmpty)
                return "a DCCP state byte";
            e.ProtocolState = value[0];
        }
        return reader.Malformed ? "DCCP attributes whose lengths fit their nest" : null;
    }

    private static string? Counters(ReadOnlySpan<byte> nest, out ulong packets, out ulong bytes)
    {
        packets = bytes = 0;
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            bool ok = true;
            switch (type)
            {
                case Ctnl.CounterPackets: packets = U64(value, out ok); break;
                case Ctnl.CounterBytes: bytes = U64(value, out ok); break;
                case Ctnl.Counter32Packets: packets = U32(value, out ok); break;
                case Ctnl.Counter32Bytes: bytes = U32(value, out ok); break;
            }
            if (!ok)
                return "a counter of 8 (or 4) bytes";
        }
        return reader.Malformed ? "counter attributes whose lengths fit their nest" : null;
    }

    private static string? Set(ref KernelEntry e, ulong packets, ulong bytes, bool original)
    {
        if (original)
        {
            e.PacketsOriginal = packets;
            e.BytesOriginal = bytes;
        }
        else
        {
            e.PacketsReply = packets;
            e.BytesReply = bytes;
        }
        return null;
    }

    private static string? Timestamps(ReadOnlySpan<byte> nest, ref KernelEntry e, ref EntryAttributes present)
    {
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            if (type is not (Ctnl.TimestampStart or Ctnl.TimestampStop))
                continue; // CTA_TIMESTAMP_PAD
            ulong ns = U64(value, out bool ok);
            if (!ok)
                return "an 8-byte timestamp";
            if (type == Ctnl.TimestampStart)
            {
                e.Start = ns;
                present |= EntryAttributes.TimestampStart;
            }
            else
            {
                e.Stop = ns;
                present |= EntryAttributes.TimestampStop;
            }
        }
        return reader.Malformed ? "timestamp attributes whose lengths fit their nest" : null;
    }

    private string? Named(ReadOnlySpan<byte> nest, ushort nameType, EntryAttributes bit, ref EntryAttributes present, out string? name)
    {
        name = null;
        var reader = new AttributeReader(nest);
        while (reader.Next(out ushort type, out var value))
        {
            if (type == nameType)
            {
                name = _names.Get(value);
                present |= bit;
            }
        }
        return reader.Malformed ? "name attributes whose lengths fit their nest" : null;
    }

    private static string? Assign(ref KernelEntry e, string? name, bool isHelper)
    {
        if (isHelper)
            e.Helper = name;
        else
            e.SecContext = name;
        return null;
    }

    private static uint U16(ReadOnlySpan<byte> value, out bool ok)
    {
        ok = value.Length >= 2;
        return ok ? BinaryPrimitives.ReadUInt16BigEndian(value) : 0u;
    }

    private static uint U32(ReadOnlySpan<byte> value, out bool ok)
    {
        ok = value.Length >= 4;
        return ok ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0u;
    }

    private static ulong U64(ReadOnlySpan<byte> value, out bool ok)
    {
        ok = value.Length >= 8;
        return ok ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0ul;
    }
}
