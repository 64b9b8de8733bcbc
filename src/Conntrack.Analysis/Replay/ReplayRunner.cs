using Conntrack.Analysis.KernelLog;
using Conntrack.Analysis.Reporting;
using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Analysis.Replay;

/// <summary>
/// Reads a capture record by record, finds each frame's IP packet, and pushes it through a
/// <see cref="ConntrackTable"/> at the record's own timestamp. Streaming and allocation-free per packet.
/// </summary>
public static class ReplayRunner
{
    private const int ProgressEvery = 1 << 16;
    private const int BatchPackets = 32;
    private const int BatchBytes = 1 << 18;

    // A batch is flushed early when its packets span more than this, so the timeline stays exact
    // for sparse captures.
    private const long BatchSpan = 10_000_000;

    public static ReplayResult Run(CaptureReader reader, ReplayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var recorder = new ReplayRecorder(new TableFullLog(options.LogStyle, options.NetnsInode));
        var table = new ConntrackTable(options.Settings, recorder, options.HashSeed, options.AllocationLimit);
        var run = new RunState(table, recorder);
        Span<long> skipped = stackalloc long[3];
        long records = 0;
        long? length = reader.Length;

        // Packets are copied into one buffer and tracked a batch at a time, so the table can
        // prefetch; all bookkeeping below happens per batch or per verdict.
        var buffer = new byte[BatchBytes];
        var slices = new PacketSlice[BatchPackets];
        var originalLengths = new int[BatchPackets];
        var verdicts = new PacketVerdict[BatchPackets];
        int batched = 0, used = 0;

        while (reader.TryReadNext(out var record))
        {
            records++;
            if ((records & (ProgressEvery - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (options.Progress is { } progress && length is > 0)
                    progress((double)reader.Position / length.Value);
            }
            var status = LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network);
            if (status != LinkDecodeStatus.Ok)
            {
                skipped[status switch
                {
                    LinkDecodeStatus.NotIp => (int)SkipReason.NotIp,
                    LinkDecodeStatus.Truncated => (int)SkipReason.LinkTruncated,
                    _ => (int)SkipReason.UnsupportedLinkType,
                }]++;
                continue;
            }
            long now = record.TimestampNanoseconds;
            // Time never runs backwards inside the engine; a capture that does is clamped to its latest time.
            if (run.Packets + batched > 0 && now < run.Last)
                now = run.Last;
            if (batched > 0 && (batched == BatchPackets || used + network.Length > BatchBytes || now - slices[0].Timestamp > BatchSpan))
            {
                run.Flush(buffer, slices.AsSpan(0, batched), originalLengths, verdicts);
                batched = used = 0;
            }
            record.Data.Slice(network.Offset, network.Length).CopyTo(buffer.AsSpan(used));
            slices[batched] = new PacketSlice(used, network.Length, now);
            originalLengths[batched] = record.OriginalLength;
            used += network.Length;
            batched++;
            run.Last = now;
        }
        if (batched > 0)
            run.Flush(buffer, slices.AsSpan(0, batched), originalLengths, verdicts);
        options.Progress?.Invoke(1.0);

        long first = run.First, last = run.Last;
        var timeline = run.Timeline;
        timeline.Finish();
        recorder.Integrate(last);
        var finalEntries = table.Snapshot(last);
        var atPeak = table.PeakCount > run.SnapshotPeak
            ? TableComposition.Of(finalEntries, last) // still at (or within 1 % of) the peak
            : run.AtPeak;
        long[] states = run.States;
        var byState = new Dictionary<string, long>();
        foreach (var state in Enum.GetValues<CtInfo>())
        {
            if (states[(int)state] > 0)
                byState[StateLabel(state)] = states[(int)state];
        }
        var skippedMap = new Dictionary<SkipReason, long>();
        foreach (var reason in Enum.GetValues<SkipReason>())
        {
            if (skipped[(int)reason] > 0)
                skippedMap[reason] = skipped[(int)reason];
        }

        return new ReplayResult
        {
            Source = reader.Name,
            Format = reader.Format,
            Table = table,
            Records = records,
            Packets = run.Packets,
            Bytes = run.Bytes,
            FirstTimestamp = first,
            LastTimestamp = last,
            EntriesCreated = recorder.Created,
            EntriesDestroyed = recorder.Destroyed,
            PeakEntries = table.PeakCount,
            PeakTimestamp = table.PeakTimestamp,
            PacketsByState = byState,
            DroppedPackets = run.Dropped,
            HeldFragments = run.Held,
            DiscardedPackets = run.Discarded,
            Skipped = skippedMap,
            CaptureIssues = reader.Issues,
            FinalEntries = finalEntries,
            Timeline = timeline,
            PeakComposition = atPeak,
            FirstDropComposition = run.AtFirstDrop,
            EntrySeconds = recorder.EntrySeconds(),
            Log = recorder.Log,
            LostFlows = recorder.LostFlows,
            LostFlowsCapped = recorder.LostFlowsCapped,
            AllocationFailures = recorder.AllocationFailures,
        };
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
