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

    public static ReplayResult Run(CaptureReader reader, ReplayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var recorder = new ReplayRecorder(new TableFullLog(options.LogStyle, options.NetnsInode));
        var table = new ConntrackTable(options.Settings, recorder, options.HashSeed, options.AllocationLimit);
        var timeline = new Timeline();
        TableComposition? atPeak = null, atFirstDrop = null;
        int snapshotPeak = 0;
        Span<long> states = stackalloc long[256];
        Span<long> skipped = stackalloc long[3];
        long records = 0, packets = 0, bytes = 0, dropped = 0, held = 0, discarded = 0;
        long first = 0, last = 0, peakAt = 0;
        int peak = 0;
        long? length = reader.Length;

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
            if (packets > 0 && now < last)
                now = last;
            recorder.Now = now;
            var verdict = table.Process(record.Data.Slice(network.Offset, network.Length), now);
            if (packets == 0)
                first = now;
            last = now;
            packets++;
            bytes += record.OriginalLength;
            switch (verdict.Fate)
            {
                case PacketFate.Accepted:
                    states[(int)verdict.State]++;
                    break;
                case PacketFate.Dropped:
                    dropped++;
                    break;
                case PacketFate.Held:
                    held++;
                    break;
                default:
                    discarded++;
                    break;
            }
            int count = table.Count;
            if (count > peak)
            {
                peak = count;
                peakAt = now;
            }
            // Describe the peak once it has passed (the count fell 1 % below it): one walk of the
            // table per peak episode instead of one per new maximum.
            else if (peak > snapshotPeak && count < peak - Math.Max(1, peak / 100))
            {
                atPeak = TableComposition.Of(table.Snapshot(now), now);
                snapshotPeak = peak;
            }
            if (recorder.FirstDropPending)
            {
                recorder.FirstDropPending = false;
                atFirstDrop = TableComposition.Of(table.Snapshot(now), now);
            }
            var stats = table.Statistics;
            timeline.Observe(now, count, new Timeline.Cumulative(recorder.Created, recorder.TableFullDrops, stats.EarlyDrop, recorder.AllocationFailures));
        }
        options.Progress?.Invoke(1.0);
        timeline.Finish();
        recorder.Integrate(last);
        var finalEntries = table.Snapshot(last);
        if (peak > snapshotPeak)
            atPeak = TableComposition.Of(finalEntries, last); // still at (or within 1 % of) the peak

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
            Packets = packets,
            Bytes = bytes,
            FirstTimestamp = first,
            LastTimestamp = last,
            EntriesCreated = recorder.Created,
            EntriesDestroyed = recorder.Destroyed,
            PeakEntries = peak,
            PeakTimestamp = peakAt,
            PacketsByState = byState,
            DroppedPackets = dropped,
            HeldFragments = held,
            DiscardedPackets = discarded,
            Skipped = skippedMap,
            CaptureIssues = reader.Issues,
            FinalEntries = finalEntries,
            Timeline = timeline,
            PeakComposition = atPeak,
            FirstDropComposition = atFirstDrop,
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
