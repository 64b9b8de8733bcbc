namespace Conntrack.Table;

/// <summary>
/// The netfilter hook where conntrack first meets a packet (nf_conntrack_in runs at both): what
/// checks come before it and which apply to it depend on the hook.
/// </summary>
public enum NetfilterHook : byte
{
    /// <summary>A packet received from a device: ip_rcv's header checks before, L4 checksums verified, martians routed away after.</summary>
    PreRouting,

    /// <summary>A packet the host itself sends (loopback traffic included): no receive checks, no checksum verification, no input routing.</summary>
    LocalOut,
}
