using Conntrack.Replay.KernelLog;
using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// Reads a capture record by record, finds each frame's IP packet, and pushes it through a
/// <see cref="ConntrackTable"/> at the record's own timestamp. Streaming and allocation-free per packet.
/// </summary>
public static class ReplayRunner
{
    private const int BatchPackets = 512;
    private const int BatchBytes = 1 << 20;

    public static ReplayResult Run(CaptureReader reader, ReplayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var recorder = new ReplayRecorder(new TableFullLog(options.LogStyle, options.NetnsInode));
        var table = new ConntrackTable(options.Settings, recorder, options.HashSeed, options.AllocationLimit);
        var run = new RunState(table, recorder, options.Settings.Checksum);
        var status = options.Status is { } report ? new StatusReporter(report, options.StatusEvery) : null;
        var filler = new BatchFiller(reader, options, cancellationToken);
        using var tracker = new ParallelTracker(table, options.Threads);
        TrackAll(table, filler, tracker, run, status, recorder, options.Tick);
        options.Progress?.Invoke(1.0);
        return Summarize(reader, table, recorder, filler, run);
    }

    /// <summary>
    /// Two batches: while one is tracked, the reading thread fills the other (copied, parsed
    /// and routed), then joins the workers; all bookkeeping happens per batch or per verdict.
    /// </summary>
    private static void TrackAll(ConntrackTable table, BatchFiller filler, ParallelTracker tracker, RunState run, StatusReporter? status, ReplayRecorder recorder, Action<ReplayTick>? tick)
    {
        var current = new PacketBatch(table, BatchPackets, BatchBytes);
        var next = new PacketBatch(table, BatchPackets, BatchBytes);
        var currentLengths = new int[BatchPackets];
        var nextLengths = new int[BatchPackets];
        Action fillNext = () => filler.Fill(next, nextLengths);
        filler.Fill(current, currentLengths);
        while (current.Count > 0)
        {
            tracker.Process(current, fillNext);
            run.Flush(current, currentLengths);
            status?.Observe(run, table, recorder);
            if (tick is not null)
                Tick(tick, table, recorder, run, current, next);
            (current, next) = (next, current);
            (currentLengths, nextLengths) = (nextLengths, currentLengths);
        }
    }

    /// <summary>Batches end at whole seconds of capture time: between this batch and the next the table is exact for the second the next begins in.</summary>
    private static void Tick(Action<ReplayTick> tick, ConntrackTable table, ReplayRecorder recorder, RunState run, PacketBatch current, PacketBatch next)
    {
        long Second(long timestamp) => (timestamp - run.First) / Timeline.SecondNanos;
        bool final = next.Count == 0;
        long at = final ? run.Last : run.First + (Second(next.Timestamp(0)) * Timeline.SecondNanos);
        if (final || Second(next.Timestamp(0)) > Second(current.Timestamp(current.Count - 1)))
            tick(new ReplayTick(at, (at - run.First) / 1e9, final, table, recorder.Created, recorder.Destroyed, recorder.TableFullDrops, recorder.AllocationFailures));
    }

    private static ReplayResult Summarize(CaptureReader reader, ConntrackTable table, ReplayRecorder recorder, BatchFiller filler, RunState run)
    {
        long first = run.First, last = run.Last;
        var timeline = run.Timeline;
        timeline.Finish();
        recorder.Integrate(last);
        var finalEntries = table.Snapshot(last);
        var atPeak = table.PeakCount > run.SnapshotPeak
            ? TableComposition.Of(finalEntries, last) // still at (or within 1 % of) the peak
            : run.AtPeak;
        return new ReplayResult
        {
            Source = reader.Name,
            Format = reader.Format,
            Table = table,
            Records = filler.Records,
            Packets = run.Packets,
            Bytes = run.Bytes,
            FirstTimestamp = first,
            LastTimestamp = last,
            EntriesCreated = recorder.Created,
            EntriesDestroyed = recorder.Destroyed,
            PeakEntries = table.PeakCount,
            PeakTimestamp = table.PeakTimestamp,
            PacketsByState = PacketsByState(run.States),
            DroppedPackets = run.Dropped,
            HeldFragments = run.Held,
            DiscardedPackets = run.Discarded,
            InvalidChecksums = run.InvalidChecksums,
            View = filler.View ?? new ViewChoice(CaptureView.Router, "requested", Requested: true),
            Skipped = SkippedByReason(filler.Skipped),
            UnsupportedLinkTypes = [.. filler.UnsupportedLinkTypes],
            CaptureIssues = reader.Issues,
            FinalEntries = finalEntries,
            Timeline = timeline,
            PeakComposition = atPeak,
            FirstDropComposition = run.AtFirstDrop,
            EntrySeconds = recorder.EntrySeconds(),
            // Expired entries not yet reaped have a known holding time too.
            Holding = recorder.Holding(table.Snapshot(last, includeExpired: true), last),
            Log = recorder.Log,
            LostFlows = recorder.LostFlows,
            LostFlowsCapped = recorder.LostFlowsCapped,
            AllocationFailures = recorder.AllocationFailures,
        };
    }

    private static Dictionary<string, long> PacketsByState(long[] states)
    {
        var byState = new Dictionary<string, long>();
        foreach (var state in Enum.GetValues<CtInfo>())
        {
            if (states[(int)state] > 0)
                byState[StateLabel(state)] = states[(int)state];
        }
        return byState;
    }

    private static Dictionary<SkipReason, long> SkippedByReason(long[] skipped)
    {
        var byReason = new Dictionary<SkipReason, long>();
        foreach (var reason in Enum.GetValues<SkipReason>())
        {
            if (skipped[(int)reason] > 0)
                byReason[reason] = skipped[(int)reason];
        }
        return byReason;
    }

    /// <summary>nftables' words for the ct state of a packet.</summary>
    public static string StateLabel(CtInfo state) => state switch
    {
        CtInfo.New => "new",
        CtInfo.Established => "established",
        CtInfo.EstablishedReply => "established_reply",
        CtInfo.Related => "related",
        CtInfo.RelatedReply => "related_reply",
        CtInfo.Untracked => "untracked",
        _ => "invalid",
    };
}
