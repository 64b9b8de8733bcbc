using System.Buffers.Binary;
using Conntrack.Packets;

namespace Conntrack.Capture;

public static partial class PacketBuilder
{
    /// <summary>
    /// Splits a built IPv4 packet into fragments written back to back into <paramref name="destination"/>.
    /// The first fragment keeps all options, later ones only those with the "copied" bit (RFC 791). DF is
    /// cleared; an already-fragmented packet is refragmented relative to its own offset and MF flag.
    /// </summary>
    /// <param name="ipPacket">The packet to split (must not overlap <paramref name="destination"/>).</param>
    /// <param name="fragmentPayloadSize">Data bytes per fragment; rounded down to a multiple of 8 (at least 8).</param>
    /// <param name="destination">Receives the fragments.</param>
    /// <param name="fragments">Receives each fragment's range in <paramref name="destination"/>.</param>
    /// <returns>The number of fragments.</returns>
    public static int Fragment4(ReadOnlySpan<byte> ipPacket, int fragmentPayloadSize, Span<byte> destination, Span<Range> fragments)
    {
        if (ipPacket.Length < Ipv4HeaderLength || ipPacket[0] >> 4 != 4)
        {
            throw new ArgumentException("not an IPv4 packet", nameof(ipPacket));
        }

        int headerLength = (ipPacket[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ipPacket[2..]);
        if (headerLength < Ipv4HeaderLength || totalLength < headerLength || totalLength > ipPacket.Length)
        {
            throw new ArgumentException("IPv4 header and total length are inconsistent", nameof(ipPacket));
        }

        int chunk = ChunkSize(fragmentPayloadSize);
        ReadOnlySpan<byte> header = ipPacket[..headerLength];
        ReadOnlySpan<byte> payload = ipPacket[headerLength..totalLength];
        ushort flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(ipPacket[6..]);
        int baseOffset8 = flagsAndOffset & 0x1FFF;
        bool originalMore = (flagsAndOffset & 0x2000) != 0;

        Span<byte> laterOptions = stackalloc byte[MaxIpv4Options];
        int laterOptionsLength = CopiedOptions(header[Ipv4HeaderLength..], laterOptions);
        int laterHeaderLength = Ipv4HeaderLength + Pad4(laterOptionsLength);

        int count = FragmentCount(payload.Length, chunk, fragments.Length);
        int position = 0;
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            int size = Math.Min(chunk, payload.Length - sent);
            int fragmentHeaderLength = i == 0 ? headerLength : laterHeaderLength;
            int fragmentLength = fragmentHeaderLength + size;
            int offset8 = baseOffset8 + (sent / 8);
            if (offset8 > 0x1FFF)
            {
                throw new ArgumentException("fragment offset exceeds the 13-bit field", nameof(ipPacket));
            }

            Require(destination[position..], fragmentLength);
            Span<byte> fragment = destination.Slice(position, fragmentLength);
            if (i == 0)
            {
                header.CopyTo(fragment);
            }
            else
            {
                header[..Ipv4HeaderLength].CopyTo(fragment);
                laterOptions[..laterOptionsLength].CopyTo(fragment[Ipv4HeaderLength..]);
                fragment[(Ipv4HeaderLength + laterOptionsLength)..laterHeaderLength].Clear();
                fragment[0] = (byte)(0x40 | (laterHeaderLength / 4));
            }

            payload.Slice(sent, size).CopyTo(fragment[fragmentHeaderLength..]);
            bool more = sent + size < payload.Length || originalMore;
            BinaryPrimitives.WriteUInt16BigEndian(fragment[2..], (ushort)fragmentLength);
            BinaryPrimitives.WriteUInt16BigEndian(fragment[6..], (ushort)((more ? 0x2000 : 0) | offset8));
            SetIpv4HeaderChecksum(fragment, fragmentHeaderLength);

            fragments[i] = new Range(position, position + fragmentLength);
            position += fragmentLength;
            sent += size;
        }

        return count;
    }

