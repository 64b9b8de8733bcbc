using System.Buffers.Binary;
using System.Globalization;

namespace Conntrack.Capture;

/// <summary>
/// Decodes pcapng blocks: section and interface headers set up state, packet blocks (EPB, SPB, OPB)
/// become records, everything else is skipped by its length.
/// </summary>
internal sealed class PcapNgRecordSource : RecordSource
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    public const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint InterfaceDescriptionType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const int MinBlockLength = 12;
    private const int MinSectionHeaderLength = 28;
    private const int MinInterfaceDescriptionLength = 20;
    private const int PacketBlockHeaderLength = 28; // EPB and OPB: header up to the packet data
    private const int SimplePacketHeaderLength = 12;
    private const int PacketTimestampEnd = 20; // EPB and OPB: type, length, interface, timestamp
    private const int ZeroBlockHeaderLength = 8; // type 0 is reserved, length 0 is impossible

    private const string PerInterface = " on the same interface";

    private readonly List<PcapNgInterface> _interfaces = [];
    private readonly List<RecordClock> _clocks = []; // one per interface, kept for reuse by later sections
    private int _interfacesInSection;
    private bool _bigEndian;
    private long _lastTimestamp;

    public PcapNgRecordSource(InputWindow input, CaptureIssues issues)
        : base(input, issues)
    {
    }

    /// <summary>Why a block could not be used as it stands; each leads to a resync attempt.</summary>
    private enum Problem
    {
        BadByteOrder,
        BadLength,
        PacketTooLarge,
        Overrun,
        TrailerMismatch,
    }

    public override bool TryReadNext(out CaptureRecord record)
    {
        record = default;
        while (!Stopped)
        {
            long offset = Input.Position;
            int available = Input.Ensure(MinBlockLength);
            if (available == 0)
            {
                Finish();
                return false;
            }

            if (IsZeroFill(Math.Min(available, ZeroBlockHeaderLength)))
            {
                SkipZeroFill(offset, granule: 4); // blocks are 32-bit aligned
                continue;
            }

            if (available < 8)
            {
                bool packet = available >= 4 && IsPacketBlock(Read32(Input.Peek(0, 4)));
                if (packet)
                {
                    PacketNumber++;
                }

                Issues.Add(packet ? IssueKind.Truncated : IssueKind.Other, offset, PacketNumber, $"truncated block header: expected at least {MinBlockLength} bytes, {available} available");
                Stop();
                return false;
            }

            uint type = Read32(Input.Peek(0, 4));
            if (type == SectionHeaderType && available >= MinBlockLength && !TrySetByteOrder(Input.Peek(8, 4)))
            {
                if (Recover(offset, SectionHeaderType, Problem.BadByteOrder, BinaryPrimitives.ReadUInt32BigEndian(Input.Peek(8, 4)), 0))
                {
                    continue;
                }

                return false;
            }

            uint length = Read32(Input.Peek(4, 4));
            bool isPacket = IsPacketBlock(type);
            if (isPacket)
            {
                PacketNumber++;
            }

            uint minimum = type == SectionHeaderType ? (uint)MinSectionHeaderLength : MinBlockLength;
            Problem? problem = null;
            long detail = 0;
            if (length < minimum || length % 4 != 0)
            {
                problem = Problem.BadLength;
                detail = minimum;
            }
            else if (length > CaptureLimits.MaxBufferedBlock)
            {
                if (!isPacket)
                {
                    // Large non-packet blocks (name tables, custom data) are legitimate: stream past them.
                    if (SkipLargeBlock(offset, type, length))
                    {
                        continue;
                    }

                    return false;
                }

                problem = Problem.PacketTooLarge;
            }
            else
            {
                available = Input.Ensure((int)length);
                if (available < length)
                {
                    problem = Problem.Overrun;
                    detail = available;
                }
                else
                {
                    uint trailer = Read32(Input.Peek((int)length - 4, 4));
                    if (trailer != length)
                    {
                        problem = Problem.TrailerMismatch;
                        detail = trailer;
                    }
                }
            }

            if (problem is Problem found)
            {
                if (Recover(offset, type, found, length, detail))
                {
                    continue;
                }

                return false;
            }

            ReadOnlySpan<byte> block = Input.Peek(0, (int)length);
            bool delivered = false;
            switch (type)
            {
                case SectionHeaderType:
                    StartSection(offset, block);
                    break;
                case InterfaceDescriptionType:
                    AddInterface(offset, block);
                    break;
                case EnhancedPacketType:
                    delivered = TryEnhancedPacket(offset, block, out record);
                    break;
                case ObsoletePacketType:
                    delivered = TryObsoletePacket(offset, block, out record);
                    break;
                case SimplePacketType:
                    delivered = TrySimplePacket(offset, block, out record);
                    break;
            }

            // The record's data stays valid: advancing only moves the cursor, it does not reuse the bytes.
            Input.Advance((int)length);
            if (delivered)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPacketBlock(uint type) =>
        type is EnhancedPacketType or SimplePacketType or ObsoletePacketType;

    // Types a resync may land on: the standard blocks plus the two custom-block codes.
    private static bool IsKnownBlock(uint type) =>
        type is SectionHeaderType or (>= 1 and <= 10) or 0x00000BAD or 0x40000BAD;

    private static bool? ByteOrderOf(ReadOnlySpan<byte> magic)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        if (value == ByteOrderMagic)
        {
            return false;
        }

        return value == BinaryPrimitives.ReverseEndianness(ByteOrderMagic) ? true : null;
    }

    private static string Describe(Problem problem, uint length, long detail) => problem switch
    {
        Problem.BadByteOrder => string.Create(CultureInfo.InvariantCulture, $"section header byte-order magic {length:x8} is invalid (expected 1a2b3c4d)"),
        Problem.BadLength => string.Create(CultureInfo.InvariantCulture, $"block length {length} is invalid (expected a multiple of 4, at least {detail})"),
        Problem.PacketTooLarge => string.Create(CultureInfo.InvariantCulture, $"packet block length {length} exceeds the {CaptureLimits.MaxBufferedBlock}-byte limit"),
        Problem.Overrun => string.Create(CultureInfo.InvariantCulture, $"block length {length} runs past the end of the file ({detail} bytes available)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"trailing block length {detail} does not match leading length {length}"),
    };

    private bool TrySetByteOrder(ReadOnlySpan<byte> magic)
    {
        bool? bigEndian = ByteOrderOf(magic);
        if (bigEndian is bool value)
        {
            _bigEndian = value;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Skips an unusable block by scanning for the next valid one. Records one issue either way;
    /// returns false (and stops) when nothing valid follows within the resync window.
    /// </summary>
    private bool Recover(long offset, uint type, Problem problem, uint length, long detail)
    {
        bool isPacket = IsPacketBlock(type);
        int skip = FindNextBlock();
        IssueKind kind = isPacket ? IssueKind.Skipped : IssueKind.Other;
        if (skip > 0)
        {
            Issues.Add(kind, offset, PacketNumber, $"{Describe(problem, length, detail)}; skipped {skip} bytes to the next valid block at offset {offset + skip}");
            Issues.AddSkippedBytes(skip);
            Input.Advance(skip);
            return true;
        }

        if (problem == Problem.Overrun && IsKnownBlock(type))
        {
            // A real block and nothing valid after it: the file was cut short.
            Issues.Add(isPacket ? IssueKind.Truncated : IssueKind.Other, offset, PacketNumber, $"truncated {(isPacket ? "record" : "block")}: header says {length} bytes, {detail} available");
        }
        else
        {
            Issues.Add(kind, offset, PacketNumber, $"{Describe(problem, length, detail)}; no valid block within {CaptureLimits.ResyncWindow} bytes, stopped");
        }

        Stop();
        return false;
    }

    /// <summary>Distance to the nearest block whose header and trailing length agree, or -1.</summary>
    private int FindNextBlock()
    {
        for (int distance = 1; distance <= CaptureLimits.ResyncWindow; distance++)
        {
            if (Input.Ensure(distance + MinBlockLength) < distance + MinBlockLength)
            {
                return -1;
            }

            ReadOnlySpan<byte> header = Input.Peek(distance, MinBlockLength);
            uint type = Read32(header);
            bool bigEndian = _bigEndian;
            if (type == SectionHeaderType)
            {
                if (ByteOrderOf(header[8..]) is not bool order)
                {
                    continue;
                }

                bigEndian = order;
            }
            else if (!IsKnownBlock(type))
            {
                continue;
            }

            uint length = Read32(header[4..], bigEndian);
            uint minimum = type == SectionHeaderType ? (uint)MinSectionHeaderLength : MinBlockLength;
            if (length < minimum || length % 4 != 0 || length > CaptureLimits.MaxBufferedBlock)
            {
                continue;
            }

            int end = distance + (int)length;
            if (Input.Ensure(end) == end && Read32(Input.Peek(end - 4, 4), bigEndian) == length)
            {
                return distance;
            }
        }

        return -1;
    }

    private bool SkipLargeBlock(long offset, uint type, uint length)
    {
        if (Input.Length is long total && offset + length > total)
        {
            return Recover(offset, type, Problem.Overrun, length, total - offset);
        }

        Input.Skip(length - 4);
        if (Input.Ensure(4) < 4)
        {
            Issues.Add(IssueKind.Other, offset, PacketNumber, $"truncated block: header says {length} bytes, fewer available");
            Stop();
            return false;
        }

        uint trailer = Read32(Input.Peek(0, 4));
        Input.Advance(4);
        if (trailer != length)
        {
            // Already streamed past it; the next header check will catch any misalignment.
            Issues.Add(IssueKind.Other, offset, PacketNumber, $"trailing block length {trailer} does not match leading length {length}");
        }

        return true;
    }

    private void StartSection(long offset, ReadOnlySpan<byte> block)
    {
        // Interface ids are per section: a new section starts from scratch.
        _interfaces.Clear();
        _interfacesInSection = 0;
        ushort major = Read16(block[12..]);
        if (major != 1)
        {
            Issues.Add(IssueKind.Other, offset, PacketNumber, $"section header version {major}.{Read16(block[14..])} is not 1.x; reading on");
        }
    }

    private void AddInterface(long offset, ReadOnlySpan<byte> block)
    {
        _interfacesInSection++;
        if (_interfaces.Count >= CaptureLimits.MaxInterfaces)
        {
            Issues.Add(IssueKind.Other, offset, PacketNumber, $"interface {_interfacesInSection - 1} ignored: more than {CaptureLimits.MaxInterfaces} interfaces in one section");
            return;
        }

        if (block.Length < MinInterfaceDescriptionLength)
        {
            Issues.Add(IssueKind.Other, offset, PacketNumber, $"interface description block of {block.Length} bytes is too short (expected at least {MinInterfaceDescriptionLength})");
            Describe(new PcapNgInterface(default, 0, PcapNgInterface.DefaultResolution, 0, valid: false));
            return;
        }

        var linkType = (LinkType)Read16(block[8..]);
        uint snapLength = Read32(block[12..]);
        byte resolution = PcapNgInterface.DefaultResolution;
        long offsetSeconds = 0;
        ReadOnlySpan<byte> options = block[16..^4];
        while (options.Length >= 4)
        {
            ushort code = Read16(options);
            ushort valueLength = Read16(options[2..]);
            if (code == 0)
            {
                break;
            }

            int padded = (valueLength + 3) & ~3;
            if (padded > options.Length - 4)
            {
                Issues.Add(IssueKind.Other, offset, PacketNumber, $"interface option {code} claims {valueLength} bytes, {options.Length - 4} available; remaining options ignored");
                break;
            }

            ReadOnlySpan<byte> value = options.Slice(4, valueLength);
            if (code == 9 && valueLength >= 1)
            {
                resolution = value[0];
            }
            else if (code == 14 && valueLength >= 8)
            {
                offsetSeconds = (long)(_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(value) : BinaryPrimitives.ReadUInt64LittleEndian(value));
            }

            options = options[(4 + padded)..];
        }

        if (!PcapNgInterface.IsSupportedResolution(resolution))
        {
            Issues.Add(IssueKind.TimestampResolution, offset, PacketNumber, $"if_tsresol 10^-{resolution} is not supported; using microseconds");
            resolution = PcapNgInterface.DefaultResolution;
        }

        Describe(new PcapNgInterface(linkType, snapLength, resolution, offsetSeconds, valid: true));
    }

    private void Describe(PcapNgInterface description)
    {
        _interfaces.Add(description);
        int id = _interfaces.Count - 1;
        if (id < _clocks.Count)
        {
            _clocks[id].Reset();
        }
        else
        {
            _clocks.Add(new RecordClock(Issues, id, PerInterface));
        }
    }

    private bool TryEnhancedPacket(long offset, ReadOnlySpan<byte> block, out CaptureRecord record)
    {
        if (!HasPacketHeader(offset, block, "enhanced", out record))
        {
            return false;
        }

        return TryDeliver(offset, block, Read32(block[8..]), Timestamp(block), Read32(block[20..]), Read32(block[24..]), PacketBlockHeaderLength, out record);
    }

    private bool TryObsoletePacket(long offset, ReadOnlySpan<byte> block, out CaptureRecord record)
    {
        if (!HasPacketHeader(offset, block, "obsolete", out record))
        {
            return false;
        }

        // Same layout as EPB except a 16-bit interface id followed by a 16-bit drop count.
        return TryDeliver(offset, block, Read16(block[8..]), Timestamp(block), Read32(block[20..]), Read32(block[24..]), PacketBlockHeaderLength, out record);
    }

    private bool TrySimplePacket(long offset, ReadOnlySpan<byte> block, out CaptureRecord record)
    {
        record = default;
        if (block.Length < SimplePacketHeaderLength + 4)
        {
            Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"simple packet block of {block.Length} bytes is too short (expected at least {SimplePacketHeaderLength + 4})");
            return false;
        }

        if (_interfaces.Count == 0 || !_interfaces[0].IsValid)
        {
            Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"simple packet block needs interface 0, but the section has {_interfaces.Count} interfaces");
            return false;
        }

        // SPB has no captured length: it is the original length cut to the snap length and the block.
        uint original = Read32(block[8..]);
        uint snapLength = _interfaces[0].SnapLength;
        uint room = (uint)(block.Length - SimplePacketHeaderLength - 4);
        uint captured = Math.Min(original, Math.Min(snapLength == 0 ? uint.MaxValue : snapLength, room));
        return TryDeliver(offset, block, 0, null, captured, original, SimplePacketHeaderLength, out record);
    }

    private bool HasPacketHeader(long offset, ReadOnlySpan<byte> block, string kind, out CaptureRecord record)
    {
        record = default;
        if (block.Length >= PacketBlockHeaderLength + 4)
        {
            return true;
        }

        Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"{kind} packet block of {block.Length} bytes is too short (expected at least {PacketBlockHeaderLength + 4})");
        return false;
    }

    private bool TryDeliver(long offset, ReadOnlySpan<byte> block, uint interfaceId, ulong? ticks, uint captured, uint original, int dataOffset, out CaptureRecord record)
    {
        record = default;
        int room = block.Length - dataOffset - 4;
        if (captured > room)
        {
            Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"captured length {captured} exceeds the block ({room} bytes of packet data)");
            return false;
        }

        if (captured > CaptureLimits.MaxCaptureLength)
        {
            Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"absurd captured length {captured} (expected at most {CaptureLimits.MaxCaptureLength})");
            return false;
        }

        if (interfaceId >= _interfaces.Count || !_interfaces[(int)interfaceId].IsValid)
        {
            Issues.Add(IssueKind.Skipped, offset, PacketNumber, $"unknown interface {interfaceId} (expected below {_interfaces.Count}, the interfaces described so far in this section)");
            return false;
        }

        PcapNgInterface description = _interfaces[(int)interfaceId];
        if (description.SnapLength != 0 && captured > description.SnapLength)
        {
            Issues.Add(IssueKind.Suspicious, offset, PacketNumber, $"captured length {captured} exceeds the snapshot length {description.SnapLength}");
        }

        long timestamp = Place(offset, block.Length, (int)interfaceId, ticks);
        _lastTimestamp = timestamp;
        record = new CaptureRecord(
            PacketNumber,
            offset,
            timestamp,
            description.LinkType,
            (int)interfaceId,
            (int)Math.Min(original, int.MaxValue),
            Input.Peek(dataOffset, (int)captured)); // not block: placing may have moved the window
        return true;
    }

    private long Place(long offset, int blockLength, int interfaceId, ulong? ticks)
    {
        if (ticks is not ulong value)
        {
            // SPB carries no timestamp: repeat the previous one so time never runs backwards.
            return _lastTimestamp;
        }

        PcapNgInterface description = _interfaces[interfaceId];
        RecordClock clock = _clocks[interfaceId];
        if (description.TryToNanoseconds(value, out long stored))
        {
            return clock.Place(this, blockLength, offset, PacketNumber, stored);
        }

        long timestamp = clock.PlaceUnreadable(this, blockLength, out string deliveredAt);
        Issues.Add(IssueKind.TimestampOverflow, offset, PacketNumber, $"timestamp {value} in units of {description.UnitBase}{description.UnitExponent} s plus if_tsoffset {description.OffsetSeconds} s is beyond 64-bit nanoseconds; delivered at {deliveredAt}");
        return timestamp;
    }

    public override bool TryPeekNextTimestamp(int interfaceId, int currentLength, out long timestamp)
    {
        timestamp = 0;
        if (Input.Ensure(currentLength + PacketTimestampEnd) < currentLength + PacketTimestampEnd)
        {
            return false;
        }

        // Only a packet block on the same interface right after this one counts; SPBs have no time.
        ReadOnlySpan<byte> next = Input.Peek(currentLength, PacketTimestampEnd);
        uint type = Read32(next);
        if (type is not (EnhancedPacketType or ObsoletePacketType))
        {
            return false;
        }

        uint nextInterface = type == EnhancedPacketType ? Read32(next[8..]) : Read16(next[8..]);
        return nextInterface == interfaceId && _interfaces[interfaceId].TryToNanoseconds(Timestamp(next), out timestamp);
    }

    private ulong Timestamp(ReadOnlySpan<byte> block) => ((ulong)Read32(block[12..]) << 32) | Read32(block[16..]);

    private uint Read32(ReadOnlySpan<byte> bytes) => Read32(bytes, _bigEndian);

    private static uint Read32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private ushort Read16(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
}
