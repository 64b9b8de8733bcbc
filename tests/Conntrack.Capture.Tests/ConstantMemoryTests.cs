namespace Conntrack.Capture.Tests;

/// <summary>Reading allocates a fixed amount up front and nothing per record, however long the file.</summary>
public sealed class ConstantMemoryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ct-memory-{Guid.NewGuid():N}");

    public ConstantMemoryTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Allocation_does_not_grow_with_record_count(bool pcapng)
    {
        string small = Write(pcapng, 1_000);
        string large = Write(pcapng, 200_000);
        Measure(small); // warm up JIT and tiering before measuring

        (long smallOpen, long smallLoop, int smallCount) = Measure(small);
        (long largeOpen, long largeLoop, int largeCount) = Measure(large);

        Assert.Equal(1_000, smallCount);
        Assert.Equal(200_000, largeCount);

        // Open allocates the reader, its 64 KiB window and the file handle; the loop allocates nothing.
        Assert.True(largeOpen < 100_000, $"open allocated {largeOpen} bytes");
        Assert.True(largeLoop < 1_024, $"reading 200k records allocated {largeLoop} bytes (1k records: {smallLoop})");
        Assert.True(Math.Abs(largeOpen - smallOpen) < 1_024, $"open: {smallOpen} vs {largeOpen} bytes");
    }

    private static (long Open, long Loop, int Count) Measure(string path)
    {
        long start = GC.GetAllocatedBytesForCurrentThread();
        using var reader = CaptureReader.Open(path);
        long opened = GC.GetAllocatedBytesForCurrentThread();
        int count = 0;
        long checksum = 0;
        while (reader.TryReadNext(out CaptureRecord record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out NetworkLayer network) == LinkDecodeStatus.Ok)
            {
                checksum += network.Length + record.Data[^1];
            }

            count++;
        }

        long loop = GC.GetAllocatedBytesForCurrentThread() - opened;
        Assert.True(checksum > 0);
        Assert.Equal(0, reader.Issues.Total);
        return (opened - start, loop, count);
    }

    private string Write(bool pcapng, int records)
    {
        string path = Path.Combine(_folder, $"{records}.{(pcapng ? "pcapng" : "pcap")}");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> frame = stackalloc byte[128];
        if (pcapng)
        {
            var writer = new PcapNgWriter(file);
            int ethernet = writer.AddInterface(LinkType.Ethernet);
            for (int i = 0; i < records; i++)
            {
                writer.Write(ethernet, 1_700_000_000_000_000_000 + i, frame[..SampleFiles.Frame(frame, i)]);
            }
        }
        else
        {
            var writer = new PcapWriter(file, LinkType.Ethernet, nanosecondResolution: true);
            for (int i = 0; i < records; i++)
            {
                writer.Write(1_700_000_000_000_000_000 + i, frame[..SampleFiles.Frame(frame, i)]);
            }
        }

        return path;
    }
}
