using Conntrack.Formats;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Fuzz;

/// <summary>
/// Target (b): the packet path. The input is a <see cref="PacketSequence"/>; every packet goes through
/// IP checks, reassembly, parsing and tracking in a small table (limit 16, so early drop and the
/// full-table drop are reached) one by one, and through a second table as one batch, which must
/// give the same verdicts. Then the entries are listed and formatted as /proc and conntrack show them.
/// </summary>
internal static class PacketPathTarget
{
    private const int TableLimit = 16;
    private const int MaxPackets = 4096;

    public static void Run(byte[] input)
    {
        var settings = new ConntrackSettings { Max = TableLimit, Buckets = 16, Accounting = true, Timestamp = true };
        var single = new ConntrackTable(settings, seed: 1);
        var batched = new ConntrackTable(settings, seed: 1);
        var slices = new List<PacketSlice>();
        var expected = new List<PacketVerdict>();
        int offset = 0;
        long now = 0;
        while (slices.Count < MaxPackets && PacketSequence.TryRead(input, ref offset, ref now, out var packet))
        {
            expected.Add(single.Process(packet, now));
            slices.Add(new PacketSlice(offset - packet.Length, packet.Length, now));
        }
        var verdicts = new PacketVerdict[slices.Count];
        batched.ProcessBatch(input, slices.ToArray(), verdicts);
        // A batch is documented to track exactly as one by one: a difference is a finding too.
        for (int i = 0; i < verdicts.Length; i++)
        {
            if (verdicts[i] != expected[i])
                throw new InvalidOperationException($"packet {i}: batch verdict {verdicts[i]}, one by one {expected[i]}");
        }
        foreach (var entry in single.Snapshot(now))
        {
            EntryFormatter.ProcLine(entry, now, settings);
            EntryFormatter.ConntrackLine(entry, now, settings, extended: true);
            single.TryGet(entry.Reply, now, out _);
        }
        _ = single.Statistics;
        _ = batched.Snapshot(now).Count;
    }
}
