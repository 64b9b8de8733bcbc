namespace Conntrack.Replay;

/// <summary>Why a record delivered by the capture reader did not reach the tracker.</summary>
public enum SkipReason
{
    /// <summary>The frame carries something other than IP (ARP, LLDP…): the kernel's conntrack never sees it.</summary>
    NotIp,

    /// <summary>The frame ends inside its link-layer header.</summary>
    LinkTruncated,

    /// <summary>A link type the decoder does not know.</summary>
    UnsupportedLinkType,

    /// <summary>
    /// In the host view, a loopback packet captured a second time as received on lo (tcpdump -i any):
    /// the kernel tracked it once, when it was sent, and skips it at PRE_ROUTING.
    /// </summary>
    LoopbackCopy,
}
