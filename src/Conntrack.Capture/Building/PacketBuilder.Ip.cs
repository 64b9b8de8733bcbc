using System.Buffers.Binary;
using Conntrack.Packets;

namespace Conntrack.Capture;

/// <summary>
/// Builds packets into caller-provided spans with correct lengths and checksums, for tests and traffic
/// generators. Every method returns the number of bytes written and allocates nothing. IPv4 addresses
/// are host-order <see cref="uint"/>s (0x0A000001 is 10.0.0.1); IPv6 addresses are 16-byte spans.
/// </summary>
public static partial class PacketBuilder
{
    /// <summary>Fixed IPv4 header length (no options).</summary>
    public const int Ipv4HeaderLength = 20;

    /// <summary>Fixed IPv6 header length.</summary>
    public const int Ipv6HeaderLength = 40;

    private const int MaxIpv4Options = 40;

    /// <summary>
    /// Writes an IPv4 packet around an already-built payload (whose checksum, if any, is the caller's job).
    /// </summary>
    /// <param name="dst">Destination; may overlap <paramref name="l4"/>.</param>
    /// <param name="src">Source address, host order.</param>
    /// <param name="dstAddr">Destination address, host order.</param>
    /// <param name="protocol">IP protocol number of the payload.</param>
    /// <param name="l4">Payload after the IP header.</param>
    /// <param name="ttl">Time to live.</param>
    /// <param name="id">Identification field.</param>
    /// <param name="dontFragment">DF flag.</param>
    /// <param name="fragmentOffset8">Fragment offset in 8-byte units (0..8191).</param>
    /// <param name="moreFragments">MF flag.</param>
    /// <param name="options">IP options; padded with zeros (End of Options) to a multiple of 4, at most 40 bytes.</param>
    public static int Ipv4(
        Span<byte> dst,
        uint src,
        uint dstAddr,
        byte protocol,
        ReadOnlySpan<byte> l4,
        byte ttl = 64,
        ushort id = 0,
        bool dontFragment = true,
        ushort fragmentOffset8 = 0,
        bool moreFragments = false,
        ReadOnlySpan<byte> options = default)
    {
        if (options.Length > MaxIpv4Options)
        {
            throw new ArgumentException($"IPv4 options are at most {MaxIpv4Options} bytes", nameof(options));
        }

        int headerLength = Ipv4HeaderLength + Pad4(options.Length);
        int total = headerLength + l4.Length;
        Require(dst, total);
        l4.CopyTo(dst[headerLength..]);
        WriteIpv4Header(dst, src, dstAddr, protocol, total, ttl, id, dontFragment, fragmentOffset8, moreFragments, options);
        return total;
    }

    /// <summary>Writes an IPv4 packet carrying an arbitrary protocol's payload, with default header fields.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">Source address, host order.</param>
    /// <param name="dstAddr">Destination address, host order.</param>
    /// <param name="protocol">IP protocol number (e.g. 132 for SCTP, 47 for GRE).</param>
    /// <param name="payload">Bytes after the IP header.</param>
    /// <param name="ttl">Time to live.</param>
    /// <param name="id">Identification field.</param>
    public static int Generic4(Span<byte> dst, uint src, uint dstAddr, byte protocol, ReadOnlySpan<byte> payload, byte ttl = 64, ushort id = 0) =>
        Ipv4(dst, src, dstAddr, protocol, payload, ttl, id);

