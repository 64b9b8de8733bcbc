namespace Conntrack.Timeouts;

/// <summary>
/// The timeout vocabulary, defined once: per <see cref="TimeoutClass"/> its sysctl, the default of a
/// 6.x kernel and a one-line description. <see cref="Settings.ConntrackSettings"/> builds its timeout
/// descriptors from these rows.
/// </summary>
public static class TimeoutClasses
{
    public const int Count = (int)TimeoutClass.SctpHeartbeatSent + 1;

    /// <summary>Indexed by <see cref="TimeoutClass"/>.</summary>
    private static readonly TimeoutDefinition[] Definitions =
    [
        new(TimeoutClass.TcpSynSent, "nf_conntrack_tcp_timeout_syn_sent", 120, "TCP SYN_SENT and SYN_SENT2"),
        new(TimeoutClass.TcpSynRecv, "nf_conntrack_tcp_timeout_syn_recv", 60, "TCP SYN_RECV"),
        new(TimeoutClass.TcpEstablished, "nf_conntrack_tcp_timeout_established", 432000, "TCP ESTABLISHED"),
        new(TimeoutClass.TcpFinWait, "nf_conntrack_tcp_timeout_fin_wait", 120, "TCP FIN_WAIT"),
        new(TimeoutClass.TcpCloseWait, "nf_conntrack_tcp_timeout_close_wait", 60, "TCP CLOSE_WAIT"),
        new(TimeoutClass.TcpLastAck, "nf_conntrack_tcp_timeout_last_ack", 30, "TCP LAST_ACK"),
        new(TimeoutClass.TcpTimeWait, "nf_conntrack_tcp_timeout_time_wait", 120, "TCP TIME_WAIT"),
        new(TimeoutClass.TcpClose, "nf_conntrack_tcp_timeout_close", 10, "TCP CLOSE"),
        new(TimeoutClass.TcpMaxRetrans, "nf_conntrack_tcp_timeout_max_retrans", 300, "TCP after max_retrans retransmissions"),
        new(TimeoutClass.TcpUnacknowledged, "nf_conntrack_tcp_timeout_unacknowledged", 300, "TCP with unacknowledged data"),
        new(TimeoutClass.Udp, "nf_conntrack_udp_timeout", 30, "UDP before a reply (and in the first 2 s)"),
        new(TimeoutClass.UdpStream, "nf_conntrack_udp_timeout_stream", 120, "UDP streams"),
        new(TimeoutClass.Icmp, "nf_conntrack_icmp_timeout", 30, "ICMP"),
        new(TimeoutClass.Icmpv6, "nf_conntrack_icmpv6_timeout", 30, "ICMPv6"),
        new(TimeoutClass.Generic, "nf_conntrack_generic_timeout", 600, "protocols without a tracker"),
        new(TimeoutClass.Gre, "nf_conntrack_gre_timeout", 30, "GRE before a reply"),
        new(TimeoutClass.GreStream, "nf_conntrack_gre_timeout_stream", 180, "GRE streams"),
        new(TimeoutClass.SctpClosed, "nf_conntrack_sctp_timeout_closed", 10, "SCTP CLOSED"),
        new(TimeoutClass.SctpCookieWait, "nf_conntrack_sctp_timeout_cookie_wait", 3, "SCTP COOKIE_WAIT"),
        new(TimeoutClass.SctpCookieEchoed, "nf_conntrack_sctp_timeout_cookie_echoed", 3, "SCTP COOKIE_ECHOED"),
        new(TimeoutClass.SctpEstablished, "nf_conntrack_sctp_timeout_established", 210, "SCTP ESTABLISHED"),
        new(TimeoutClass.SctpShutdownSent, "nf_conntrack_sctp_timeout_shutdown_sent", 3, "SCTP SHUTDOWN_SENT"),
        new(TimeoutClass.SctpShutdownRecd, "nf_conntrack_sctp_timeout_shutdown_recd", 3, "SCTP SHUTDOWN_RECD"),
        new(TimeoutClass.SctpShutdownAckSent, "nf_conntrack_sctp_timeout_shutdown_ack_sent", 3, "SCTP SHUTDOWN_ACK_SENT"),
        new(TimeoutClass.SctpHeartbeatSent, "nf_conntrack_sctp_timeout_heartbeat_sent", 30, "SCTP HEARTBEAT_SENT"),
    ];

    /// <summary>Every class in <see cref="TimeoutClass"/> order.</summary>
    public static IReadOnlyList<TimeoutDefinition> All => Definitions;

    public static TimeoutDefinition Definition(this TimeoutClass timeout) => Definitions[(int)timeout];

    /// <summary>The kernel's sysctl name, e.g. <c>nf_conntrack_tcp_timeout_established</c>.</summary>
    public static string SysctlName(this TimeoutClass timeout) => Definitions[(int)timeout].SysctlName;
}
