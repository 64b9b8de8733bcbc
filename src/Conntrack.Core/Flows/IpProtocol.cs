namespace Conntrack.Flows;

/// <summary>IP protocol numbers the tracker distinguishes.</summary>
public static class IpProtocol
{
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Dccp = 33;
    public const byte Gre = 47;
    public const byte IcmpV6 = 58;
    public const byte Sctp = 132;
    public const byte UdpLite = 136;

    /// <summary>The L4 name the kernel prints in /proc/net/nf_conntrack; "unknown" for generic protocols.</summary>
    public static string Name(byte protocol) => protocol switch
    {
        Icmp => "icmp",
        Tcp => "tcp",
        Udp => "udp",
        Dccp => "dccp",
        Gre => "gre",
        Sctp => "sctp",
        UdpLite => "udplite",
        IcmpV6 => "icmpv6",
        _ => "unknown",
    };
}
