using System.Buffers.Binary;

namespace Conntrack.Fuzz;

/// <summary>
/// The packet path's input format: records of one time-step byte, a 16-bit big-endian length and
/// that many bytes of IP packet. A step below 128 advances the clock that many milliseconds; a
/// larger one (step − 127)² seconds, so a few records reach the collector's interval, the UDP and
/// fragment timeouts and, in a few more, TCP's. A record cut short by the end of the input ends it.
/// </summary>
internal static class PacketSequence
{
    public const int HeaderLength = 3;

    public static bool TryRead(ReadOnlySpan<byte> input, ref int offset, ref long now, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        if (input.Length - offset < HeaderLength)
            return false;
        byte step = input[offset];
        int length = BinaryPrimitives.ReadUInt16BigEndian(input[(offset + 1)..]);
        offset += HeaderLength;
        length = Math.Min(length, input.Length - offset);
        packet = input.Slice(offset, length);
        offset += length;
        now += step < 128 ? step * 1_000_000L : (long)(step - 127) * (step - 127) * 1_000_000_000L;
        return true;
    }

    /// <summary>Appends one record; the step is the largest that does not pass <paramref name="elapsed"/> nanoseconds.</summary>
    public static void Write(Stream output, long elapsed, ReadOnlySpan<byte> packet)
    {
        byte step = elapsed >= 1_000_000_000L ? (byte)(127 + Math.Min(128, (int)Math.Sqrt(elapsed / 1_000_000_000.0)))
            : (byte)Math.Clamp(elapsed / 1_000_000L, 0, 127);
        Span<byte> header = stackalloc byte[HeaderLength];
        header[0] = step;
        int length = Math.Min(packet.Length, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16BigEndian(header[1..], (ushort)length);
        output.Write(header);
        output.Write(packet[..length]);
    }
}
