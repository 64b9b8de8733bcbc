namespace Conntrack.Protocols;

/// <summary>TCP conntrack states with the kernel's numbers (<c>enum tcp_conntrack</c>).</summary>
public enum TcpConnState : byte
{
    None = 0,
    SynSent = 1,
    SynRecv = 2,
    Established = 3,
    FinWait = 4,
    CloseWait = 5,
    LastAck = 6,
    TimeWait = 7,
    Close = 8,
    SynSent2 = 9,

    /// <summary>Transition-table marker: the packet is invalid (kernel sIV / TCP_CONNTRACK_MAX).</summary>
    Invalid = 10,

    /// <summary>Transition-table marker: accept the packet but change nothing (kernel sIG).</summary>
    Ignore = 11,
}
