namespace Conntrack.Host.Netlink;

/// <summary>Which attributes the kernel sent for an entry (zero values are often omitted, so absence matters for printing).</summary>
[Flags]
public enum EntryAttributes : uint
{
    None = 0,
    OriginalTuple = 1u << 0,
    ReplyTuple = 1u << 1,

    /// <summary>CTA_TUPLE_ZONE in the original tuple (a zone limited to that direction: <c>zone-orig=</c>).</summary>
    OriginalZone = 1u << 2,
    ReplyZone = 1u << 3,

    /// <summary>CTA_ZONE: a zone for both directions, sent only when not 0.</summary>
    Zone = 1u << 4,
    Status = 1u << 5,
    Mark = 1u << 6,
    Timeout = 1u << 7,
    Id = 1u << 8,
    Use = 1u << 9,
    Tcp = 1u << 10,
    Sctp = 1u << 11,
    Dccp = 1u << 12,

    /// <summary>TCP window scale and flags (dumps; DESTROY events carry only the state).</summary>
    TcpDetails = 1u << 13,
    CountersOriginal = 1u << 14,
    CountersReply = 1u << 15,
    TimestampStart = 1u << 16,
    TimestampStop = 1u << 17,
    Helper = 1u << 18,
    Labels = 1u << 19,
    Secmark = 1u << 20,
    SecContext = 1u << 21,
    Master = 1u << 22,
    SeqAdjust = 1u << 23,
    Synproxy = 1u << 24,

    /// <summary>CTA_TIMESTAMP_EVENT (events on 6.13+).</summary>
    EventTime = 1u << 25,
}
