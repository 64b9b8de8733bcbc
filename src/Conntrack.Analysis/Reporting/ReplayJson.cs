using System.Globalization;
using System.Text.Json;
using Conntrack.Analysis.Replay;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Analysis.Reporting;

/// <summary>The replay summary as one JSON object, snake_case keys; <c>stats</c> uses the kernel's counter names.</summary>
public static class ReplayJson
{
    public static void Write(Stream output, ReplayResult r, ConntrackSettings settings)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var composition = TableComposition.Of(r.FinalEntries);
        w.WriteStartObject();
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

        w.WriteStartObject("stats");
        foreach (var (name, value) in r.Statistics.ToList())
            w.WriteNumber(name, value);
        w.WriteEndObject();

        w.WriteStartObject("table");
        w.WriteNumber("nf_conntrack_max", r.Table.Max);
        w.WriteNumber("nf_conntrack_buckets", r.Table.BucketCount);
        w.WriteNumber("engine_bytes", r.Table.MemoryBytes);
        w.WriteNumber("engine_bytes_per_entry", ConntrackTable.BytesPerEntry(settings.Accounting));
        w.WriteEndObject();

        w.WriteStartObject("settings_changed");
        foreach (var (name, value) in settings.Changed())
            w.WriteNumber(name, value);
        w.WriteEndObject();

        w.WriteStartObject("skipped");
        foreach (var (reason, count) in r.Skipped)
            w.WriteNumber(SkipLabel(reason), count);
        w.WriteNumber("capture_issues", r.CaptureIssues.Total);
        w.WriteNumber("skipped_records", r.CaptureIssues.SkippedRecords);
        w.WriteNumber("truncated_records", r.CaptureIssues.TruncatedRecords);
        w.WriteBoolean("stopped_early", r.CaptureIssues.StoppedEarly);
        w.WriteStartArray("issues");
        foreach (var issue in r.CaptureIssues.First)
        {
            w.WriteStartObject();
            w.WriteNumber("offset", issue.FileOffset);
            w.WriteNumber("packet", issue.PacketNumber);
            w.WriteString("reason", issue.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string SkipLabel(SkipReason reason) => reason switch
    {
        SkipReason.NotIp => "not_ip",
        SkipReason.LinkTruncated => "link_truncated",
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
