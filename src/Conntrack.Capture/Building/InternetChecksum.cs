using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>
/// RFC 1071 one's-complement checksum. Sums are kept unfolded in 64 bits; adding 32-bit words is
/// equivalent to adding their two 16-bit halves because 2^16 ≡ 1 in one's-complement arithmetic.
/// </summary>
internal static class InternetChecksum
{
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }

        if (data.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }

        if (data.Length == 1)
        {
            sum += (ulong)data[0] << 8; // odd trailing byte is padded with a zero byte
        }

        return sum;
    }

    /// <summary>Folds the sum and complements it: the value to store in a checksum field.</summary>
    public static ushort Finish(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    public static ulong PseudoHeader4(uint source, uint destination, byte protocol, int length) =>
        (ulong)source + destination + protocol + (uint)length;

    public static ulong PseudoHeader6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, int length) =>
        Add(Add(0, source), destination) + nextHeader + (uint)length;
}
