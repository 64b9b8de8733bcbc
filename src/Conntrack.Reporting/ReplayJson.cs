using System.Globalization;
using System.Text.Json;
using Conntrack.Replay.Memory;
using Conntrack.Replay.Planning;
using Conntrack.Replay;
using Conntrack.Settings;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Reporting;

/// <summary>The replay summary as one JSON object, snake_case keys; <c>stats</c> uses the kernel's counter names.</summary>
public static class ReplayJson
{
    public static void Write(Stream output, ReplayResult r, ConntrackSettings settings, bool indented = true, MemoryProfile? profile = null)
    {
        profile ??= MemoryProfiles.Linux618;
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        w.WriteStartObject();
        WriteSummary(w, r);
        WriteStats(w, r.Statistics);
        WriteTable(w, r, settings);
        WriteMemoryEstimates(w, r, settings, profile);
        WriteTimeline(w, r.Timeline);
        WriteComposition(w, "peak_composition", r.PeakComposition);
        WriteComposition(w, "first_drop_composition", r.FirstDropComposition);
        WriteEntrySeconds(w, r.EntrySeconds, settings);
        WriteDrops(w, r);
        WriteSettingsChanged(w, settings);
        WriteSkipped(w, r);
        w.WriteEndObject();
    }

    /// <summary>The top-level counts: what was read, what the table held at its peak and at the end, how packets were classified.</summary>
    private static void WriteSummary(Utf8JsonWriter w, ReplayResult r)
    {
        var composition = TableComposition.Of(r.FinalEntries);
        w.WriteString("source", r.Source);
        w.WriteString("format", r.Format.ToString().ToLowerInvariant());
        w.WriteNumber("records", r.Records);
        w.WriteNumber("packets", r.Packets);
        w.WriteNumber("bytes", r.Bytes);
        WriteTime(w, "first_timestamp", r.FirstTimestamp, r.Packets > 0);
        WriteTime(w, "last_timestamp", r.LastTimestamp, r.Packets > 0);
        w.WriteNumber("duration_seconds", Math.Round(r.DurationSeconds, 6));
        w.WriteNumber("entries_created", r.EntriesCreated);
        w.WriteNumber("entries_destroyed", r.EntriesDestroyed);
        w.WriteNumber("peak_entries", r.PeakEntries);
        WriteTime(w, "peak_timestamp", r.PeakTimestamp, r.PeakEntries > 0);
        w.WriteNumber("peak_offset_seconds", r.PeakEntries > 0 ? Math.Round((r.PeakTimestamp - r.FirstTimestamp) / 1e9, 6) : 0);
        w.WriteNumber("final_entries", composition.Total);
        w.WriteNumber("final_count", r.Table.Count);
        WriteMap(w, "final_by_protocol", composition.ByProtocol);
        WriteMap(w, "final_by_state", composition.ByState);
        w.WriteNumber("final_assured", composition.Assured);
        w.WriteNumber("final_unreplied", composition.Unreplied);
        w.WriteStartObject("packets_by_ct_state");
        foreach (var (state, count) in r.PacketsByState)
            w.WriteNumber(state, count);
        w.WriteEndObject();
        w.WriteNumber("dropped_packets", r.DroppedPackets);
        w.WriteNumber("held_fragments", r.HeldFragments);
        w.WriteNumber("discarded_packets", r.DiscardedPackets);
        w.WriteNumber("invalid_checksums", r.InvalidChecksums);
        w.WriteStartObject("view");
        w.WriteString("name", ReplayHints.ViewName(r.View.View));
        w.WriteString("reason", r.View.Reason);
        w.WriteBoolean("requested", r.View.Requested);
        w.WriteEndObject();
        JsonArrays.WriteObjects(w, "hints", ReplayHints.Of(r), (w, hint) =>
        {
            w.WriteString("kind", hint.Kind);
            w.WriteString("text", hint.Text);
        });
    }

    private static void WriteStats(Utf8JsonWriter w, ConntrackStatistics statistics)
    {
        w.WriteStartObject("stats");
        foreach (var (name, value) in statistics.ToList())
            w.WriteNumber(name, value);
        w.WriteEndObject();
    }

