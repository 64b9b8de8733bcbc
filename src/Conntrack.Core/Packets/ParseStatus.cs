namespace Conntrack.Packets;

/// <summary>Outcome of parsing an IP packet's L3 and L4 headers.</summary>
public enum ParseStatus : byte
{
    /// <summary>L3 parsed; L4 fields valid as far as <see cref="PacketInfo.L4Status"/> says.</summary>
    Ok,
    /// <summary>Fewer bytes than an IP header needs, or a header length beyond the data.</summary>
    Truncated,
    /// <summary>Not IPv4 or IPv6, or a header field the kernel rejects (IHL &lt; 5, total length &lt; header).</summary>
    BadHeader,
    /// <summary>A fragment other than the first: the kernel sees only reassembled packets.</summary>
    Fragment,
    /// <summary>IPv6 extension header chain that cannot be walked (or ends in No Next Header).</summary>
    BadExtensionHeader,
}

/// <summary>Whether the L4 header the tracker needs is present and sane.</summary>
public enum L4Status : byte
{
    Ok,
    /// <summary>Header shorter than the protocol's minimum (TCP 20, UDP 8, ICMP 8).</summary>
    TooShort,
    /// <summary>A length field that contradicts the packet (TCP data offset, UDP length).</summary>
    Malformed,

    /// <summary>Not even the ports are there: no tuple can be built, so nothing is looked up or allocated.</summary>
    NoTuple,

    /// <summary>
    /// The capture (its snap length) cut the header before the fields the tracker decides by — TCP's
    /// flags — while the IP header says the kernel had them: the packet cannot be judged, so it is
    /// neither tracked nor counted.
    /// </summary>
    Unseen,
}
