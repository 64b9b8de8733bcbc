using Conntrack.Flows;

namespace Conntrack.Host.Tables;

/// <summary>
/// Which <c>nf_conntrack_*_timeout*</c> sysctl set an entry's current timeout, from what the table line
/// shows: the TCP/SCTP state, UDP and GRE "stream" once ASSURED, the protocol's timeout otherwise.
/// (TCP entries on the 300-s retransmission/unacknowledged caps cannot be told apart from a line;
/// they are counted under their state.)
/// </summary>
public static class TimeoutClasses
{
    /// <summary>The canonical sysctl name, or null when no sysctl governs the entry (DCCP, unknown states).</summary>
    public static string? SettingFor(byte protocol, byte state, bool assured, bool unreplied)
    {
        switch (protocol)
        {
            case IpProtocol.Tcp:
                return TableStates.Name(state) switch
                {
                    "SYN_SENT" or "SYN_SENT2" or "NONE" or "LISTEN" => "nf_conntrack_tcp_timeout_syn_sent",
                    "SYN_RECV" => "nf_conntrack_tcp_timeout_syn_recv",
                    "ESTABLISHED" => "nf_conntrack_tcp_timeout_established",
                    "FIN_WAIT" => "nf_conntrack_tcp_timeout_fin_wait",
                    "CLOSE_WAIT" => "nf_conntrack_tcp_timeout_close_wait",
                    "LAST_ACK" => "nf_conntrack_tcp_timeout_last_ack",
                    "TIME_WAIT" => "nf_conntrack_tcp_timeout_time_wait",
                    "CLOSE" => "nf_conntrack_tcp_timeout_close",
                    _ => null,
                };
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
                return assured ? "nf_conntrack_udp_timeout_stream" : "nf_conntrack_udp_timeout";
            case IpProtocol.Icmp:
                return "nf_conntrack_icmp_timeout";
            case IpProtocol.IcmpV6:
                return "nf_conntrack_icmpv6_timeout";
            case IpProtocol.Gre:
                return unreplied ? "nf_conntrack_gre_timeout" : "nf_conntrack_gre_timeout_stream";
            case IpProtocol.Sctp:
                return TableStates.Name(state) switch
                {
                    "CLOSED" or "NONE" => "nf_conntrack_sctp_timeout_closed",
                    "COOKIE_WAIT" => "nf_conntrack_sctp_timeout_cookie_wait",
                    "COOKIE_ECHOED" => "nf_conntrack_sctp_timeout_cookie_echoed",
                    "ESTABLISHED" => "nf_conntrack_sctp_timeout_established",
                    "SHUTDOWN_SENT" => "nf_conntrack_sctp_timeout_shutdown_sent",
                    "SHUTDOWN_RECD" => "nf_conntrack_sctp_timeout_shutdown_recd",
                    "SHUTDOWN_ACK_SENT" => "nf_conntrack_sctp_timeout_shutdown_ack_sent",
                    "HEARTBEAT_SENT" or "HEARTBEAT_ACKED" => "nf_conntrack_sctp_timeout_heartbeat_sent",
                    _ => null,
                };
            case IpProtocol.Dccp:
                return null;
            default:
                return "nf_conntrack_generic_timeout";
        }
    }
}
