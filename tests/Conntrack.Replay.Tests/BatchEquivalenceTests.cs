using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Replay.Tests;

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

    [Theory]
    // A full table is tracked on one thread (the limit couples partitions): the rows with a limit
    // check that the switches between one and several threads change nothing either.
    [InlineData("demo", 0, 2, 0.9)]
    [InlineData("demo", 1024, 2, 0.04)]
    [InlineData("nat", 0, 2, 0.9)]
    [InlineData("nat", 3000, 2, 0.1)]
    [InlineData("web", 0, 3, 0.9)]
    [InlineData("synflood", 0, 8, 0.9)]
    public void Several_threads_give_the_same_verdicts_events_and_table_as_one(string scenario, int max, int threads, double concurrentShare)
    {
        var (data, slices) = Packets(scenario, 30 * Second);
        var settings = new ConntrackSettings { Max = max, Buckets = Math.Max(max, 4096) };
        var oneEvents = new RecordingSink();
        var one = new ConntrackTable(settings, oneEvents, seed: 5);
        var oneVerdicts = new PacketVerdict[slices.Count];
        for (int start = 0; start < slices.Count; start += 1000)
        {
            int n = Math.Min(1000, slices.Count - start);
            one.ProcessBatch(data, slices.GetRange(start, n).ToArray(), oneVerdicts.AsSpan(start, n));
        }

        var manyEvents = new RecordingSink();
        var many = new ConntrackTable(settings, manyEvents, seed: 5);
        var manyVerdicts = new List<PacketVerdict>();
        using var tracker = new ParallelTracker(many, threads);
        var batch = new PacketBatch(many, capacity: 1000);
        foreach (var chunk in slices.Chunk(1000))
        {
            batch.Clear();
            foreach (var s in chunk)
                Assert.True(batch.TryAdd(data.AsSpan(s.Offset, s.Length), s.Timestamp));
            tracker.Process(batch);
            for (int i = 0; i < batch.Count; i++)
                manyVerdicts.Add(batch.Verdict(i));
        }

        Assert.Equal(oneVerdicts, manyVerdicts);
        Assert.Equal(one.Statistics, many.Statistics);
        Assert.Equal((one.Count, one.PeakCount, one.PeakTimestamp), (many.Count, many.PeakCount, many.PeakTimestamp));
        Assert.Equal(oneEvents.Events.Count, manyEvents.Events.Count);
        Assert.Equal(oneEvents.Events, manyEvents.Events);
        long end = slices[^1].Timestamp;
        Assert.Equal(
            one.Snapshot(end).Select(e => EntryFormatter.ProcLine(e, end, settings)),
            many.Snapshot(end).Select(e => EntryFormatter.ProcLine(e, end, settings)));
        Assert.True(tracker.ConcurrentPackets >= concurrentShare * slices.Count, $"only {tracker.ConcurrentPackets} of {slices.Count} packets were tracked concurrently");
    }

    private sealed class RecordingSink : IConntrackEventSink
    {
        public readonly List<string> Events = [];

        public void OnEvent(ConntrackEventType type, long timestampNanoseconds, in EntryView entry) =>
            Events.Add($"{type} {timestampNanoseconds} {entry.Id} {entry.Slot} {entry.Original} {entry.Status} {entry.ProtocolStateValue} {entry.ExpiresAt}");

        public void OnTableFull(long timestampNanoseconds, in FlowTuple flow) => Events.Add($"full {timestampNanoseconds} {flow}");
    }
}
