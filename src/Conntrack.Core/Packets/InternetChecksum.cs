using System.Buffers.Binary;

namespace Conntrack.Packets;

/// <summary>
/// RFC 1071 one's-complement checksum. Sums are kept unfolded in 64 bits; adding 32-bit words is
/// equivalent to adding their two 16-bit halves because 2^16 ≡ 1 in one's-complement arithmetic.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds the big-endian 16-bit words of <paramref name="data"/> (an odd last byte padded with zero) to <paramref name="sum"/>, unfolded.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        for (; i + 2 <= data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            sum += (ulong)data[i] << 8;
        return sum;
    }

    /// <summary>Folds a sum into 16 bits; data that carries its correct checksum folds to 0xFFFF.</summary>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>Folds the sum and complements it: the value to store in a checksum field.</summary>
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>The IPv4 pseudo-header's sum: addresses, protocol and upper-layer length.</summary>
    public static ulong PseudoHeader4(uint source, uint destination, byte protocol, int length) =>
        (ulong)source + destination + protocol + (uint)length;

    /// <summary>The IPv6 pseudo-header's sum: addresses, next header and upper-layer length.</summary>
    public static ulong PseudoHeader6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, int length) =>
        Add(Add(0, source), destination) + nextHeader + (uint)length;
}
