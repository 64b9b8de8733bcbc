namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>What the namespace's nftables rules do to a group's entries (combinable).</summary>
[Flags]
internal enum FillTreatment
{
    None = 0,

    /// <summary><c>ct zone set</c> at raw priority in both directions: the entries live in <see cref="FillSpec.Zone"/>.</summary>
    Zone = 1,

    /// <summary><c>ct mark set</c> in forward: the entries carry <see cref="FillSpec.Mark"/>.</summary>
    Mark = 2,

    /// <summary>
    /// <c>masquerade</c> out of b1: the reply tuple's destination is the router's own address
    /// (<see cref="Kernel.ParityTopology.RouterIpv4"/>). Ports stay unique, so the kernel keeps them and the
    /// replies the filler sends match: a masqueraded group holds at most <see cref="FillSpec.MaxMasqueraded"/> entries.
    /// </summary>
    Masquerade = 4,

    /// <summary><c>dnat</c> in prerouting to a second server address: the reply tuple's source is that address.</summary>
    Dnat = 8,
}
