using System.Buffers.Binary;

namespace Conntrack.Capture;

public static partial class PacketBuilder
{
    /// <summary>Locally administered MAC used as the default destination (02:00:00:00:00:02).</summary>
    public const ulong DefaultDestinationMac = 0x0200_0000_0002;

    /// <summary>Locally administered MAC used as the default source (02:00:00:00:00:01).</summary>
    public const ulong DefaultSourceMac = 0x0200_0000_0001;

    private const int EthernetHeaderLength = 14;
    private const int SllHeaderLength = 16;
    private const int Sll2HeaderLength = 20;

    /// <summary>
    /// Writes an Ethernet II frame with default MAC addresses. One VLAN tag uses TPID 0x8100; with
    /// several, the outermost uses 0x88a8 (802.1ad) and the inner ones 0x8100.
    /// </summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="etherType">Ethertype of the payload (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, …).</param>
    /// <param name="payload">Bytes after the link header.</param>
    /// <param name="vlanIds">Tag control fields, outermost first; the low 12 bits are the VLAN id.</param>
    public static int Ethernet(Span<byte> dst, ushort etherType, ReadOnlySpan<byte> payload, params ReadOnlySpan<ushort> vlanIds) =>
        Ethernet(dst, DefaultDestinationMac, DefaultSourceMac, etherType, payload, vlanIds);

    /// <summary>Writes an Ethernet II frame with explicit addresses and optional padding.</summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="destinationMac">Destination MAC in the low 48 bits.</param>
    /// <param name="sourceMac">Source MAC in the low 48 bits.</param>
    /// <param name="etherType">Ethertype of the payload.</param>
    /// <param name="payload">Bytes after the link header.</param>
    /// <param name="vlanIds">Tag control fields, outermost first.</param>
    /// <param name="minimumLength">Pads with zeros up to this frame length (60 mimics a NIC's minimum frame without FCS).</param>
    public static int Ethernet(
        Span<byte> dst,
        ulong destinationMac,
        ulong sourceMac,
        ushort etherType,
        ReadOnlySpan<byte> payload,
        ReadOnlySpan<ushort> vlanIds = default,
        int minimumLength = 0)
    {
        int headerLength = EthernetHeaderLength + (4 * vlanIds.Length);
        int length = Math.Max(headerLength + payload.Length, minimumLength);
        Require(dst, length);
        payload.CopyTo(dst[headerLength..]);
        dst[(headerLength + payload.Length)..length].Clear();
        WriteMac(dst, destinationMac);
        WriteMac(dst[6..], sourceMac);
        int offset = 12;
        for (int i = 0; i < vlanIds.Length; i++)
        {
            ushort tpid = i == 0 && vlanIds.Length > 1 ? (ushort)0x88A8 : (ushort)0x8100;
            BinaryPrimitives.WriteUInt16BigEndian(dst[offset..], tpid);
            BinaryPrimitives.WriteUInt16BigEndian(dst[(offset + 2)..], vlanIds[i]);
            offset += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(dst[offset..], etherType);
        return length;
    }

    /// <summary>Writes a Linux cooked-capture (SLL, link type 113) frame.</summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="protocol">Ethertype of the payload.</param>
    /// <param name="payload">Bytes after the 16-byte header.</param>
    /// <param name="packetType">0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.</param>
    /// <param name="addressType">ARPHRD_ type of the device (1 = Ethernet).</param>
    /// <param name="linkAddress">Link-layer source address, 6 bytes in the low 48 bits.</param>
    public static int LinuxSll(Span<byte> dst, ushort protocol, ReadOnlySpan<byte> payload, ushort packetType = 0, ushort addressType = 1, ulong linkAddress = DefaultSourceMac)
    {
        int length = SllHeaderLength + payload.Length;
        Require(dst, length);
        payload.CopyTo(dst[SllHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(dst, packetType);
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], addressType);
        BinaryPrimitives.WriteUInt16BigEndian(dst[4..], 6);
        WriteMac(dst[6..], linkAddress);
        dst[12..14].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(dst[14..], protocol);
        return length;
    }

    /// <summary>Writes a Linux cooked-capture v2 (SLL2, link type 276) frame.</summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="protocol">Ethertype of the payload.</param>
    /// <param name="payload">Bytes after the 20-byte header.</param>
    /// <param name="interfaceIndex">Capturing interface's index.</param>
    /// <param name="packetType">0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.</param>
    /// <param name="addressType">ARPHRD_ type of the device (1 = Ethernet).</param>
    /// <param name="linkAddress">Link-layer source address, 6 bytes in the low 48 bits.</param>
    public static int LinuxSll2(Span<byte> dst, ushort protocol, ReadOnlySpan<byte> payload, int interfaceIndex = 1, byte packetType = 0, ushort addressType = 1, ulong linkAddress = DefaultSourceMac)
    {
        int length = Sll2HeaderLength + payload.Length;
        Require(dst, length);
        payload.CopyTo(dst[Sll2HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(dst, protocol);
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], 0);
        BinaryPrimitives.WriteInt32BigEndian(dst[4..], interfaceIndex);
        BinaryPrimitives.WriteUInt16BigEndian(dst[8..], addressType);
        dst[10] = packetType;
        dst[11] = 6;
        WriteMac(dst[12..], linkAddress);
        dst[18..20].Clear();
        return length;
    }

    /// <summary>Writes a BSD loopback frame (link type 0 or 108): a 4-byte address family, then the packet.</summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="family">Address family: 2 for IPv4; 10, 24, 28 or 30 for IPv6 depending on the OS.</param>
    /// <param name="payload">The IP packet.</param>
    /// <param name="bigEndian">Network byte order (as LINKTYPE_LOOP requires) instead of little-endian host order.</param>
    public static int BsdNull(Span<byte> dst, uint family, ReadOnlySpan<byte> payload, bool bigEndian = false)
    {
        int length = 4 + payload.Length;
        Require(dst, length);
        payload.CopyTo(dst[4..]);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dst, family);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(dst, family);
        }

        return length;
    }

    private static void WriteMac(Span<byte> dst, ulong mac)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, (ushort)(mac >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(dst[2..], (uint)mac);
    }
}
