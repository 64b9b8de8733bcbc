using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>
/// Writes a little-endian pcapng file: one section, interfaces added on demand, packets as Enhanced
/// (or, for tests, Simple) Packet Blocks. Writing a packet allocates nothing; the stream is the caller's.
/// </summary>
public sealed class PcapNgWriter
{
    private const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const int EnhancedHeaderLength = 28;
    private const int SimpleHeaderLength = 12;

    private readonly Stream _stream;
    private readonly List<Interface> _interfaces = [];

    /// <summary>Writes the Section Header Block.</summary>
    /// <param name="stream">Destination.</param>
    public PcapNgWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Span<byte> block = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(block, SectionHeaderType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], 28);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(block[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(block[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(block[16..], -1); // section length unknown while streaming
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], 28);
        stream.Write(block);
    }

    /// <summary>Writes an Interface Description Block and returns the new interface's id.</summary>
    /// <param name="linkType">Link type of this interface's frames.</param>
    /// <param name="snapLength">Frames are cut to this length.</param>
    /// <param name="tsResolutionPower10">Timestamp unit as 10^-n seconds (0..9); written as if_tsresol.</param>
    public int AddInterface(LinkType linkType, int snapLength = 262144, byte tsResolutionPower10 = 9)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tsResolutionPower10, (byte)9);
        Span<byte> block = stackalloc byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(block, InterfaceDescriptionType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], 32);
        BinaryPrimitives.WriteUInt16LittleEndian(block[8..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(block[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(block[12..], snapLength);
        BinaryPrimitives.WriteUInt16LittleEndian(block[16..], 9); // if_tsresol
        BinaryPrimitives.WriteUInt16LittleEndian(block[18..], 1);
        block[20] = tsResolutionPower10;
        block[21..24].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], 0); // opt_endofopt
        BinaryPrimitives.WriteUInt32LittleEndian(block[28..], 32);
        _stream.Write(block);

        long unit = 1;
        for (int i = tsResolutionPower10; i < 9; i++)
        {
            unit *= 10;
        }

        _interfaces.Add(new Interface(snapLength, unit));
        return _interfaces.Count - 1;
    }

    /// <summary>Appends an Enhanced Packet Block.</summary>
    /// <param name="interfaceId">An id returned by <see cref="AddInterface"/>.</param>
    /// <param name="timestampNanoseconds">Capture time since the Unix epoch (rounded down to the interface's resolution).</param>
    /// <param name="frame">The frame, starting with the link-layer header.</param>
    /// <param name="originalLength">Length on the wire; -1 means the frame's length.</param>
    public void Write(int interfaceId, long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interfaceId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(interfaceId, _interfaces.Count);
        Interface target = _interfaces[interfaceId];
        int captured = Math.Min(frame.Length, target.SnapLength);
        int length = EnhancedHeaderLength + Padded(captured) + 4;
        ulong ticks = unchecked((ulong)(timestampNanoseconds / target.NanosecondsPerTick));

        Span<byte> header = stackalloc byte[EnhancedHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, EnhancedPacketType);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], length);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)(ticks >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)ticks);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], originalLength < 0 ? frame.Length : originalLength);
        _stream.Write(header);
        WriteBodyAndTrailer(frame[..captured], length);
    }

    /// <summary>
    /// Appends a Simple Packet Block (interface 0, no timestamp). Mostly useful to test readers.
    /// </summary>
    /// <param name="frame">The frame; cut to interface 0's snap length.</param>
    /// <param name="originalLength">Length on the wire; -1 means the frame's length.</param>
    public void WriteSimplePacket(ReadOnlySpan<byte> frame, int originalLength = -1)
    {
        if (_interfaces.Count == 0)
        {
            throw new InvalidOperationException("a simple packet block needs interface 0: call AddInterface first");
        }

        int captured = Math.Min(frame.Length, _interfaces[0].SnapLength);
        int length = SimpleHeaderLength + Padded(captured) + 4;
        Span<byte> header = stackalloc byte[SimpleHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SimplePacketType);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], length);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], originalLength < 0 ? frame.Length : originalLength);
        _stream.Write(header);
        WriteBodyAndTrailer(frame[..captured], length);
    }

    private static int Padded(int length) => (length + 3) & ~3;

    private void WriteBodyAndTrailer(ReadOnlySpan<byte> data, int blockLength)
    {
        Span<byte> tail = stackalloc byte[8];
        tail.Clear();
        int padding = Padded(data.Length) - data.Length;
        BinaryPrimitives.WriteInt32LittleEndian(tail[padding..], blockLength);
        _stream.Write(data);
        _stream.Write(tail[..(padding + 4)]);
    }

    private readonly record struct Interface(int SnapLength, long NanosecondsPerTick);
}
