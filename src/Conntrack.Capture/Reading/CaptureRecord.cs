namespace Conntrack.Capture;

/// <summary>
/// One captured packet as delivered by <see cref="CaptureReader.TryReadNext"/>.
/// It is a view over the reader's buffer: <see cref="Data"/> is only valid until the next read.
/// </summary>
public readonly ref struct CaptureRecord
{
    internal CaptureRecord(
        long packetNumber,
        long fileOffset,
        long timestampNanoseconds,
        LinkType linkType,
        int interfaceId,
        int originalLength,
        ReadOnlySpan<byte> data)
    {
        PacketNumber = packetNumber;
        FileOffset = fileOffset;
        TimestampNanoseconds = timestampNanoseconds;
        LinkType = linkType;
        InterfaceId = interfaceId;
        OriginalLength = originalLength;
        Data = data;
    }

    /// <summary>1-based number of this record, counting every record seen in the file including skipped ones.</summary>
    public long PacketNumber { get; }

    /// <summary>Byte offset of the record (pcap) or block (pcapng) header in the file.</summary>
    public long FileOffset { get; }

    /// <summary>Capture time in nanoseconds since the Unix epoch.</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>Link-layer type of <see cref="Data"/>.</summary>
    public LinkType LinkType { get; }

    /// <summary>pcapng interface index within the current section; always 0 for pcap.</summary>
    public int InterfaceId { get; }

    /// <summary>Length of the packet on the wire (may exceed <see cref="Data"/>'s length when the capture was truncated).</summary>
    public int OriginalLength { get; }

    /// <summary>The captured bytes, starting with the link-layer header. Valid until the next read.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
