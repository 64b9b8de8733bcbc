namespace Conntrack.Flows;

/// <summary>ICMP and ICMPv6 type rules from nf_conntrack_proto_icmp.c / _icmpv6.c.</summary>
public static class IcmpTypes
{
    /// <summary>Reply type for an ICMP query type (the kernel's <c>invmap</c>), or -1.</summary>
    public static int InverseV4(byte type) => type switch
    {
        8 => 0,
        0 => 8,
        13 => 14,
        14 => 13,
        15 => 16,
        16 => 15,
        17 => 18,
        18 => 17,
        _ => -1,
    };

    /// <summary>Reply type for an ICMPv6 query type, or -1 (echo 128/129, node information 139/140).</summary>
    public static int InverseV6(byte type) => type switch
    {
        128 => 129,
        129 => 128,
        139 => 140,
        140 => 139,
        _ => -1,
    };

    /// <summary>Types that may create an entry (<c>valid_new</c>): requests only.</summary>
    public static bool CreatesEntryV4(byte type) => type is 8 or 13 or 15 or 17;

    public static bool CreatesEntryV6(byte type) => type is 128 or 139;

    /// <summary>ICMP error types whose payload quotes the offending packet.</summary>
    public static bool IsErrorV4(byte type) => type is 3 or 4 or 5 or 11 or 12;

    /// <summary>ICMPv6 types below 128 are errors.</summary>
    public static bool IsErrorV6(byte type) => type < 128;

    /// <summary>Neighbour discovery and MLD types the kernel marks UNTRACKED.</summary>
    public static bool IsUntrackedV6(byte type) => type is >= 130 and <= 136 or 143 or 151 or 152;
}