    private static void WriteTable(Utf8JsonWriter w, ReplayResult r, ConntrackSettings settings)
    {
        w.WriteStartObject("table");
        w.WriteNumber("nf_conntrack_max", r.Table.Max);
        w.WriteNumber("nf_conntrack_buckets", r.Table.BucketCount);
        w.WriteNumber("engine_bytes", r.EngineBytesAtPeak(settings.Accounting));
        w.WriteNumber("engine_bytes_per_entry", ConntrackTable.BytesPerEntry(settings.Accounting));
        w.WriteEndObject();
    }

    private static void WriteMemoryEstimates(Utf8JsonWriter w, ReplayResult r, ConntrackSettings settings, MemoryProfile profile)
    {
        bool extensions = CapacityPlanner.UsesExtensions(settings);
        var atPeak = ConntrackMemoryModel.Estimate(r.PeakEntries, r.Table.BucketCount, profile, extensions);
        var atMax = ConntrackMemoryModel.Estimate(r.Table.Max, r.Table.BucketCount, profile, extensions);
        w.WriteStartArray("memory");
        WriteMemory(w, $"kernel at the peak ({profile.Name})", atPeak.TotalBytes);
        if (r.Table.Max > 0)
            WriteMemory(w, $"kernel with a full table ({profile.Name})", atMax.TotalBytes);
        WriteMemory(w, "kernel bucket array", atPeak.BucketBytes);
        WriteMemory(w, "engine at the peak", r.EngineBytesAtPeak(settings.Accounting));
        w.WriteEndArray();
    }

    private static void WriteEntrySeconds(Utf8JsonWriter w, IReadOnlyList<EntrySeconds> entrySeconds, ConntrackSettings settings)
    {
        JsonArrays.WriteObjects(w, "entry_seconds", entrySeconds, (w, es) =>
        {
            w.WriteString("class", es.Class);
            if (es.Timeout is { } timeout)
            {
                w.WriteString("timeout_setting", timeout.SysctlName());
                w.WriteNumber("timeout_seconds", settings.Get(timeout));
            }
            w.WriteNumber("entry_seconds", Math.Round(es.Seconds, 3));
            w.WriteNumber("share", Math.Round(es.Share, 6));
        });
    }

