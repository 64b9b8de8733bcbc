using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>The running totals of one replay, updated a batch at a time.</summary>
internal sealed class RunState(ConntrackTable table, ReplayRecorder recorder, bool checksumsVerified)
{
    public readonly long[] States = new long[256];
    public readonly Timeline Timeline = new();
    public long Packets;
    public long Bytes;
    public long Dropped;
    public long Held;
    public long Discarded;

    /// <summary>Invalid packets whose L4 checksum does not verify (counted only when checksums are verified).</summary>
    public long InvalidChecksums;
    public long First;
    public long Last;
    public TableComposition? AtPeak;
    public TableComposition? AtFirstDrop;
    public int SnapshotPeak;

    public void Flush(PacketBatch batch, ReadOnlySpan<int> originalLengths)
    {
        if (Packets == 0)
        {
            First = batch.Timestamp(0);
            Timeline.Begin(First);
        }
        for (int i = 0; i < batch.Count; i++)
        {
            Bytes += originalLengths[i];
            var verdict = batch.Verdict(i);
            switch (verdict.Fate)
            {
                case PacketFate.Accepted:
                    States[(int)verdict.State]++;
                    if (verdict.State == CtInfo.Invalid && checksumsVerified && batch.FailsChecksum(i))
                        InvalidChecksums++;
                    break;
                case PacketFate.Dropped:
                    Dropped++;
                    break;
                case PacketFate.Held:
                    Held++;
                    break;
                default:
                    Discarded++;
                    break;
            }
        }
        Packets += batch.Count;
        long now = batch.Timestamp(batch.Count - 1);
        Last = now;
        int count = table.Count;
        int peak = table.PeakCount;
        // Describe the peak once it has passed (the count fell 1 % below it): one walk of the
        // table per peak episode instead of one per new maximum.
        if (peak > SnapshotPeak && count < peak - Math.Max(1, peak / 100))
        {
            AtPeak = TableComposition.Of(table.Snapshot(now), now);
            SnapshotPeak = peak;
        }
        if (recorder.FirstDropPending)
        {
            recorder.FirstDropPending = false;
            AtFirstDrop = TableComposition.Of(table.Snapshot(now), now);
        }
        var stats = table.Statistics;
        Timeline.Observe(now, table.TakeIntervalPeak(), count, new Timeline.Cumulative(recorder.Created, recorder.TableFullDrops, stats.EarlyDrop, recorder.AllocationFailures));
    }
}
