using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Analysis.Replay;

/// <summary>
/// Groups entries by the timeout that governs them, so a report can say which setting keeps the
/// table full: TCP by state, UDP unreplied/young vs stream, and one class per other protocol.
/// </summary>
public static class EntryClass
{
    private const int TcpStates = 10;
    public const int UdpShort = TcpStates;
    public const int UdpStream = TcpStates + 1;
    public const int Icmp = TcpStates + 2;
    public const int Icmpv6 = TcpStates + 3;
    public const int Gre = TcpStates + 4;
    public const int Sctp = TcpStates + 5;
    public const int Generic = TcpStates + 6;
    public const int Count = TcpStates + 7;

    public static int Of(in EntryView e) => e.Protocol switch
    {
        IpProtocol.Tcp => Math.Min((int)e.TcpState, TcpStates - 1),
        IpProtocol.Udp or IpProtocol.UdpLite => e.IsAssured ? UdpStream : UdpShort,
        IpProtocol.Icmp => Icmp,
        IpProtocol.IcmpV6 => Icmpv6,
        IpProtocol.Gre => Gre,
        IpProtocol.Sctp => Sctp,
        _ => Generic,
    };

    public static string Label(int entryClass) => entryClass switch
    {
        < TcpStates => "tcp " + StateNames.Tcp((TcpConnState)entryClass),
        UdpShort => "udp (unreplied or young)",
        UdpStream => "udp stream (ASSURED)",
        Icmp => "icmp",
        Icmpv6 => "icmpv6",
        Gre => "gre",
        Sctp => "sctp",
        _ => "other protocols",
    };

    /// <summary>The sysctl whose value is this class's lifetime (null where several apply).</summary>
    public static string? TimeoutSetting(int entryClass) => entryClass switch
    {
        (int)TcpConnState.SynSent or (int)TcpConnState.SynSent2 or (int)TcpConnState.None => "nf_conntrack_tcp_timeout_syn_sent",
        (int)TcpConnState.SynRecv => "nf_conntrack_tcp_timeout_syn_recv",
        (int)TcpConnState.Established => "nf_conntrack_tcp_timeout_established",
        (int)TcpConnState.FinWait => "nf_conntrack_tcp_timeout_fin_wait",
        (int)TcpConnState.CloseWait => "nf_conntrack_tcp_timeout_close_wait",
        (int)TcpConnState.LastAck => "nf_conntrack_tcp_timeout_last_ack",
        (int)TcpConnState.TimeWait => "nf_conntrack_tcp_timeout_time_wait",
        (int)TcpConnState.Close => "nf_conntrack_tcp_timeout_close",
        UdpShort => "nf_conntrack_udp_timeout",
        UdpStream => "nf_conntrack_udp_timeout_stream",
        Icmp => "nf_conntrack_icmp_timeout",
        Icmpv6 => "nf_conntrack_icmpv6_timeout",
        Gre => "nf_conntrack_gre_timeout_stream",
        Generic => "nf_conntrack_generic_timeout",
        _ => null,
    };
}
