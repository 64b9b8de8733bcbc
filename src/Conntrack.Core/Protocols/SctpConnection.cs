namespace Conntrack.Protocols;

/// <summary>SCTP state kept inline in an entry (kernel <c>struct ip_ct_sctp</c>).</summary>
public struct SctpConnection
{
    public SctpConnState State;
    public byte LastDirection;
    public bool HeartbeatVtagFailed;
    public bool InitOriginal;
    public bool InitReply;
    public uint VtagOriginal;
    public uint VtagReply;
}