    /// <summary>Writes an IPv6 packet around an already-built payload (extension headers and/or upper layer).</summary>
    /// <param name="dst">Destination; may overlap <paramref name="payload"/>.</param>
    /// <param name="src">16-byte source address.</param>
    /// <param name="dstAddr">16-byte destination address.</param>
    /// <param name="nextHeader">Type of the first header in <paramref name="payload"/>.</param>
    /// <param name="payload">Bytes after the fixed header.</param>
    /// <param name="hopLimit">Hop limit.</param>
    /// <param name="trafficClass">Traffic class (DSCP and ECN).</param>
    /// <param name="flowLabel">20-bit flow label.</param>
    public static int Ipv6(
        Span<byte> dst,
        ReadOnlySpan<byte> src,
        ReadOnlySpan<byte> dstAddr,
        byte nextHeader,
        ReadOnlySpan<byte> payload,
        byte hopLimit = 64,
        byte trafficClass = 0,
        uint flowLabel = 0)
    {
        RequireAddress(src, nameof(src));
        RequireAddress(dstAddr, nameof(dstAddr));
        if (payload.Length > ushort.MaxValue)
        {
            throw new ArgumentException("IPv6 payload exceeds 65535 bytes (jumbograms are not supported)", nameof(payload));
        }

        int total = Ipv6HeaderLength + payload.Length;
        Require(dst, total);
        payload.CopyTo(dst[Ipv6HeaderLength..]);
        WriteIpv6Header(dst, src, dstAddr, nextHeader, payload.Length, hopLimit, trafficClass, flowLabel);
        return total;
    }

    /// <summary>Writes an IPv6 packet carrying an arbitrary next header's payload, with default header fields.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">16-byte source address.</param>
    /// <param name="dstAddr">16-byte destination address.</param>
    /// <param name="nextHeader">Protocol / next header number.</param>
    /// <param name="payload">Bytes after the fixed header.</param>
    /// <param name="hopLimit">Hop limit.</param>
    public static int Generic6(Span<byte> dst, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dstAddr, byte nextHeader, ReadOnlySpan<byte> payload, byte hopLimit = 64) =>
        Ipv6(dst, src, dstAddr, nextHeader, payload, hopLimit);

    private static void WriteIpv4Header(
        Span<byte> dst,
        uint src,
        uint dstAddr,
        byte protocol,
        int totalLength,
        byte ttl,
        ushort id,
        bool dontFragment,
        ushort fragmentOffset8,
        bool moreFragments,
        ReadOnlySpan<byte> options)
    {
        if (totalLength > ushort.MaxValue)
        {
            throw new ArgumentException($"IPv4 packet of {totalLength} bytes exceeds 65535");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(fragmentOffset8, (ushort)0x1FFF);
        int headerLength = Ipv4HeaderLength + Pad4(options.Length);
        dst[0] = (byte)(0x40 | (headerLength / 4));
        dst[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(dst[4..], id);
        ushort flags = (ushort)((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | fragmentOffset8);
        BinaryPrimitives.WriteUInt16BigEndian(dst[6..], flags);
        dst[8] = ttl;
        dst[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(dst[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(dst[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(dst[16..], dstAddr);
        options.CopyTo(dst[Ipv4HeaderLength..]);
        dst[(Ipv4HeaderLength + options.Length)..headerLength].Clear();
        SetIpv4HeaderChecksum(dst, headerLength);
    }

    private static void SetIpv4HeaderChecksum(Span<byte> header, int headerLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Finish(InternetChecksum.Add(0, header[..headerLength])));
    }

    private static void WriteIpv6Header(
        Span<byte> dst,
        ReadOnlySpan<byte> src,
        ReadOnlySpan<byte> dstAddr,
        byte nextHeader,
        int payloadLength,
        byte hopLimit,
        byte trafficClass,
        uint flowLabel)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dst, (6u << 28) | ((uint)trafficClass << 20) | (flowLabel & 0xFFFFF));
        BinaryPrimitives.WriteUInt16BigEndian(dst[4..], (ushort)payloadLength);
        dst[6] = nextHeader;
        dst[7] = hopLimit;
        src.CopyTo(dst[8..]);
        dstAddr.CopyTo(dst[24..]);
    }

    private static int Pad4(int length) => (length + 3) & ~3;

    private static void Require(Span<byte> dst, int length)
    {
        if (dst.Length < length)
        {
            throw new ArgumentException($"destination holds {dst.Length} bytes, {length} needed", nameof(dst));
        }
    }

    private static void RequireAddress(ReadOnlySpan<byte> address, string name)
    {
        if (address.Length != 16)
        {
            throw new ArgumentException($"an IPv6 address is 16 bytes, got {address.Length}", name);
        }
    }
}
