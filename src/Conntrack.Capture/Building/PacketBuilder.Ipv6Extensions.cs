using System.Buffers.Binary;
using Conntrack.Packets;
using static Conntrack.Packets.Ipv6ExtensionHeader;

namespace Conntrack.Capture;

public static partial class PacketBuilder
{
    /// <summary>
    /// Inserts a Hop-by-Hop Options header into a built IPv6 packet, after its existing extension headers
    /// and before the upper layer; the options are padded (Pad1/PadN) to a multiple of 8. Fixes the next-header
    /// chain and payload length; upper-layer checksums stay valid. Returns the new packet length.
    /// </summary>
    /// <param name="packet">Buffer holding the packet, with room for the new header.</param>
    /// <param name="length">Current packet length.</param>
    /// <param name="options">Option TLVs, or empty for a header of padding only.</param>
    public static int AddIpv6HopByHop(Span<byte> packet, int length, ReadOnlySpan<byte> options = default) =>
        AddOptionsHeader(packet, length, HopByHop, options);

    /// <summary>Inserts a Destination Options header; see <see cref="AddIpv6HopByHop"/>.</summary>
    /// <param name="packet">Buffer holding the packet, with room for the new header.</param>
    /// <param name="length">Current packet length.</param>
    /// <param name="options">Option TLVs, or empty for a header of padding only.</param>
    public static int AddIpv6DestinationOptions(Span<byte> packet, int length, ReadOnlySpan<byte> options = default) =>
        AddOptionsHeader(packet, length, DestinationOptions, options);

    /// <summary>
    /// Inserts a Routing header (see <see cref="AddIpv6HopByHop"/> for placement). The destination address
    /// and upper-layer checksum are left as built.
    /// </summary>
    /// <param name="packet">Buffer holding the packet, with room for the new header.</param>
    /// <param name="length">Current packet length.</param>
    /// <param name="routingType">Routing type (e.g. 0, 2, 4 for SRv6).</param>
    /// <param name="segmentsLeft">Segments left.</param>
    /// <param name="typeSpecificData">Data after the first 4 bytes; zero-padded so the header is a multiple of 8.</param>
    public static int AddIpv6Routing(Span<byte> packet, int length, byte routingType, byte segmentsLeft, ReadOnlySpan<byte> typeSpecificData = default)
    {
        int headerLength = Pad8(4 + typeSpecificData.Length);
        Span<byte> header = InsertExtension(packet, length, Routing, headerLength);
        header[2] = routingType;
        header[3] = segmentsLeft;
        typeSpecificData.CopyTo(header[4..]);
        header[(4 + typeSpecificData.Length)..].Clear();
        return length + headerLength;
    }

    /// <summary>Inserts a Fragment header (see <see cref="AddIpv6HopByHop"/> for placement), e.g. to hand-craft odd fragments.</summary>
    /// <param name="packet">Buffer holding the packet, with room for 8 more bytes.</param>
    /// <param name="length">Current packet length.</param>
    /// <param name="identification">Fragment identification.</param>
    /// <param name="fragmentOffset8">Offset of the data after this header, in 8-byte units (0..8191).</param>
    /// <param name="moreFragments">M flag.</param>
    public static int AddIpv6Fragment(Span<byte> packet, int length, uint identification, ushort fragmentOffset8 = 0, bool moreFragments = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fragmentOffset8, (ushort)0x1FFF);
        Span<byte> header = InsertExtension(packet, length, Fragment, FragmentHeaderLength);
        WriteFragmentFields(header, fragmentOffset8, moreFragments, identification);
        return length + FragmentHeaderLength;
    }

    private static int AddOptionsHeader(Span<byte> packet, int length, byte type, ReadOnlySpan<byte> options)
    {
        int headerLength = Pad8(2 + options.Length);
        Span<byte> header = InsertExtension(packet, length, type, headerLength);
        options.CopyTo(header[2..]);
        Span<byte> padding = header[(2 + options.Length)..];
        if (padding.Length == 1)
        {
            padding[0] = 0; // Pad1
        }
        else if (padding.Length > 1)
        {
            padding[0] = 1; // PadN
            padding[1] = (byte)(padding.Length - 2);
            padding[2..].Clear();
        }

        return length + headerLength;
    }

    /// <summary>
    /// Opens a gap of <paramref name="headerLength"/> bytes at the end of the extension chain, links it into
    /// the chain as <paramref name="type"/>, and returns it with its next-header and length bytes filled in.
    /// </summary>
    private static Span<byte> InsertExtension(Span<byte> packet, int length, byte type, int headerLength)
    {
        if (length < Ipv6HeaderLength || length > packet.Length || packet[0] >> 4 != 6)
        {
            throw new ArgumentException("not an IPv6 packet", nameof(packet));
        }

        Require(packet, length + headerLength);
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + headerLength;
        if (payloadLength > ushort.MaxValue)
        {
            throw new ArgumentException("IPv6 payload would exceed 65535 bytes", nameof(packet));
        }

        (int insertAt, int nextHeaderField) = EndOfExtensionChain(packet[..length], stopAtFragmentable: false);
        packet[insertAt..length].CopyTo(packet[(insertAt + headerLength)..]);
        Span<byte> header = packet.Slice(insertAt, headerLength);
        header[0] = packet[nextHeaderField];
        header[1] = type == Fragment ? (byte)0 : (byte)((headerLength / 8) - 1);
        packet[nextHeaderField] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)payloadLength);
        return header;
    }

    /// <summary>
    /// Walks the extension headers. Returns where the chain ends and which byte names the header found there.
    /// With <paramref name="stopAtFragmentable"/>, stops instead after the last header that must be repeated
    /// in every fragment (hop-by-hop, routing, and destination options before a routing header).
    /// </summary>
    private static (int Offset, int NextHeaderField) EndOfExtensionChain(ReadOnlySpan<byte> packet, bool stopAtFragmentable)
    {
        int offset = Ipv6HeaderLength;
        int nextHeaderField = FirstNextHeaderField;
        (int Offset, int Field) perFragmentEnd = (offset, nextHeaderField);
        byte next = packet[nextHeaderField];
        while (next is HopByHop or Routing or DestinationOptions or Fragment or Authentication)
        {
            if (offset + 2 > packet.Length)
            {
                throw new ArgumentException("IPv6 extension header runs past the packet", nameof(packet));
            }

            int headerLength = Ipv6ExtensionHeader.Length(next, packet[offset + 1]);
            if (offset + headerLength > packet.Length)
            {
                throw new ArgumentException("IPv6 extension header runs past the packet", nameof(packet));
            }

            nextHeaderField = offset;
            offset += headerLength;
            if (next is HopByHop or Routing)
            {
                perFragmentEnd = (offset, nextHeaderField);
            }

            next = packet[nextHeaderField];
        }

        return stopAtFragmentable ? perFragmentEnd : (offset, nextHeaderField);
    }

    private static void WriteFragmentFields(Span<byte> header, ushort fragmentOffset8, bool moreFragments, uint identification)
    {
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)((fragmentOffset8 << 3) | (moreFragments ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], identification);
    }

    private static int Pad8(int length) => (length + 7) & ~7;
}
