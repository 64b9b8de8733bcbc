namespace Conntrack.Capture;

/// <summary>Outcome of <see cref="LinkLayer.TryGetNetworkLayer"/>.</summary>
public enum LinkDecodeStatus
{
    /// <summary>An IPv4 or IPv6 packet was found.</summary>
    Ok,

    /// <summary>The frame ends inside the link-layer header (or right after it).</summary>
    Truncated,

    /// <summary>The frame is well formed but carries something other than IP (ARP, LLC, too many VLAN tags, …).</summary>
    NotIp,

    /// <summary>The link type is not one this decoder understands.</summary>
    UnsupportedLinkType,
}
