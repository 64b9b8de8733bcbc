namespace Conntrack.Capture;

/// <summary>
/// Link-layer header type of a captured frame (the LINKTYPE_ registry values used in pcap and pcapng).
/// Values not named here are still carried through as plain numbers.
/// </summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,

    /// <summary>Ethernet II / IEEE 802.3, possibly with 802.1Q/802.1ad tags.</summary>
    Ethernet = 1,

    /// <summary>Raw IP; the version comes from the first nibble.</summary>
    Raw = 101,

    /// <summary>OpenBSD loopback: 4-byte address family in network byte order.</summary>
    Loop = 108,

    /// <summary>Linux "cooked" capture, version 1 (16-byte header).</summary>
    LinuxSll = 113,

    /// <summary>Raw IPv4.</summary>
    Ipv4 = 228,

    /// <summary>Raw IPv6.</summary>
    Ipv6 = 229,

    /// <summary>Linux "cooked" capture, version 2 (20-byte header).</summary>
    LinuxSll2 = 276,
}