    /// <summary>
    /// Splits a built IPv6 packet into fragments written back to back into <paramref name="destination"/>.
    /// Hop-by-hop and routing headers (and destination options before a routing header) are repeated in every
    /// fragment; a Fragment header follows them; everything after is split.
    /// </summary>
    /// <param name="ipPacket">The packet to split (must not overlap <paramref name="destination"/>).</param>
    /// <param name="fragmentPayloadSize">Fragmentable bytes per fragment; rounded down to a multiple of 8 (at least 8).</param>
    /// <param name="identification">Identification for the Fragment headers.</param>
    /// <param name="destination">Receives the fragments.</param>
    /// <param name="fragments">Receives each fragment's range in <paramref name="destination"/>.</param>
    /// <returns>The number of fragments.</returns>
    public static int Fragment6(ReadOnlySpan<byte> ipPacket, int fragmentPayloadSize, uint identification, Span<byte> destination, Span<Range> fragments)
    {
        if (ipPacket.Length < Ipv6HeaderLength || ipPacket[0] >> 4 != 6)
        {
            throw new ArgumentException("not an IPv6 packet", nameof(ipPacket));
        }

        int totalLength = Ipv6HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(ipPacket[4..]);
        if (totalLength > ipPacket.Length)
        {
            throw new ArgumentException("IPv6 payload length exceeds the packet", nameof(ipPacket));
        }

        int chunk = ChunkSize(fragmentPayloadSize);
        ReadOnlySpan<byte> packet = ipPacket[..totalLength];
        (int perFragmentLength, int nextHeaderField) = EndOfExtensionChain(packet, stopAtFragmentable: true);
        byte fragmentableType = packet[nextHeaderField];
        ReadOnlySpan<byte> fragmentable = packet[perFragmentLength..];

        int count = FragmentCount(fragmentable.Length, chunk, fragments.Length);
        int position = 0;
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            int size = Math.Min(chunk, fragmentable.Length - sent);
            int fragmentLength = perFragmentLength + Ipv6ExtensionHeader.FragmentHeaderLength + size;
            Require(destination[position..], fragmentLength);
            Span<byte> fragment = destination.Slice(position, fragmentLength);
            packet[..perFragmentLength].CopyTo(fragment);
            fragment[nextHeaderField] = Ipv6ExtensionHeader.Fragment;
            BinaryPrimitives.WriteUInt16BigEndian(fragment[4..], (ushort)(fragmentLength - Ipv6HeaderLength));
            Span<byte> fragmentHeader = fragment.Slice(perFragmentLength, Ipv6ExtensionHeader.FragmentHeaderLength);
            fragmentHeader[0] = fragmentableType;
            WriteFragmentFields(fragmentHeader, (ushort)(sent / 8), sent + size < fragmentable.Length, identification);
            fragmentable.Slice(sent, size).CopyTo(fragment[(perFragmentLength + Ipv6ExtensionHeader.FragmentHeaderLength)..]);

            fragments[i] = new Range(position, position + fragmentLength);
            position += fragmentLength;
            sent += size;
        }

        return count;
    }

    private static int ChunkSize(int fragmentPayloadSize)
    {
        int chunk = fragmentPayloadSize & ~7;
        if (chunk < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(fragmentPayloadSize), fragmentPayloadSize, "fragments carry at least 8 bytes of data");
        }

        return chunk;
    }

    private static int FragmentCount(int payloadLength, int chunk, int capacity)
    {
        int count = Math.Max(1, (payloadLength + chunk - 1) / chunk);
        if (count > capacity)
        {
            throw new ArgumentException($"{count} fragments needed, room for {capacity}", nameof(capacity));
        }

        return count;
    }

    /// <summary>Keeps the options whose type has the copied bit (0x80), which RFC 791 repeats in every fragment.</summary>
    private static int CopiedOptions(ReadOnlySpan<byte> options, Span<byte> copied)
    {
        int written = 0;
        int i = 0;
        while (i < options.Length)
        {
            byte type = options[i];
            if (type == 0)
            {
                break; // End of Options
            }

            if (type == 1)
            {
                i++; // No-Operation is not copied
                continue;
            }

            if (i + 1 >= options.Length || options[i + 1] < 2 || i + options[i + 1] > options.Length)
            {
                break; // malformed: keep what was found so far
            }

            int length = options[i + 1];
            if ((type & 0x80) != 0)
            {
                options.Slice(i, length).CopyTo(copied[written..]);
                written += length;
            }

            i += length;
        }

        return written;
    }
}
