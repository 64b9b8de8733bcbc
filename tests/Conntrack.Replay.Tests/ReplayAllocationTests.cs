using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Replay.Tests;

public class ReplayAllocationTests
{
    private const int Flows = 1000;
    private const int PacketsPerRun = 1_000_000;

    private static MemoryStream BuildCapture(int packets)
    {
        var stream = new MemoryStream();
        EstablishedFlows.WritePcap(stream, Flows, packets);
        stream.Position = 0;
        return stream;
    }

    private static (long Allocated, Replay.ReplayResult Result) Measure(int packets, ConntrackSettings settings)
    {
        using var capture = BuildCapture(packets);
        using var reader = CaptureReader.Open(capture, "measured", leaveOpen: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        // One hash key for every run: the flows then fill the same partitions, so every run's
        // entry array grows to the same size and only the packet count differs.
        var result = ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, HashSeed = 0x5eed });
        return (GC.GetAllocatedBytesForCurrentThread() - before, result);
    }

    [Fact]
    public void Replaying_a_million_packets_allocates_nothing_per_packet()
    {
        var settings = new ConntrackSettings { Checksum = false };
        Measure(10_000, settings); // JIT and buffers warm

        // Each run pays once for its table (bucket heads, entry slots) and final snapshot; the
        // difference between a long and a short run of the same flows is what packets cost.
        var (small, _) = Measure(100_000, settings);
        var (large, result) = Measure(PacketsPerRun, settings);

        Assert.Equal(PacketsPerRun, result.Packets);
        Assert.Equal(Flows, result.FinalEntries.Count);
        Assert.All(result.FinalEntries, e => Assert.True(e.IsAssured));
        double perPacket = (double)(large - small) / (PacketsPerRun - 100_000);
        Assert.True(perPacket < 0.01, $"1M packets allocated {large:N0} B, 100k allocated {small:N0} B: {perPacket:0.####} B per extra packet");
        // The fixed cost is the table (262144 bucket heads, the first entry slots) and the two
        // batches the reader fills in turn (1 MiB of packets and 1024 routed headers each).
        Assert.True(large < 6 << 20, $"a replay allocated {large:N0} B in all");
    }
}
