namespace Conntrack.Capture.Tests;

/// <summary>Independent, deliberately naive RFC 1071 arithmetic for verifying the builder.</summary>
internal static class Checksum
{
    /// <summary>One's-complement sum of 16-bit big-endian words over all parts, folded to 16 bits.</summary>
    public static int Sum(params byte[][] parts)
    {
        var all = parts.SelectMany(p => p).ToList();
        if (all.Count % 2 == 1)
        {
            all.Add(0);
        }

        int sum = 0;
        for (int i = 0; i < all.Count; i += 2)
        {
            sum += (all[i] << 8) | all[i + 1];
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return sum;
    }

    public static byte[] PseudoHeader4(ReadOnlySpan<byte> ipHeader, byte protocol, int length) =>
        [.. ipHeader.Slice(12, 8), 0, protocol, (byte)(length >> 8), (byte)length];

    public static byte[] PseudoHeader6(ReadOnlySpan<byte> ipHeader, byte nextHeader, int length) =>
        [.. ipHeader.Slice(8, 32), (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, nextHeader];
}