    private static void WriteDrops(Utf8JsonWriter w, ReplayResult r)
    {
        w.WriteStartObject("drops");
        w.WriteNumber("table_full", r.Log.Printed + r.Log.Suppressed);
        w.WriteNumber("allocation_failures", r.AllocationFailures);
        WriteTime(w, "first_drop_timestamp", r.Log.FirstDrop, r.Log.FirstDrop >= 0);
        WriteTime(w, "last_drop_timestamp", r.Log.LastDrop, r.Log.LastDrop >= 0);
        w.WriteNumber("log_lines_printed", r.Log.Printed);
        w.WriteNumber("log_lines_suppressed", r.Log.Suppressed);
        w.WriteNumber("suppressed_unreported", r.Log.SuppressedUnreported);
        w.WriteNumber("flows_lost", r.LostFlows);
        w.WriteBoolean("flows_lost_capped", r.LostFlowsCapped);
        w.WriteStartArray("log");
        foreach (var line in r.Log.Lines.Take(MaxLogLinesInJson))
            w.WriteStringValue(line.ToDmesg(r.FirstTimestamp));
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSettingsChanged(Utf8JsonWriter w, ConntrackSettings settings)
    {
        w.WriteStartObject("settings_changed");
        foreach (var (name, value) in settings.Changed())
            w.WriteNumber(name, value);
        w.WriteEndObject();
    }

    private static void WriteSkipped(Utf8JsonWriter w, ReplayResult r)
    {
        w.WriteStartObject("skipped");
        foreach (var (reason, count) in r.Skipped)
            w.WriteNumber(SkipLabel(reason), count);
        w.WriteStartArray("unsupported_link_types");
        foreach (var linkType in r.UnsupportedLinkTypes)
            w.WriteNumberValue((int)linkType);
        w.WriteEndArray();
        w.WriteNumber("capture_issues", r.CaptureIssues.Total);
        w.WriteNumber("skipped_records", r.CaptureIssues.SkippedRecords);
        w.WriteNumber("truncated_records", r.CaptureIssues.TruncatedRecords);
        w.WriteNumber("retimed_records", r.CaptureIssues.RetimedRecords);
        w.WriteBoolean("stopped_early", r.CaptureIssues.StoppedEarly);
        JsonArrays.WriteObjects(w, "issues", r.CaptureIssues.First, (w, issue) =>
        {
            w.WriteNumber("offset", issue.FileOffset);
            w.WriteNumber("packet", issue.PacketNumber);
            w.WriteString("reason", issue.Reason);
        });
        w.WriteEndObject();
    }

    private const int MaxLogLinesInJson = 200;

    private static void WriteMemory(Utf8JsonWriter w, string label, long bytes)
    {
        w.WriteStartObject();
        w.WriteString("label", label);
        w.WriteNumber("bytes", bytes);
        w.WriteEndObject();
    }

    private static void WriteTimeline(Utf8JsonWriter w, Timeline timeline)
    {
        w.WriteStartObject("timeline");
        double width = timeline.Resolution / 1e9;
        w.WriteNumber("resolution_seconds", width);
        WriteSeries(w, "offset_seconds", timeline.Points, p => Math.Round((p.Start - timeline.Start) / 1e9, 6));
        WriteSeries(w, "entries_peak", timeline.Points, p => p.PeakEntries);
        WriteSeries(w, "entries_end", timeline.Points, p => p.EndEntries);
        WriteSeries(w, "new_per_second", timeline.Points, p => Math.Round(p.NewEntries / width, 3));
        WriteSeries(w, "drops_per_second", timeline.Points, p => Math.Round(p.Drops / width, 3));
        WriteSeries(w, "early_drops_per_second", timeline.Points, p => Math.Round(p.EarlyDrops / width, 3));
        WriteSeries(w, "allocation_failures_per_second", timeline.Points, p => Math.Round(p.AllocationFailures / width, 3));
        w.WriteEndObject();
    }

    private static void WriteSeries(Utf8JsonWriter w, string name, IReadOnlyList<TimelinePoint> points, Func<TimelinePoint, double> value)
    {
        w.WriteStartArray(name);
        foreach (var p in points)
            w.WriteNumberValue(value(p));
        w.WriteEndArray();
    }

    private static void WriteComposition(Utf8JsonWriter w, string name, TableComposition? c)
    {
        if (c is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        WriteTime(w, "timestamp", c.Timestamp, c.Timestamp != 0);
        w.WriteNumber("entries", c.Total);
        w.WriteNumber("assured", c.Assured);
        w.WriteNumber("unreplied", c.Unreplied);
        WriteMap(w, "by_protocol", c.ByProtocol);
        WriteMap(w, "by_state", c.ByState);
        WriteRanking(w, "top_sources", c.TopSources);
        WriteRanking(w, "top_destinations", c.TopDestinations);
        WriteRanking(w, "top_destination_ports", c.TopDestinationPorts);
        w.WriteEndObject();
    }

    private static void WriteRanking(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, int>> ranking)
    {
        w.WriteStartArray(name);
        foreach (var (key, count) in ranking)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteNumber("entries", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string SkipLabel(SkipReason reason) => reason switch
    {
        SkipReason.NotIp => "not_ip",
        SkipReason.LinkTruncated => "link_truncated",
        SkipReason.LoopbackCopy => "loopback_copy",
        _ => "unsupported_link_type",
    };

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, int> map)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in map)
            w.WriteNumber(key, value);
        w.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, long unixNanoseconds, bool present)
    {
        if (!present)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteString(name, FormatTime(unixNanoseconds));
    }

    /// <summary>ISO 8601 UTC with microseconds.</summary>
    public static string FormatTime(long unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(unixNanoseconds / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
