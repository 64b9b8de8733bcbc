namespace Conntrack.Protocols;

/// <summary>One direction's sequence-space view (kernel <c>struct ip_ct_tcp_state</c>), packed to its 18 bytes.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 1)]
public struct TcpWindowState
{
    public uint End;
    public uint MaxEnd;
    public uint MaxWindow;
    public uint MaxAck;
    public byte Scale;
    public TcpWindowFlags Flags;
}

/// <summary>Per-direction flags (<c>IP_CT_TCP_FLAG_*</c>).</summary>
[Flags]
public enum TcpWindowFlags : byte
{
    None = 0,
    WindowScale = 0x01,
    SackPermitted = 0x02,
    CloseInit = 0x04,
    BeLiberal = 0x08,
    DataUnacknowledged = 0x10,
    MaxAckSet = 0x20,
    ChallengeAck = 0x40,
    SimultaneousOpen = 0x80,
}
