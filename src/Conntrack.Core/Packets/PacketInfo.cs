using Conntrack.Flows;

namespace Conntrack.Packets;

/// <summary>
/// Everything the tracker reads from one IP packet, decoded in place by <see cref="PacketParser"/>.
/// A plain struct so a caller can keep one and reuse it for every packet.
/// </summary>
public struct PacketInfo
{
    public ParseStatus Status;
    public L4Status L4Status;

    /// <summary>The packet's tuple as seen on the wire (its own direction).</summary>
    public FlowTuple Tuple;

    /// <summary>Length of the IP packet as the header declares it: the byte count the kernel accounts.</summary>
    public int IpLength;

    /// <summary>Offset of the L4 header within the IP packet.</summary>
    public int L4Offset;

    /// <summary>L4 bytes declared by the IP header (header plus payload).</summary>
    public int L4Length;

    /// <summary>True when the buffer holds fewer bytes than the IP header declares (snap length).</summary>
    public bool Truncated;

    /// <summary>
    /// The capture cut this TCP segment's header after its flags (window or options unseen) though the
    /// kernel saw it whole: the engine cannot re-judge the window, so the connection is tracked liberally.
    /// </summary>
    public bool TcpHeaderCut;

    /// <summary>First fragment of a fragmented packet (more-fragments set, offset 0).</summary>
    public bool FirstFragment;

    /// <summary>An IPv6 fragment header was skipped: an atomic fragment, which reassembly still queues.</summary>
    public bool HasFragmentHeader;

    public TcpFlags TcpFlags;
    public uint Seq;
    public uint Ack;
    public ushort Window;
    public int TcpHeaderLength;

    /// <summary>TCP or UDP payload bytes, from the declared lengths.</summary>
    public int PayloadLength;

    /// <summary>TCP window-scale option shift, or -1 when absent.</summary>
    public sbyte WindowScale;
    public bool SackPermitted;

    /// <summary>Highest right edge among SACK blocks, valid when <see cref="HasSack"/>.</summary>
    public uint SackRightEdge;
    public bool HasSack;

    public byte IcmpType;
    public byte IcmpCode;

    /// <summary>An ICMP/ICMPv6 error carrying the start of an offending packet.</summary>
    public bool IsIcmpError;

    /// <summary>True when the quoted packet's tuple could be extracted.</summary>
    public bool InnerValid;

    /// <summary>Tuple of the quoted packet, in its own direction.</summary>
    public FlowTuple InnerTuple;
}
