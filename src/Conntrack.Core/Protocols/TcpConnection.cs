namespace Conntrack.Protocols;

/// <summary>TCP state kept inline in an entry (kernel <c>struct ip_ct_tcp</c>).</summary>
public struct TcpConnection
{
    public TcpWindowState Original;
    public TcpWindowState Reply;
    public uint LastSeq;
    public uint LastAck;
    public uint LastEnd;
    public ushort LastWindow;
    public TcpConnState State;
    public byte LastIndex;
    public byte LastDirection;
    public byte Retransmissions;
    public byte LastWindowScale;
    public TcpWindowFlags LastFlags;
}
