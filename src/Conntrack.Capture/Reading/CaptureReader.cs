using System.Buffers.Binary;
using System.Globalization;

namespace Conntrack.Capture;

/// <summary>
/// Streaming reader for pcap and pcapng files. Memory use is constant: records are views over one
/// reusable buffer, and bad input is skipped and reported in <see cref="Issues"/> rather than thrown.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    private const uint PcapMicroseconds = 0xA1B2C3D4;
    private const uint PcapNanoseconds = 0xA1B23C4D;

    private readonly InputWindow _input;
    private readonly RecordSource _source;
    private bool _disposed;

    private CaptureReader(string name, CaptureFormat format, InputWindow input, RecordSource source, CaptureIssues issues)
    {
        Name = name;
        Format = format;
        _input = input;
        _source = source;
        Issues = issues;
    }

    /// <summary>The container format detected from the file's magic number.</summary>
    public CaptureFormat Format { get; }

    /// <summary>Name used in messages (the path, or the name given to <see cref="Open(Stream, string, bool)"/>).</summary>
    public string Name { get; }

    /// <summary>Bytes consumed so far, for progress reporting.</summary>
    public long Position => _input.Position;

    /// <summary>Total input length when the stream is seekable; otherwise null.</summary>
    public long? Length => _input.Length;

    /// <summary>Everything skipped or flagged so far.</summary>
    public CaptureIssues Issues { get; }

    /// <summary>Opens a capture file for sequential reading.</summary>
    /// <param name="path">File to read; also used as <see cref="Name"/>.</param>
    /// <exception cref="CaptureFormatException">The file is empty or not a pcap/pcapng capture.</exception>
    public static CaptureReader Open(string path)
    {
        // No FileStream buffer: InputWindow reads large chunks straight into its own buffer.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            return Open(stream, path, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens a capture from a stream positioned at its first byte.</summary>
    /// <param name="stream">Input; read sequentially, and skipped over with seeks when it supports them.</param>
    /// <param name="name">Name used in messages and issues.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <exception cref="CaptureFormatException">The input is empty or not a pcap/pcapng capture.</exception>
    public static CaptureReader Open(Stream stream, string name, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        // On failure the window is abandoned undisposed, so a caller's stream is never closed by a failed Open.
        var input = new InputWindow(stream, leaveOpen);
        var issues = new CaptureIssues();
        int available = input.Ensure(4);
        if (available < 4)
        {
            string found = available == 0 ? "end of file" : string.Create(CultureInfo.InvariantCulture, $"only {available} bytes");
            throw NotCapture(name, found);
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(input.Peek(0, 4));
        uint swapped = BinaryPrimitives.ReverseEndianness(magic);
        if (magic == PcapNgRecordSource.SectionHeaderType)
        {
            if (input.Ensure(12) < 12)
            {
                throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"truncated pcapng section header (offset 0: expected 12 bytes, found {input.Ensure(12)})"));
            }

            ReadOnlySpan<byte> order = input.Peek(8, 4);
            if (BinaryPrimitives.ReadUInt32LittleEndian(order) != PcapNgRecordSource.ByteOrderMagic
                && BinaryPrimitives.ReadUInt32BigEndian(order) != PcapNgRecordSource.ByteOrderMagic)
            {
                throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"not a pcapng file (offset 8: expected byte-order magic 1a2b3c4d, found {BinaryPrimitives.ReadUInt32BigEndian(order):x8})"));
            }

            return new CaptureReader(name, CaptureFormat.PcapNg, input, new PcapNgRecordSource(input, issues), issues);
        }

        bool bigEndian;
        if (magic is PcapMicroseconds or PcapNanoseconds)
        {
            bigEndian = true;
        }
        else if (swapped is PcapMicroseconds or PcapNanoseconds)
        {
            bigEndian = false;
            magic = swapped;
        }
        else
        {
            throw NotCapture(name, magic.ToString("x8", CultureInfo.InvariantCulture));
        }

        available = input.Ensure(PcapRecordSource.FileHeaderLength);
        if (available < PcapRecordSource.FileHeaderLength)
        {
            throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"truncated pcap file header (offset 0: expected {PcapRecordSource.FileHeaderLength} bytes, found {available})"));
        }

        var source = new PcapRecordSource(input, issues, bigEndian, nanoseconds: magic == PcapNanoseconds);
        return new CaptureReader(name, CaptureFormat.Pcap, input, source, issues);
    }

    /// <summary>
    /// Reads the next packet. Returns false at the end of the input, or when corruption makes the rest
    /// unreadable (then described in <see cref="Issues"/>). Never throws for malformed input.
    /// </summary>
    /// <param name="record">The packet; its <see cref="CaptureRecord.Data"/> is valid until the next call.</param>
    public bool TryReadNext(out CaptureRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _source.TryReadNext(out record);
    }

    /// <summary>Releases the input stream (unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _input.Dispose();
        }
    }

    private static CaptureFormatException NotCapture(string name, string found) =>
        Invalid(name, $"not a pcap or pcapng file (offset 0: expected magic a1b2c3d4, a1b23c4d or 0a0d0d0a, found {found})");

    private static CaptureFormatException Invalid(string name, string detail) => new(name + ": " + detail);
}
