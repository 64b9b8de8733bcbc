namespace Conntrack.Capture.Tests;

public class PcapReaderTests
{
    // 0x655e1000 = 1700663296 s
    private const long Seconds = 1_700_663_296;

    public static TheoryData<string, string, long> Variants => new()
    {
        {
            "little-endian microseconds",
            """
            d4 c3 b2 a1 | 02 00 | 04 00 | 00 00 00 00 | 00 00 00 00 | ff ff 00 00 | 01 00 00 14   // magic, 2.4, zone, sigfigs, snap 65535, Ethernet + FCS bits
            00 10 5e 65 | 3f 42 0f 00 | 04 00 00 00 | 3c 00 00 00 | de ad be ef                 // 999999 us, caplen 4, orig 60
            01 10 5e 65 | 00 00 00 00 | 02 00 00 00 | 02 00 00 00 | ca fe
            """,
            999_999_000
        },
        {
            "big-endian microseconds",
            """
            a1 b2 c3 d4 | 00 02 | 00 04 | 00 00 00 00 | 00 00 00 00 | 00 00 ff ff | 14 00 00 01
            65 5e 10 00 | 00 0f 42 3f | 00 00 00 04 | 00 00 00 3c | de ad be ef
            65 5e 10 01 | 00 00 00 00 | 00 00 00 02 | 00 00 00 02 | ca fe
            """,
            999_999_000
        },
        {
            "little-endian nanoseconds",
            """
            4d 3c b2 a1 | 02 00 | 04 00 | 00 00 00 00 | 00 00 00 00 | ff ff 00 00 | 01 00 00 14
            00 10 5e 65 | ff c9 9a 3b | 04 00 00 00 | 3c 00 00 00 | de ad be ef                 // 999999999 ns
            01 10 5e 65 | 00 00 00 00 | 02 00 00 00 | 02 00 00 00 | ca fe
            """,
            999_999_999
        },
        {
            "big-endian nanoseconds",
            """
            a1 b2 3c 4d | 00 02 | 00 04 | 00 00 00 00 | 00 00 00 00 | 00 00 ff ff | 14 00 00 01
            65 5e 10 00 | 3b 9a c9 ff | 00 00 00 04 | 00 00 00 3c | de ad be ef
            65 5e 10 01 | 00 00 00 00 | 00 00 00 02 | 00 00 00 02 | ca fe
            """,
            999_999_999
        },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Reads_both_byte_orders_and_resolutions(string variant, string hex, long fraction)
    {
        byte[] bytes = Hex.Parse(hex);
        var (records, issues, reader) = CaptureAssert.ReadAll(bytes);

        Assert.Equal(CaptureFormat.Pcap, reader.Format);
        Assert.Equal(2, records.Count);
        Assert.Equal(0, issues.Total);

        var first = records[0];
        Assert.Equal(1, first.PacketNumber);
        Assert.Equal(24, first.FileOffset);
        Assert.Equal((Seconds * 1_000_000_000) + fraction, first.Timestamp);
        Assert.Equal(LinkType.Ethernet, first.LinkType);
        Assert.Equal(0, first.InterfaceId);
        Assert.Equal(60, first.OriginalLength);
        Assert.Equal("deadbeef", first.DataHex);

        var second = records[1];
        Assert.Equal(2, second.PacketNumber);
        Assert.Equal(24 + 16 + 4, second.FileOffset);
        Assert.Equal((Seconds + 1) * 1_000_000_000, second.Timestamp);
        Assert.Equal("cafe", second.DataHex);

        Assert.Equal(bytes.Length, reader.Position);
        Assert.Equal(bytes.Length, reader.Length);
        Assert.False(issues.StoppedEarly, variant);
    }

    [Fact]
    public void Unknown_link_type_is_delivered_as_its_number()
    {
        byte[] bytes = Hex.Parse("""
            d4 c3 b2 a1 0200 0400 00000000 00000000 ffff0000 | 69 00 00 00   // link type 105 (802.11)
            00105e65 00000000 01000000 01000000 | aa
            """);
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        Assert.Equal((LinkType)105, Assert.Single(records).LinkType);
        Assert.Equal(0, issues.Total);
    }

    [Fact]
    public void Zero_length_records_are_delivered()
    {
        byte[] bytes = Hex.Parse("""
            d4 c3 b2 a1 0200 0400 00000000 00000000 ffff0000 01000000
            00105e65 00000000 00000000 00000000
            01105e65 00000000 01000000 01000000 | aa
            """);
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        Assert.Equal(2, records.Count);
        Assert.Empty(records[0].Data);
        Assert.Equal("aa", records[1].DataHex);
        Assert.Equal(0, issues.Total);
    }

    [Fact]
    public void Reads_from_a_non_seekable_stream()
    {
        byte[] bytes = Hex.Parse("""
            d4 c3 b2 a1 0200 0400 00000000 00000000 ffff0000 01000000
            00105e65 00000000 02000000 02000000 | aa bb
            """);
        using var reader = CaptureReader.Open(new ForwardOnlyStream(bytes), "pipe");
        Assert.Null(reader.Length);
        var records = CaptureAssert.ReadAll(reader);
        Assert.Equal("aabb", Assert.Single(records).DataHex);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void Open_by_path_uses_the_path_as_name_and_dispose_releases_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ct-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, Hex.Parse("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000 00105e65 00000000 01000000 01000000 aa"));
        try
        {
            using (var reader = CaptureReader.Open(path))
            {
                Assert.Equal(path, reader.Name);
                Assert.Single(CaptureAssert.ReadAll(reader));
            }

            File.Delete(path);
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Disposed_reader_refuses_to_read()
    {
        var reader = CaptureAssert.Open(Hex.Parse("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000"));
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.TryReadNext(out _));
    }
}

/// <summary>A stream that can only be read forwards, like a pipe.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data, writable: false);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Return at most 7 bytes per call, to exercise short reads.
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
