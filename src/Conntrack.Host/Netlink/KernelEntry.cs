using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>
/// One conntrack entry as ctnetlink sent it (a dump reply, a GET reply or an event). The decoder fills
/// a reused value without allocating: strings (helper, security context) come from a per-decoder cache
/// keyed by their bytes. <see cref="Present"/> says which attributes were sent; fields of absent ones are 0.
/// </summary>
public struct KernelEntry
{
    /// <summary>nfgen_family: 2 (IPv4) or 10 (IPv6).</summary>
    public IpFamily Family { get; set; }

    /// <summary>
    /// The original tuple. Its zone is the one the kernel looks this direction up in: CTA_TUPLE_ZONE when
    /// the zone is limited to this direction, else CTA_ZONE, else 0.
    /// </summary>
    public FlowTuple Original { get; set; }
    public FlowTuple Reply { get; set; }

    /// <summary>The master's original tuple of an EXPECTED entry (CTA_TUPLE_MASTER).</summary>
    public FlowTuple Master { get; set; }

    /// <summary>CTA_ZONE (0 when absent).</summary>
    public ushort Zone { get; set; }
    public EntryStatus Status { get; set; }

    /// <summary>Remaining lifetime in whole seconds (absent for offloaded entries and expired DESTROYs).</summary>
    public uint Timeout { get; set; }
    public uint Mark { get; set; }

    /// <summary>CTA_ID as conntrack prints it (the kernel's 4 bytes read in network order).</summary>
    public uint Id { get; set; }
    public uint Use { get; set; }

    /// <summary>The kernel's state number for TCP, SCTP or DCCP (see <see cref="State"/> for the name).</summary>
    public byte ProtocolState { get; set; }
    public byte TcpWindowScaleOriginal { get; set; }
    public byte TcpWindowScaleReply { get; set; }

    /// <summary>IP_CT_TCP_FLAG_* bits (0x01 window scale, 0x02 SACK permitted, 0x04 close init, 0x08 be liberal, …).</summary>
    public byte TcpFlagsOriginal { get; set; }
    public byte TcpFlagsReply { get; set; }
    public uint SctpVtagOriginal { get; set; }
    public uint SctpVtagReply { get; set; }
    public ulong PacketsOriginal { get; set; }
    public ulong BytesOriginal { get; set; }
    public ulong PacketsReply { get; set; }
    public ulong BytesReply { get; set; }

    /// <summary>CLOCK_REALTIME nanoseconds of confirmation and deletion (nf_conntrack_timestamp).</summary>
    public ulong Start { get; set; }
    public ulong Stop { get; set; }

    /// <summary>CTA_TIMESTAMP_EVENT: when the kernel generated this event (ns since the epoch).</summary>
    public ulong EventTime { get; set; }

    /// <summary>The 128 label bits; bit n of the kernel's bitmap is bit n here.</summary>
    public UInt128 Labels { get; set; }
    public uint Secmark { get; set; }
    public string? SecContext { get; set; }
    public string? Helper { get; set; }
    public EntryAttributes Present { get; set; }

    /// <summary>The entry's zone id, whichever directions it applies to (what the kernel's zone filter compares).</summary>
    public readonly ushort ZoneId =>
        Has(EntryAttributes.Zone) ? Zone : Has(EntryAttributes.OriginalZone) ? Original.Zone : Has(EntryAttributes.ReplyZone) ? Reply.Zone : (ushort)0;

    public readonly bool Has(EntryAttributes attributes) => (Present & attributes) == attributes;

    /// <summary>The state as Core names it; <see cref="StateId.Absent"/> without TCP, SCTP or DCCP protocol info.</summary>
    public readonly StateId State =>
        (Present & (EntryAttributes.Tcp | EntryAttributes.Sctp | EntryAttributes.Dccp)) switch
        {
            EntryAttributes.Tcp => StateNames.Of((TcpConnState)ProtocolState),
            EntryAttributes.Sctp => StateNames.Of((SctpConnState)ProtocolState),
            EntryAttributes.Dccp => StateNames.OfDccp(ProtocolState),
            _ => StateId.Absent,
        };
}
