using Conntrack.Settings;

namespace Conntrack.Protocols;

/// <summary>
/// Settings as the trackers use them: timeouts in nanoseconds, flags as booleans. Built once per
/// table so the packet path never parses or looks up names.
/// </summary>
public sealed class TrackerConfig
{
    internal const long NanosPerSecond = 1_000_000_000;

    /// <summary>TCP timeouts indexed by <see cref="TcpConnState"/>; index 12 = max_retrans, 13 = unacknowledged.</summary>
    internal readonly long[] TcpTimeouts = new long[14];
    internal const int TcpRetransIndex = 12;
    internal const int TcpUnackIndex = 13;

    /// <summary>SCTP timeouts indexed by <see cref="SctpConnState"/> (NONE uses CLOSED's value, as the kernel).</summary>
    internal readonly long[] SctpTimeouts = new long[9];

    public long UdpTimeout { get; }
    public long UdpStreamTimeout { get; }
    public long IcmpTimeout { get; }
    public long Icmpv6Timeout { get; }
    public long GenericTimeout { get; }
    public long GreTimeout { get; }
    public long GreStreamTimeout { get; }
    public bool TcpLoose { get; }
    public bool TcpBeLiberal { get; }
    public bool TcpIgnoreInvalidRst { get; }
    public int TcpMaxRetrans { get; }
    public bool Checksum { get; }

    public TrackerConfig(ConntrackSettings s)
    {
        long T(string name) => s.Get(name) * NanosPerSecond;
        TcpTimeouts[(int)TcpConnState.None] = T("nf_conntrack_tcp_timeout_syn_sent");
        TcpTimeouts[(int)TcpConnState.SynSent] = T("nf_conntrack_tcp_timeout_syn_sent");
        TcpTimeouts[(int)TcpConnState.SynRecv] = T("nf_conntrack_tcp_timeout_syn_recv");
        TcpTimeouts[(int)TcpConnState.Established] = T("nf_conntrack_tcp_timeout_established");
        TcpTimeouts[(int)TcpConnState.FinWait] = T("nf_conntrack_tcp_timeout_fin_wait");
        TcpTimeouts[(int)TcpConnState.CloseWait] = T("nf_conntrack_tcp_timeout_close_wait");
        TcpTimeouts[(int)TcpConnState.LastAck] = T("nf_conntrack_tcp_timeout_last_ack");
        TcpTimeouts[(int)TcpConnState.TimeWait] = T("nf_conntrack_tcp_timeout_time_wait");
        TcpTimeouts[(int)TcpConnState.Close] = T("nf_conntrack_tcp_timeout_close");
        // SYN_SENT2 has no sysctl of its own: the kernel initialises it from syn_sent.
        TcpTimeouts[(int)TcpConnState.SynSent2] = T("nf_conntrack_tcp_timeout_syn_sent");
        TcpTimeouts[TcpRetransIndex] = T("nf_conntrack_tcp_timeout_max_retrans");
        TcpTimeouts[TcpUnackIndex] = T("nf_conntrack_tcp_timeout_unacknowledged");
        SctpTimeouts[(int)SctpConnState.None] = T("nf_conntrack_sctp_timeout_closed");
        SctpTimeouts[(int)SctpConnState.Closed] = T("nf_conntrack_sctp_timeout_closed");
        SctpTimeouts[(int)SctpConnState.CookieWait] = T("nf_conntrack_sctp_timeout_cookie_wait");
        SctpTimeouts[(int)SctpConnState.CookieEchoed] = T("nf_conntrack_sctp_timeout_cookie_echoed");
        SctpTimeouts[(int)SctpConnState.Established] = T("nf_conntrack_sctp_timeout_established");
        SctpTimeouts[(int)SctpConnState.ShutdownSent] = T("nf_conntrack_sctp_timeout_shutdown_sent");
        SctpTimeouts[(int)SctpConnState.ShutdownRecd] = T("nf_conntrack_sctp_timeout_shutdown_recd");
        SctpTimeouts[(int)SctpConnState.ShutdownAckSent] = T("nf_conntrack_sctp_timeout_shutdown_ack_sent");
        SctpTimeouts[(int)SctpConnState.HeartbeatSent] = T("nf_conntrack_sctp_timeout_heartbeat_sent");
        UdpTimeout = T("nf_conntrack_udp_timeout");
        UdpStreamTimeout = T("nf_conntrack_udp_timeout_stream");
        IcmpTimeout = T("nf_conntrack_icmp_timeout");
        Icmpv6Timeout = T("nf_conntrack_icmpv6_timeout");
        GenericTimeout = T("nf_conntrack_generic_timeout");
        GreTimeout = T("nf_conntrack_gre_timeout");
        GreStreamTimeout = T("nf_conntrack_gre_timeout_stream");
        TcpLoose = s.TcpLoose;
        TcpBeLiberal = s.TcpBeLiberal;
        TcpIgnoreInvalidRst = s.TcpIgnoreInvalidRst;
        TcpMaxRetrans = s.TcpMaxRetrans;
        Checksum = s.Checksum;
    }
}
