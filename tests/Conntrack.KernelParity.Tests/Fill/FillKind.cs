namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// What one filled entry is: the packets sent for it decide its protocol, state and flags in the kernel.
/// Timeouts are the namespace's defaults (the filler changes none): the short ones expire during a long test.
/// </summary>
internal enum FillKind
{
    /// <summary>SYN: SYN_SENT, UNREPLIED, 120 s.</summary>
    TcpSynSent,

    /// <summary>SYN, SYN/ACK: SYN_RECV, 60 s.</summary>
    TcpSynRecv,

    /// <summary>SYN, SYN/ACK, ACK: ESTABLISHED, ASSURED, 5 days (what a full table of real connections holds).</summary>
    TcpEstablished,

    /// <summary>Established, then the client's FIN: FIN_WAIT, ASSURED, 120 s.</summary>
    TcpFinWait,

    /// <summary>FIN_WAIT, then the server's ACK: CLOSE_WAIT, 60 s.</summary>
    TcpCloseWait,

    /// <summary>CLOSE_WAIT, then the server's FIN: LAST_ACK, 30 s.</summary>
    TcpLastAck,

    /// <summary>LAST_ACK, then the client's ACK: TIME_WAIT, 120 s.</summary>
    TcpTimeWait,

    /// <summary>Established, then the client's RST: CLOSE, 10 s.</summary>
    TcpClose,

    /// <summary>One datagram to port 53: UNREPLIED, 30 s.</summary>
    UdpUnreplied,

    /// <summary>
    /// Query, answer, and a second query more than 2 s after the first (the kernel's stream test,
    /// <c>stream_ts</c>): ASSURED, 120 s. The late datagrams go in a second replay, so a fill with these takes 2 s more.
    /// </summary>
    UdpAssured,

    /// <summary>One ICMP (or ICMPv6) echo request: UNREPLIED, 30 s.</summary>
    IcmpEcho,

    /// <summary>
    /// GRE version 0 both ways (RFC 2784, keys 0: one entry per address pair): ASSURED, 180 s.
    /// Masquerade cannot tell such entries apart (no ports, no keys), so it is refused for this kind.
    /// </summary>
    Gre,

    /// <summary>INIT, INIT_ACK, COOKIE_ECHO, COOKIE_ACK: SCTP ESTABLISHED, ASSURED, 210 s.</summary>
    SctpEstablished,
}
