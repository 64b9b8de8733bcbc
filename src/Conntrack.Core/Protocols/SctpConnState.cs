namespace Conntrack.Protocols;

/// <summary>SCTP conntrack states with the kernel's numbers (<c>enum sctp_conntrack</c>).</summary>
public enum SctpConnState : byte
{
    None = 0,
    Closed = 1,
    CookieWait = 2,
    CookieEchoed = 3,
    Established = 4,
    ShutdownSent = 5,
    ShutdownRecd = 6,
    ShutdownAckSent = 7,
    HeartbeatSent = 8,

    /// <summary>Transition-table marker: invalid (kernel sIV / SCTP_CONNTRACK_MAX).</summary>
    Invalid = 9,
}
