using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Timeouts;

/// <summary>
/// Which <see cref="TimeoutClass"/> governs an entry, after the kernel's per-protocol rules. The trackers
/// use the state look-ups on the packet path; reports use <see cref="For"/> with what a table line shows.
/// </summary>
public static class TimeoutRules
{
    /// <summary>Indexed by <see cref="TcpConnState"/>.</summary>
    private static ReadOnlySpan<byte> TcpByState =>
    [
        // NONE: slot 0 is the "new" timeout, which the kernel sets to syn_sent's value.
        (byte)TimeoutClass.TcpSynSent,
        (byte)TimeoutClass.TcpSynSent, (byte)TimeoutClass.TcpSynRecv, (byte)TimeoutClass.TcpEstablished, (byte)TimeoutClass.TcpFinWait,
        (byte)TimeoutClass.TcpCloseWait, (byte)TimeoutClass.TcpLastAck, (byte)TimeoutClass.TcpTimeWait, (byte)TimeoutClass.TcpClose,
        // SYN_SENT2 has no sysctl of its own: the kernel initialises its slot from syn_sent.
        (byte)TimeoutClass.TcpSynSent,
    ];

    /// <summary>Indexed by <see cref="SctpConnState"/>; NONE uses CLOSED's value, as the kernel.</summary>
    private static ReadOnlySpan<byte> SctpByState =>
    [
        (byte)TimeoutClass.SctpClosed, (byte)TimeoutClass.SctpClosed, (byte)TimeoutClass.SctpCookieWait, (byte)TimeoutClass.SctpCookieEchoed,
        (byte)TimeoutClass.SctpEstablished, (byte)TimeoutClass.SctpShutdownSent, (byte)TimeoutClass.SctpShutdownRecd,
        (byte)TimeoutClass.SctpShutdownAckSent, (byte)TimeoutClass.SctpHeartbeatSent,
    ];

    /// <summary>The timeout of a TCP state, before the retransmission and unacknowledged-data caps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TimeoutClass ForTcp(TcpConnState state) => (TimeoutClass)TcpByState[(int)state];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TimeoutClass ForSctp(SctpConnState state) => (TimeoutClass)SctpByState[(int)state];

    /// <summary>
    /// The class of an entry from what a table line shows: TCP and SCTP by state, UDP's stream timeout
    /// once ASSURED, GRE's once replied, the protocol's timeout otherwise; null where no sysctl governs
    /// (DCCP, unknown states). TCP entries on the max_retrans/unacknowledged caps cannot be told apart
    /// from a line: they count under their state.
    /// </summary>
    public static TimeoutClass? For(byte protocol, StateId state, bool assured, bool unreplied) => protocol switch
    {
        IpProtocol.Tcp => StateNames.TryGetTcp(state, out var tcp) ? ForTcp(tcp) : null,
        IpProtocol.Udp or IpProtocol.UdpLite => assured ? TimeoutClass.UdpStream : TimeoutClass.Udp,
        IpProtocol.Icmp => TimeoutClass.Icmp,
        IpProtocol.IcmpV6 => TimeoutClass.Icmpv6,
        IpProtocol.Gre => unreplied ? TimeoutClass.Gre : TimeoutClass.GreStream,
        // HEARTBEAT_ACKED's own sysctl is gone; heartbeat_sent is the nearest that remains.
        IpProtocol.Sctp when state == StateId.HeartbeatAcked => TimeoutClass.SctpHeartbeatSent,
        IpProtocol.Sctp => StateNames.TryGetSctp(state, out var sctp) ? ForSctp(sctp) : null,
        IpProtocol.Dccp => null,
        _ => TimeoutClass.Generic,
    };
}
