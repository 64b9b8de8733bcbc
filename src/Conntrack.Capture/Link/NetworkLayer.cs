namespace Conntrack.Capture;

/// <summary>Where the IP packet sits inside a link-layer frame.</summary>
/// <param name="Offset">Offset of the IP header within the frame.</param>
/// <param name="Length">Bytes from <paramref name="Offset"/> to the end of the frame (link padding included; the IP parser trims it).</param>
/// <param name="IpVersion">4 or 6, as announced by the link layer (ethertype, family or first nibble).</param>
/// <param name="OuterVlanId">VLAN id (low 12 bits of the TCI) of the outermost tag, or 0 without tags.</param>
/// <param name="VlanTagCount">Number of 802.1Q/802.1ad tags crossed.</param>
public readonly record struct NetworkLayer(int Offset, int Length, byte IpVersion, ushort OuterVlanId, byte VlanTagCount);
