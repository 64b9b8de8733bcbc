namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// Why the preparer left a packet out of the replay. Apart from <see cref="NotIp"/> and
/// <see cref="OverCap"/>, each is a packet the kernel refuses before its conntrack entry is confirmed
/// (in ip_rcv / ip6_rcv before PRE_ROUTING, or in routing/forwarding after it), so B's table could
/// never show what the engine would make of it: such packets cannot be compared and go to neither side.
/// </summary>
internal enum PacketSkip
{
    /// <summary>Not an IPv4/IPv6 frame (ARP, LLDP, an unknown link type): conntrack never sees it.</summary>
    NotIp,

    /// <summary>The capture holds fewer bytes than the IP header announces (snap length): ip_rcv drops it.</summary>
    Truncated,

    /// <summary>IP version, header length or total length make no sense: ip_rcv / ip6_rcv drop it.</summary>
    Malformed,

    /// <summary>IPv4 source in 0/8, 127/8, multicast or 255.255.255.255: routing drops it as a martian.</summary>
    MartianSource,

    /// <summary>IPv4 destination in 0/8 or 127/8: routing drops it as a martian.</summary>
    MartianDestination,

    /// <summary>Multicast destination of a group B has not joined: dropped, never confirmed.</summary>
    UnjoinedMulticast,

    /// <summary>IPv6 loopback source or destination (ip6_rcv drops it), or unspecified source (ip6_forward drops it).</summary>
    Ipv6LoopbackOrUnspecified,

    /// <summary>IPv6 link-local source or destination on a forwarded packet: ip6_forward / routing refuses it.</summary>
    Ipv6LinkLocal,

    /// <summary>An address of the B–C link (10.202.255.0/30, fd00:202::/64): it would be B's own traffic.</summary>
    TopologyAddress,

    /// <summary>Beyond the per-capture packet cap that keeps the suite's run time bounded.</summary>
    OverCap,
}
