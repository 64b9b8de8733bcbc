using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>
/// Writes a little-endian classic pcap file. Writing a packet allocates nothing; the stream is
/// owned by the caller (wrap it in a buffered stream for speed, dispose it when done).
/// </summary>
public sealed class PcapWriter
{
    private const int RecordHeaderLength = 16;
    private readonly Stream _stream;
    private readonly bool _nanoseconds;
    private readonly int _snapLength;

    /// <summary>Writes the 24-byte file header.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="linkType">Link type of every frame written.</param>
    /// <param name="nanosecondResolution">Use the nanosecond magic (a1b23c4d) instead of microseconds.</param>
    /// <param name="snapLength">Frames longer than this are cut to it (the original length is kept).</param>
    public PcapWriter(Stream stream, LinkType linkType, bool nanosecondResolution = false, int snapLength = 262144)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        _nanoseconds = nanosecondResolution;
        _snapLength = snapLength;

        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, nanosecondResolution ? 0xA1B23C4Du : 0xA1B2C3D4u);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs: unused by every reader
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        stream.Write(header);
    }

    /// <summary>Appends one record.</summary>
    /// <param name="timestampNanoseconds">Capture time since the Unix epoch (rounded down to microseconds unless nanosecond resolution).</param>
    /// <param name="frame">The frame, starting with the link-layer header.</param>
    /// <param name="originalLength">Length on the wire; -1 means the frame's length.</param>
    public void Write(long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength = -1)
    {
        int captured = Math.Min(frame.Length, _snapLength);
        long seconds = Math.DivRem(timestampNanoseconds, 1_000_000_000L, out long fraction);
        if (fraction < 0)
        {
            // Floor division, so times before the epoch still get a fraction in range.
            seconds--;
            fraction += 1_000_000_000L;
        }

        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, unchecked((uint)seconds));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(_nanoseconds ? fraction : fraction / 1_000));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], originalLength < 0 ? frame.Length : originalLength);
        _stream.Write(header);
        _stream.Write(frame[..captured]);
    }
}
