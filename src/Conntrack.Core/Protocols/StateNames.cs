namespace Conntrack.Protocols;

/// <summary>Protocol state names as /proc/net/nf_conntrack and conntrack(8) print them.</summary>
public static class StateNames
{
    /// <summary>TCP (<c>tcp_conntrack_names</c>).</summary>
    public static string Tcp(TcpConnState state) => state switch
    {
        TcpConnState.None => "NONE",
        TcpConnState.SynSent => "SYN_SENT",
        TcpConnState.SynRecv => "SYN_RECV",
        TcpConnState.Established => "ESTABLISHED",
        TcpConnState.FinWait => "FIN_WAIT",
        TcpConnState.CloseWait => "CLOSE_WAIT",
        TcpConnState.LastAck => "LAST_ACK",
        TcpConnState.TimeWait => "TIME_WAIT",
        TcpConnState.Close => "CLOSE",
        TcpConnState.SynSent2 => "SYN_SENT2",
        _ => "INVALID",
    };

    /// <summary>SCTP (<c>sctp_conntrack_names</c>).</summary>
    public static string Sctp(SctpConnState state) => state switch
    {
        SctpConnState.None => "NONE",
        SctpConnState.Closed => "CLOSED",
        SctpConnState.CookieWait => "COOKIE_WAIT",
        SctpConnState.CookieEchoed => "COOKIE_ECHOED",
        SctpConnState.Established => "ESTABLISHED",
        SctpConnState.ShutdownSent => "SHUTDOWN_SENT",
        SctpConnState.ShutdownRecd => "SHUTDOWN_RECD",
        SctpConnState.ShutdownAckSent => "SHUTDOWN_ACK_SENT",
        SctpConnState.HeartbeatSent => "HEARTBEAT_SENT",
        _ => "INVALID",
    };
}
