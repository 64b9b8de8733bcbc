using System.Buffers.Binary;

namespace Conntrack.Capture;

/// <summary>Decodes classic pcap records (16-byte header followed by the captured bytes).</summary>
internal sealed class PcapRecordSource : RecordSource
{
    public const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    // A resync candidate must be near the last good timestamp, which rules out zero fill and most garbage.
    private const long ResyncMaxTimeJumpSeconds = 7 * 24 * 3600;

    // Original lengths above this are not believable for one frame, even with segmentation offload.
    private const uint MaxPlausibleOriginalLength = 16 * 1024 * 1024;

    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly LinkType _linkType;
    private readonly uint _snapLength;
    private readonly RecordClock _clock;
    private long _lastSeconds = -1;

    /// <summary>Reads the 24-byte file header, which <see cref="CaptureReader"/> has already buffered and checked.</summary>
    public PcapRecordSource(InputWindow input, CaptureIssues issues, bool bigEndian, bool nanoseconds)
        : base(input, issues)
    {
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        _clock = new RecordClock(issues, interfaceId: 0, scope: "");
        ReadOnlySpan<byte> header = input.Peek(0, FileHeaderLength);
        uint snap = Read32(header[16..]);

        // Snap length 0 or huge means "no limit"; the absurd-length bound still applies.
        _snapLength = snap == 0 || snap > CaptureLimits.MaxCaptureLength ? CaptureLimits.MaxCaptureLength : snap;

        // The upper 16 bits carry FCS information, not the link type.
        _linkType = (LinkType)(Read32(header[20..]) & 0xFFFF);
        input.Advance(FileHeaderLength);
    }

    public override bool TryReadNext(out CaptureRecord record)
    {
        record = default;
        while (!Stopped)
        {
            long offset = Input.Position;
            int available = Input.Ensure(RecordHeaderLength);
            if (available == 0)
            {
                Finish();
                return false;
            }

            if (IsZeroFill(available))
            {
                // Byte by byte: a record after a zero hole starts wherever the writer resumed.
                SkipZeroFill(offset, granule: 1);
                continue;
            }

            PacketNumber++;
            if (available < RecordHeaderLength)
            {
                Issues.Add(IssueKind.Truncated, offset, PacketNumber, $"truncated record header: expected {RecordHeaderLength} bytes, {available} available");
                Stop();
                return false;
            }

            ReadOnlySpan<byte> header = Input.Peek(0, RecordHeaderLength);
            uint seconds = Read32(header);
            uint fraction = Read32(header[4..]);
            uint capturedLength = Read32(header[8..]);
            uint originalLength = Read32(header[12..]);
            long stored = StoredTime(header); // before Ensure below, which may move the buffer

            if (capturedLength > CaptureLimits.MaxCaptureLength)
            {
                int skip = FindNextHeader();
                if (skip < 0)
                {
                    Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"absurd captured length {capturedLength} (expected at most {CaptureLimits.MaxCaptureLength}); no plausible record header within {CaptureLimits.ResyncWindow} bytes, stopped");
                    Stop();
                    return false;
                }

                Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"absurd captured length {capturedLength} (expected at most {CaptureLimits.MaxCaptureLength}); skipped {skip} bytes to the next plausible record header at offset {offset + skip}");
                Issues.AddSkippedBytes(skip);
                Input.Advance(skip);
                continue;
            }

            int recordLength = RecordHeaderLength + (int)capturedLength;
            available = Input.Ensure(recordLength);
            if (available < recordLength)
            {
                Issues.Add(IssueKind.Truncated, offset, PacketNumber, $"truncated record: header says {capturedLength} bytes, {available - RecordHeaderLength} available");
                Stop();
                return false;
            }

            if (capturedLength > _snapLength)
            {
                Issues.Add(IssueKind.Suspicious, offset, PacketNumber, $"captured length {capturedLength} exceeds the snapshot length {_snapLength}");
            }

            if (fraction >= FractionLimit)
            {
                // The field is a count of sub-second units, so the excess is whole seconds: exact for
                // writers that round 999999.5 µs up to 1000000; the clock then judges the result like any time.
                Issues.Add(IssueKind.SubsecondOverflow, offset, PacketNumber, $"{(_nanoseconds ? "nanosecond" : "microsecond")} field {fraction} is not below {FractionLimit}; carried into the seconds");
            }

            _lastSeconds = seconds;
            long timestamp = _clock.Place(this, recordLength, offset, PacketNumber, stored);
            record = new CaptureRecord(
                PacketNumber,
                offset,
                timestamp,
                _linkType,
                interfaceId: 0,
                (int)Math.Min(originalLength, int.MaxValue),
                Input.Peek(RecordHeaderLength, (int)capturedLength));
            Input.Advance(recordLength);
            return true;
        }

        return false;
    }

    public override bool TryPeekNextTimestamp(int interfaceId, int currentLength, out long timestamp)
    {
        timestamp = 0;
        if (Input.Ensure(currentLength + RecordHeaderLength) < currentLength + RecordHeaderLength)
        {
            return false;
        }

        ReadOnlySpan<byte> header = Input.Peek(currentLength, RecordHeaderLength);
        if (!header.ContainsAnyExcept((byte)0))
        {
            return false;
        }

        timestamp = StoredTime(header);
        return true;
    }

    /// <summary>
    /// Scans forward from the bad header for one that is plausible and is followed by another plausible
    /// header (or the exact end of the file). Returns the distance, or -1 if none lies within the window.
    /// </summary>
    private int FindNextHeader()
    {
        for (int distance = 1; distance <= CaptureLimits.ResyncWindow; distance++)
        {
            if (Input.Ensure(distance + RecordHeaderLength) < distance + RecordHeaderLength)
            {
                return -1;
            }

            if (!IsPlausibleHeader(Input.Peek(distance, RecordHeaderLength), out int capturedLength))
            {
                continue;
            }

            int next = distance + RecordHeaderLength + capturedLength;
            int available = Input.Ensure(next + RecordHeaderLength);
            if (available == next)
            {
                return distance;
            }

            if (available == next + RecordHeaderLength && IsPlausibleHeader(Input.Peek(next, RecordHeaderLength), out _))
            {
                return distance;
            }
        }

        return -1;
    }

    private bool IsPlausibleHeader(ReadOnlySpan<byte> header, out int capturedLength)
    {
        uint seconds = Read32(header);
        uint fraction = Read32(header[4..]);
        uint captured = Read32(header[8..]);
        uint original = Read32(header[12..]);
        capturedLength = (int)Math.Min(captured, int.MaxValue);
        return fraction < FractionLimit
            && captured <= _snapLength
            && original >= captured
            && original is > 0 and <= MaxPlausibleOriginalLength
            && (_lastSeconds < 0 || Math.Abs(seconds - _lastSeconds) <= ResyncMaxTimeJumpSeconds);
    }

    private uint FractionLimit => _nanoseconds ? 1_000_000_000u : 1_000_000u;

    /// <summary>A record header's time in nanoseconds; at most 2^32 s plus 2^32 µs, so it cannot overflow.</summary>
    private long StoredTime(ReadOnlySpan<byte> header) =>
        (Read32(header) * 1_000_000_000L) + (_nanoseconds ? Read32(header[4..]) : Read32(header[4..]) * 1_000L);

    private uint Read32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
