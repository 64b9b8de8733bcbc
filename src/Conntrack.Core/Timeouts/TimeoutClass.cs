namespace Conntrack.Timeouts;

/// <summary>
/// Every timeout the kernel's trackers choose from, one per <c>nf_conntrack_*_timeout*</c> sysctl; the
/// values index <see cref="Protocols.TrackerConfig"/> and <see cref="TimeoutClasses.All"/>.
/// </summary>
public enum TimeoutClass : byte
{
    TcpSynSent,
    TcpSynRecv,
    TcpEstablished,
    TcpFinWait,
    TcpCloseWait,
    TcpLastAck,
    TcpTimeWait,
    TcpClose,
    TcpMaxRetrans,
    TcpUnacknowledged,
    Udp,
    UdpStream,
    Icmp,
    Icmpv6,
    Generic,
    Gre,
    GreStream,
    SctpClosed,
    SctpCookieWait,
    SctpCookieEchoed,
    SctpEstablished,
    SctpShutdownSent,
    SctpShutdownRecd,
    SctpShutdownAckSent,
    SctpHeartbeatSent,
}
