using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>Finds the IP packet inside a captured frame, for every link type the reader delivers.</summary>
public static class LinkLayer
{
    /// <summary>Deepest VLAN tag stack accepted; deeper stacks are treated as not IP.</summary>
    public const int MaxVlanTags = 8;

    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const int EthernetHeaderLength = 14;
    private const int SllHeaderLength = 16;
    private const int Sll2HeaderLength = 20;
    private const int NullHeaderLength = 4;
    private const int VlanTagLength = 4;

    /// <summary>Locates the IPv4/IPv6 packet in <paramref name="frame"/>. Allocation-free.</summary>
    /// <param name="linkType">The record's link type.</param>
    /// <param name="frame">The captured bytes, starting with the link-layer header.</param>
    /// <param name="network">Position and version of the IP packet when the result is <see cref="LinkDecodeStatus.Ok"/>.</param>
    public static LinkDecodeStatus TryGetNetworkLayer(LinkType linkType, ReadOnlySpan<byte> frame, out NetworkLayer network)
    {
        network = default;
        switch (linkType)
        {
            case LinkType.Ethernet:
                return frame.Length < EthernetHeaderLength
                    ? LinkDecodeStatus.Truncated
                    : FromEtherType(frame, EthernetHeaderLength, BinaryPrimitives.ReadUInt16BigEndian(frame[12..]), out network);

            case LinkType.LinuxSll:
                return frame.Length < SllHeaderLength
                    ? LinkDecodeStatus.Truncated
                    : FromEtherType(frame, SllHeaderLength, BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), out network);

            case LinkType.LinuxSll2:
                return frame.Length < Sll2HeaderLength
                    ? LinkDecodeStatus.Truncated
                    : FromEtherType(frame, Sll2HeaderLength, BinaryPrimitives.ReadUInt16BigEndian(frame), out network);

            case LinkType.Raw:
                if (frame.IsEmpty)
                {
                    return LinkDecodeStatus.Truncated;
                }

                return (frame[0] >> 4) switch
                {
                    4 => Found(frame, 0, 4, 0, 0, out network),
                    6 => Found(frame, 0, 6, 0, 0, out network),
                    _ => LinkDecodeStatus.NotIp,
                };

            case LinkType.Ipv4:
                return Found(frame, 0, 4, 0, 0, out network);

            case LinkType.Ipv6:
                return Found(frame, 0, 6, 0, 0, out network);

            case LinkType.Null:
            case LinkType.Loop:
                return FromAddressFamily(frame, out network);

            default:
                return LinkDecodeStatus.UnsupportedLinkType;
        }
    }

    /// <summary>Follows VLAN tags from an ethertype field, then maps the final ethertype to an IP version.</summary>
    private static LinkDecodeStatus FromEtherType(ReadOnlySpan<byte> frame, int offset, ushort etherType, out NetworkLayer network)
    {
        network = default;
        ushort outerVlan = 0;
        int tags = 0;
        while (etherType is 0x8100 or 0x88A8 or 0x9100)
        {
            if (tags == MaxVlanTags)
            {
                return LinkDecodeStatus.NotIp;
            }

            if (frame.Length < offset + VlanTagLength)
            {
                return LinkDecodeStatus.Truncated;
            }

            if (tags == 0)
            {
                outerVlan = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) & 0x0FFF);
            }

            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]);
            offset += VlanTagLength;
            tags++;
        }

        return etherType switch
        {
            EtherTypeIpv4 => Found(frame, offset, 4, outerVlan, tags, out network),
            EtherTypeIpv6 => Found(frame, offset, 6, outerVlan, tags, out network),
            _ => LinkDecodeStatus.NotIp,
        };
    }

    /// <summary>
    /// BSD loopback: a 4-byte address family whose byte order depends on the capturing host
    /// (and is network order for LINKTYPE_LOOP), so both orders are accepted.
    /// </summary>
    private static LinkDecodeStatus FromAddressFamily(ReadOnlySpan<byte> frame, out NetworkLayer network)
    {
        network = default;
        if (frame.Length < NullHeaderLength)
        {
            return LinkDecodeStatus.Truncated;
        }

        uint family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xFFFF)
        {
            family = BinaryPrimitives.ReverseEndianness(family);
        }

        return family switch
        {
            2 => Found(frame, NullHeaderLength, 4, 0, 0, out network),

            // AF_INET6 differs per OS: Linux 10, OpenBSD/NetBSD 24, FreeBSD 28, macOS 30.
            10 or 24 or 28 or 30 => Found(frame, NullHeaderLength, 6, 0, 0, out network),
            _ => LinkDecodeStatus.NotIp,
        };
    }

    private static LinkDecodeStatus Found(ReadOnlySpan<byte> frame, int offset, byte version, ushort outerVlan, int tags, out NetworkLayer network)
    {
        if (frame.Length <= offset)
        {
            network = default;
            return LinkDecodeStatus.Truncated;
        }

        network = new NetworkLayer(offset, frame.Length - offset, version, outerVlan, (byte)tags);
        return LinkDecodeStatus.Ok;
    }
}
