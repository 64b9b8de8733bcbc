using Conntrack.TestData;
using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Core.Tests;

public class ParallelTrackerTests
{
    private const long Second = 1_000_000_000;

    private static byte[] Udp(uint source, ushort port)
    {
        var packet = new byte[64];
        int length = PacketBuilder.Udp4(packet, source, 0xC0000201, port, 53);
        return packet[..length];
    }

    /// <summary>A batch with the first packet of 500 UDP flows.</summary>
    private static PacketBatch FiveHundredFlows(ConntrackTable table)
    {
        var batch = new PacketBatch(table);
        for (ushort i = 0; i < 500; i++)
            batch.TryAdd(Udp(0x0A000000u + i, 1000), Second);
        return batch;
    }

    [Fact]
    public void A_batch_refuses_packets_beyond_its_count_or_its_buffer()
    {
        var table = new ConntrackTable(new ConntrackSettings(), seed: 1);
        var byCount = new PacketBatch(table, capacity: 2);
        Assert.True(byCount.TryAdd(Udp(0x0A000001, 1000), Second));
        Assert.True(byCount.TryAdd(Udp(0x0A000002, 1000), Second));
        Assert.False(byCount.TryAdd(Udp(0x0A000003, 1000), Second));
        Assert.Equal(2, byCount.Count);

        var byBytes = new PacketBatch(table, capacity: 16, bufferBytes: 40);
        Assert.True(byBytes.TryAdd(Udp(0x0A000001, 1000), Second)); // 28 bytes
        Assert.False(byBytes.TryAdd(Udp(0x0A000002, 1000), Second));
        Assert.Throws<ArgumentOutOfRangeException>(() => byBytes.Verdict(1));
    }

    [Fact]
    public void Verdicts_and_times_come_back_per_packet_and_time_never_runs_backwards()
    {
        var table = new ConntrackTable(new ConntrackSettings(), seed: 1);
        using var tracker = new ParallelTracker(table, 2);
        var batch = new PacketBatch(table);
        var packet = Udp(0x0A000001, 1000);
        batch.TryAdd(packet, 5 * Second);
        batch.TryAdd(packet, 3 * Second); // earlier than the one before: tracked at 5 s
        batch.TryAdd([0x45, 0x00], 6 * Second); // not an IP packet the IP layer accepts
        tracker.Process(batch);

        Assert.Equal(CtInfo.New, batch.Verdict(0).State);
        Assert.Equal(CtInfo.New, batch.Verdict(1).State); // no reply yet: still NEW
        Assert.Equal(batch.Verdict(0).EntryIndex, batch.Verdict(1).EntryIndex);
        Assert.Equal(5 * Second, batch.Timestamp(1));
        Assert.Equal(PacketFate.Discarded, batch.Verdict(2).Fate);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_tracker_checks_its_arguments_and_its_life()
    {
        var table = new ConntrackTable(new ConntrackSettings(), seed: 1);
        var other = new ConntrackTable(new ConntrackSettings(), seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelTracker(table, 0));
        var tracker = new ParallelTracker(table, 64);
        Assert.Equal(16, tracker.Threads); // no more threads than partitions
        Assert.Throws<ArgumentException>(() => tracker.Process(new PacketBatch(other)));
        tracker.Dispose();
        tracker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tracker.Process(new PacketBatch(table)));
    }

    [Fact]
    public void Meanwhile_runs_once_per_batch_on_the_calling_thread()
    {
        var table = new ConntrackTable(new ConntrackSettings(), seed: 1);
        using var tracker = new ParallelTracker(table, 2);
        var batch = FiveHundredFlows(table);
        int calls = 0;
        int thread = Environment.CurrentManagedThreadId;
        int calledOn = -1;
        tracker.Process(batch, () =>
        {
            calls++;
            calledOn = Environment.CurrentManagedThreadId;
        });
        Assert.Equal(1, calls);
        Assert.Equal(thread, calledOn);
        Assert.Equal(500, table.Count);
        Assert.Equal(1, tracker.ConcurrentSegments);
        Assert.Equal(500, tracker.ConcurrentPackets);

        // A throwing meanwhile still leaves the batch tracked, then surfaces.
        batch.Clear();
        for (ushort i = 0; i < 500; i++)
            batch.TryAdd(Udp(0x0B000000u + i, 1000), 2 * Second);
        Assert.Throws<InvalidDataException>(() => tracker.Process(batch, () => throw new InvalidDataException("reader failed")));
        Assert.Equal(1000, table.Count);
    }

    [Fact]
    public void A_table_whose_flows_all_fall_in_one_partition_still_holds_max_entries()
    {
        // Slots are dealt to partitions in blocks; a partition with far more than its share
        // must be able to grow the array beyond max rather than refuse entries.
        const int Max = 300;
        var table = new ConntrackTable(new ConntrackSettings { Max = Max, Buckets = 512 }, seed: 9);
        var probe = new ConntrackTable(new ConntrackSettings { Max = Max, Buckets = 512 }, seed: 9);
        int added = 0;
        for (uint i = 0; added < Max; i++)
        {
            var packet = Udp(0x0A000000u + i, 1000);
            // Same seed, same partition function: keep only the flows of partition 0.
            probe.Process(packet, Second);
            if (!probe.TryGet(Pkt.TupleOf(packet), Second, out var entry) || PartitionLayout.PartitionOfSlot(entry.Slot) != 0)
                continue;
            Assert.Equal(CtInfo.New, table.Process(packet, Second).State);
            added++;
        }
        Assert.Equal(Max, table.Count);
        Assert.True(table.Capacity > Max, $"capacity {table.Capacity}");
        Assert.All(table.Snapshot(Second), e => Assert.Equal(0, PartitionLayout.PartitionOfSlot(e.Slot)));
        // One more is refused by the limit, as anywhere else.
        Assert.Equal(PacketFate.Dropped, table.Process(Udp(0x0C000000, 1000), Second).Fate);
    }

    [Fact]
    public void An_idle_tracker_lets_its_workers_sleep_and_wakes_them_for_the_next_batch()
    {
        var table = new ConntrackTable(new ConntrackSettings(), seed: 1);
        using var tracker = new ParallelTracker(table, 2);
        var batch = FiveHundredFlows(table);
        tracker.Process(batch);
        Thread.Sleep(100); // past the short spin

        // The worker's CPU time, from the kernel's per-thread accounting (clock ticks).
        long before = WorkerTicks();
        Thread.Sleep(500);
        long used = WorkerTicks() - before;
        Assert.True(used <= 10, $"an idle worker used {used} ticks in 0.5 s");

        batch.Clear();
        for (ushort i = 0; i < 500; i++)
            batch.TryAdd(Udp(0x0B000000u + i, 1000), 2 * Second);
        tracker.Process(batch);
        Assert.Equal(1000, table.Count);
        Assert.Equal(2, tracker.ConcurrentSegments);
    }

    private static long WorkerTicks()
    {
        long ticks = 0;
        int workers = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "conntrack worke")
                continue;
            // Fields after the command's closing parenthesis: state is the 3rd, utime the 14th, stime the 15th.
            string stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            workers++;
        }
        Assert.Equal(1, workers);
        return ticks;
    }
}
