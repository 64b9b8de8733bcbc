using Conntrack.Analysis.Scenarios;
using Conntrack.Capture;
using Conntrack.Formats;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Analysis.Tests;

public class BatchEquivalenceTests
{
    private const long Second = 1_000_000_000;

    /// <summary>The IP packets of a generated capture, with their timestamps.</summary>
    private static (byte[] Data, List<PacketSlice> Slices) Packets(string scenario, long duration)
    {
        var stream = new MemoryStream();
        ScenarioCatalog.Generate(stream, scenario, 5, duration: duration);
        stream.Position = 0;
        using var reader = CaptureReader.Open(stream, scenario);
        var data = new MemoryStream();
        var slices = new List<PacketSlice>();
        while (reader.TryReadNext(out var record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network) != LinkDecodeStatus.Ok)
                continue;
            slices.Add(new PacketSlice((int)data.Length, network.Length, record.TimestampNanoseconds));
            data.Write(record.Data.Slice(network.Offset, network.Length));
        }
        return (data.ToArray(), slices);
    }

    [Theory]
    [InlineData("demo", 1024)]
    [InlineData("nat", 3000)]
    public void Batches_with_prefetch_give_the_same_table_as_packet_by_packet(string scenario, int max)
    {
        var (data, slices) = Packets(scenario, 30 * Second);
        var settings = new ConntrackSettings { Max = max, Buckets = max };
        var single = new ConntrackTable(settings, seed: 77);
        var batched = new ConntrackTable(settings, seed: 77);
        var one = new List<PacketVerdict>();
        foreach (var s in slices)
            one.Add(single.Process(data.AsSpan(s.Offset, s.Length), s.Timestamp));
        var verdicts = new PacketVerdict[slices.Count];
        // Odd batch lengths, so chunk boundaries fall everywhere.
        for (int start = 0; start < slices.Count; start += 45)
        {
            int n = Math.Min(45, slices.Count - start);
            batched.ProcessBatch(data, slices.GetRange(start, n).ToArray(), verdicts.AsSpan(start, n));
        }

        Assert.Equal(one, verdicts);
        Assert.Equal(single.Statistics, batched.Statistics);
        Assert.True(single.Statistics.Drop + single.Statistics.EarlyDrop > 0, "the scenario should fill the table");
        Assert.Equal((single.Count, single.PeakCount, single.PeakTimestamp), (batched.Count, batched.PeakCount, batched.PeakTimestamp));
        long end = slices[^1].Timestamp;
        var a = single.Snapshot(end).Select(e => EntryFormatter.ProcLine(e, end, settings)).ToList();
        var b = batched.Snapshot(end).Select(e => EntryFormatter.ProcLine(e, end, settings)).ToList();
        Assert.Equal(a, b);
    }
}
