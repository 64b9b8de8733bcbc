using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>
/// Writes individual TCP options into a span and returns the bytes written, so callers can chain
/// them into one options buffer for <see cref="PacketBuilder.Tcp4"/> / <see cref="PacketBuilder.Tcp6"/>.
/// </summary>
public static class TcpOptions
{
    /// <summary>Writes End of Option List (kind 0). Returns 1.</summary>
    /// <param name="dst">Destination.</param>
    public static int EndOfList(Span<byte> dst)
    {
        dst[0] = 0;
        return 1;
    }

    /// <summary>Writes No-Operation (kind 1), used to align later options. Returns 1.</summary>
    /// <param name="dst">Destination.</param>
    public static int Nop(Span<byte> dst)
    {
        dst[0] = 1;
        return 1;
    }

    /// <summary>Writes Maximum Segment Size (kind 2). Returns 4.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="mss">Largest segment the sender accepts.</param>
    public static int Mss(Span<byte> dst, ushort mss)
    {
        dst[0] = 2;
        dst[1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], mss);
        return 4;
    }

    /// <summary>Writes Window Scale (kind 3). Returns 3.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="shift">Shift count (RFC 7323 caps effective values at 14).</param>
    public static int WindowScale(Span<byte> dst, byte shift)
    {
        dst[0] = 3;
        dst[1] = 3;
        dst[2] = shift;
        return 3;
    }

    /// <summary>Writes SACK-Permitted (kind 4). Returns 2.</summary>
    /// <param name="dst">Destination.</param>
    public static int SackPermitted(Span<byte> dst)
    {
        dst[0] = 4;
        dst[1] = 2;
        return 2;
    }

    /// <summary>Writes a SACK option (kind 5) with 1–4 blocks. Returns 2 + 8 per block.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="blocks">Left (first) and right (one past last) sequence numbers of each received block.</param>
    public static int Sack(Span<byte> dst, ReadOnlySpan<(uint Left, uint Right)> blocks)
    {
        if (blocks.Length is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks.Length, "a SACK option carries 1 to 4 blocks");
        }

        int length = 2 + (8 * blocks.Length);
        dst[0] = 5;
        dst[1] = (byte)length;
        for (int i = 0; i < blocks.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dst[(2 + (8 * i))..], blocks[i].Left);
            BinaryPrimitives.WriteUInt32BigEndian(dst[(6 + (8 * i))..], blocks[i].Right);
        }

        return length;
    }

    /// <summary>Writes Timestamps (kind 8). Returns 10.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="value">TSval: the sender's clock.</param>
    /// <param name="echoReply">TSecr: the latest TSval received from the peer.</param>
    public static int Timestamps(Span<byte> dst, uint value, uint echoReply)
    {
        dst[0] = 8;
        dst[1] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(dst[2..], value);
        BinaryPrimitives.WriteUInt32BigEndian(dst[6..], echoReply);
        return 10;
    }
}
