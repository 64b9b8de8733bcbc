using System.Runtime.InteropServices;

namespace Conntrack.Protocols;

/// <summary>
/// Per-protocol state stored inline in every entry, overlaid like the kernel's <c>union nf_conntrack_proto</c>.
/// Only the protocol's own tracker reads its member.
/// </summary>
[StructLayout(LayoutKind.Explicit)]
public struct ProtocolState
{
    [FieldOffset(0)]
    public TcpConnection Tcp;

    [FieldOffset(0)]
    public SctpConnection Sctp;

    [FieldOffset(0)]
    public UdpConnection Udp;
}
