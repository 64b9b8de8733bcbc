namespace Conntrack.Protocols;

/// <summary>
/// A protocol state name as /proc/net/nf_conntrack and conntrack(8) print it (TCP, SCTP, DCCP and the
/// 2.4-era LISTEN), as a small number so counting needs no strings. TCP and SCTP share NONE and
/// ESTABLISHED; the protocol number tells them apart.
/// </summary>
public enum StateId : byte
{
    /// <summary>The protocol prints no state (UDP, ICMP, GRE, …).</summary>
    Absent = 0,

    /// <summary>A name this table does not know.</summary>
    Other = 1,

    // TCP (tcp_conntrack_names); LISTEN is the 2.4 name of SYN_SENT2's slot.
    None = 2,
    SynSent = 3,
    SynRecv = 4,
    Established = 5,
    FinWait = 6,
    CloseWait = 7,
    LastAck = 8,
    TimeWait = 9,
    Close = 10,
    SynSent2 = 11,
    Listen = 12,

    // SCTP (sctp_conntrack_names); HEARTBEAT_ACKED is still in conntrack(8)'s list, the 6.x kernel has no such state.
    Closed = 13,
    CookieWait = 14,
    CookieEchoed = 15,
    ShutdownSent = 16,
    ShutdownRecd = 17,
    ShutdownAckSent = 18,
    HeartbeatSent = 19,
    HeartbeatAcked = 20,

    // DCCP (dccp_state_names, kernels up to 6.15).
    DccpRequest = 21,
    DccpRespond = 22,
    DccpPartOpen = 23,
    DccpOpen = 24,
    DccpCloseReq = 25,
    DccpClosing = 26,
    DccpTimeWait = 27,
    DccpIgnore = 28,

    /// <summary>DCCP's INVALID, also what is printed for a TCP/SCTP state out of range.</summary>
    Invalid = 29,
}
