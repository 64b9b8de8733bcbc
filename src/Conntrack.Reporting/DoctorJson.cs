using Conntrack.Doctor;
using System.Text.Json;
using Conntrack.Replay.Memory;
using Conntrack.Host;
using Conntrack.Host.Logs;
using Conntrack.Host.Tables;
using Conntrack.Protocols;
using Conntrack.Timeouts;

namespace Conntrack.Reporting;

/// <summary>
/// The diagnosis as one JSON object. Top-level keys every consumer can rely on: <c>verdict</c>
/// (healthy, filling, dropping_full, dropping_memory, insert_races, long_chains), <c>count</c>, <c>max</c>,
/// <c>buckets</c>, <c>table_full_events</c> (printed lines), <c>suppressed</c>, <c>memory_bytes_now</c>,
/// <c>memory_bytes_at_max</c>, <c>recommendations</c>; the details follow in objects.
/// </summary>
public static class DoctorJson
{
    private const int TopN = 10;

    public static void Write(Stream output, Diagnosis d)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var host = d.Host;
        var logs = host.Logs;
        w.WriteStartObject();
        w.WriteString("verdict", VerdictText.Json(d.Verdict));
        w.WriteString("headline", d.Headline);
        WriteStrings(w, "evidence", d.Evidence);
        WriteStrings(w, "also", d.AlsoSeen.Select(VerdictText.Json));
        WriteNumber(w, "count", d.Usage.Count);
        WriteNumber(w, "max", d.Usage.Max);
        WriteNumber(w, "buckets", d.Usage.Buckets);
        w.WriteNumber("table_full_events", logs.TableFullPrinted);
        w.WriteNumber("suppressed", logs.TableFullSuppressed);
        w.WriteNumber("packets_lost_logged", logs.PacketsLost);
        WriteNumber(w, "memory_bytes_now", d.Memory.Now?.TotalBytes);
        WriteNumber(w, "memory_bytes_at_max", d.Memory.AtMax?.TotalBytes);
        WriteNumber(w, "memory_bytes_at_recommended", d.Memory.AtRecommended?.TotalBytes);

        JsonArrays.WriteObjects(w, "recommendations", d.Recommendations, (w, r) =>
        {
            w.WriteString("kind", r.Kind);
            w.WriteString("title", r.Title);
            w.WriteString("reason", r.Reason);
            w.WriteString("cost", r.Cost);
            WriteStrings(w, "commands", r.Commands);
            w.WriteStartObject("settings");
            foreach (var (name, value) in r.Settings)
                w.WriteNumber(name, value);
            w.WriteEndObject();
        });
        WriteNumber(w, "recommended_max", d.RecommendedMax);
        WriteNumber(w, "recommended_buckets", d.RecommendedBuckets);
        w.WriteStartObject("persist");
        WriteFile(w, "sysctl_d", d.SysctlFile);
        WriteFile(w, "modprobe_d", d.ModprobeFile);
        w.WriteEndObject();

        WriteUsage(w, d);
        WriteLogs(w, logs);
        WriteStats(w, host);
        WriteTable(w, host.Table);
        WriteMemory(w, d.Memory, host);

        JsonArrays.WriteObjects(w, "timeout_projections", d.TimeoutProjections, (w, p) =>
        {
            w.WriteString("setting", p.Setting);
            w.WriteNumber("current", p.Current);
            w.WriteNumber("proposed", p.Proposed);
            w.WriteNumber("entries_in_class", p.EntriesInClass);
            w.WriteNumber("entries_gone", p.EntriesGone);
            w.WriteNumber("entries_left", p.EntriesLeft);
            w.WriteBoolean("exact", p.Exact);
        });
        WriteNumber(w, "projected_count_after_timeouts", d.ProjectedCountAfterTimeouts);
        WriteStrings(w, "notes", d.Notes);
        WriteInputs(w, host);
        w.WriteBoolean("live", host.Live);
        w.WriteString("root", host.Root);
        if (host.KernelRelease is { } release)
            w.WriteString("kernel_release", release);
        w.WriteNumber("elapsed_ms", Math.Round(host.Elapsed.TotalMilliseconds, 1));
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, Diagnosis d)
    {
        var u = d.Usage;
        var host = d.Host;
        w.WriteStartObject("usage");
        WriteNumber(w, "count", u.Count);
        w.WriteString("count_source", u.CountSource);
        WriteNumber(w, "max", u.Max);
        w.WriteString("max_source", u.MaxSource);
        WriteNumber(w, "buckets", u.Buckets);
        w.WriteString("buckets_source", u.BucketsSource);
        WriteDouble(w, "fill_percent", u.FillPercent);
        WriteDouble(w, "average_chain_length", u.AverageChain);
        WriteDouble(w, "average_chain_length_at_max", u.AverageChainAtMax);
        WriteNumber(w, "table_entries", u.TableEntries);
        WriteNumber(w, "stat_entries", u.StatEntries);
        WriteNumber(w, "netns_inode", host.NetnsInode);
        if (host.InitialNetns is bool initial)
            w.WriteBoolean("initial_netns", initial);
        else
            w.WriteNull("initial_netns");
        w.WriteBoolean("legacy_names", host.Settings.LegacyNames);
        w.WriteStartObject("settings");
        foreach (var (name, value) in host.Settings.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
            w.WriteNumber(name, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteLogs(Utf8JsonWriter w, LogEvidence logs)
    {
        w.WriteStartObject("logs");
        w.WriteNumber("table_full_printed", logs.TableFullPrinted);
        w.WriteNumber("table_full_suppressed", logs.TableFullSuppressed);
        w.WriteNumber("packets_lost", logs.PacketsLost);
        WriteTime(w, "first", logs.First);
        WriteTime(w, "last", logs.Last);
        w.WriteNumber("other_netns_printed", logs.OtherNetnsPrinted);
        w.WriteNumber("other_netns_suppressed", logs.OtherNetnsSuppressed);
        w.WriteStartObject("table_full_by_netns");
        foreach (var (netns, count) in logs.ByNetns)
            w.WriteNumber(netns == 0 ? "untagged" : netns.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
        w.WriteEndObject();
        w.WriteNumber("unattributed_suppressed", logs.UnattributedSuppressed);
        w.WriteNumber("alloc_failures", logs.AllocFailures);
        WriteTime(w, "first_alloc_failure", logs.FirstAllocFailure);
        WriteTime(w, "last_alloc_failure", logs.LastAllocFailure);
        w.WriteNumber("page_alloc_failures", logs.PageAllocFailures);
        w.WriteNumber("vmalloc_fallbacks", logs.VmallocFallbacks);
        w.WriteBoolean("historic_format", logs.Historic);
        w.WriteNumber("timeline_bucket_seconds", logs.BucketWidth.TotalSeconds);
        JsonArrays.WriteObjects(w, "timeline", logs.Timeline, (w, b) =>
        {
            WriteTime(w, "start", b.Start);
            w.WriteNumber("printed", b.Printed);
            w.WriteNumber("suppressed", b.Suppressed);
        });
        if (logs.Banner is { } banner)
        {
            w.WriteStartObject("boot_banner");
            w.WriteString("module", banner.Module);
            w.WriteString("version", banner.Version);
            w.WriteNumber("buckets", banner.Buckets);
            w.WriteNumber("max", banner.Max);
            WriteNumber(w, "bytes_per_conntrack", banner.BytesPerConntrack);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("boot_banner");
        }
        JsonArrays.WriteObjects(w, "sources", logs.Sources, (w, s) =>
        {
            w.WriteString("file", s.Label);
            w.WriteNumber("lines", s.Lines);
            w.WriteNumber("kernel_lines", s.KernelLines);
            w.WriteNumber("table_full_lines", s.TableFullLines);
            w.WriteNumber("suppressed_lines", s.SuppressedLines);
            w.WriteNumber("malformed", s.Malformed);
            w.WriteNumber("table_full_counted", s.TableFullCounted);
        });
        w.WriteString("note", logs.Note);
        w.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter w, HostObservation host)
    {
        if (host.Counters is not { } c)
        {
            w.WriteNull("stats");
            return;
        }
        w.WriteStartObject("stats");
        w.WriteString("source", c.File);
        w.WriteString("format", c.Format);
        w.WriteNumber("cpu_rows", c.CpuRows);
        WriteNumber(w, "entries", c.Entries);
        foreach (string name in c.Names)
            w.WriteNumber(name, c.Get(name));
        w.WriteEndObject();
    }

    private static void WriteTable(Utf8JsonWriter w, TableReadResult? table)
    {
        if (table is null)
        {
            w.WriteNull("table");
            return;
        }
        var s = table.Summary;
        w.WriteStartObject("table");
        w.WriteString("source", table.File);
        w.WriteString("format", table.Format);
        w.WriteNumber("lines", table.Lines);
        w.WriteNumber("malformed", table.Malformed);
        w.WriteNumber("entries", s.Entries);
        w.WriteNumber("assured", s.Assured);
        w.WriteNumber("unreplied", s.Unreplied);
        w.WriteNumber("offloaded", s.Offloaded);
        w.WriteNumber("ipv4", s.Ipv4);
        w.WriteNumber("ipv6", s.Ipv6);
        w.WriteStartObject("by_protocol");
        var protocols = s.ByProtocol;
        for (int p = 0; p < protocols.Length; p++)
        {
            if (protocols[p] > 0)
                w.WriteNumber(TableSummary.StateLabel((byte)p, StateId.Absent), protocols[p]);
        }
        w.WriteEndObject();
        w.WriteStartObject("by_state");
        foreach (var st in s.States)
            w.WriteNumber(st.Label, st.Count);
        w.WriteEndObject();
        w.WriteStartObject("zones");
        foreach (var (zone, count) in s.Zones.OrderBy(z => z.Key))
            w.WriteNumber(zone.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
        w.WriteEndObject();
        WriteTop(w, "top_sources", s.Sources, k => k.ToString());
        WriteTop(w, "top_destinations", s.Destinations, k => k.ToString());
        WriteTop(w, "top_destination_ports", s.DestinationPorts, TableSummary.PortLabel);
        JsonArrays.WriteObjects(w, "states", s.States, (w, st) =>
        {
            w.WriteString("state", st.Label);
            w.WriteNumber("entries", st.Count);
            w.WriteNumber("assured", st.Assured);
            w.WriteNumber("unreplied", st.Unreplied);
            if (st.Timeout is { } timeout)
                w.WriteString("timeout_setting", timeout.SysctlName());
            w.WriteStartObject("remaining");
            for (int i = 0; i < st.Remaining.Length; i++)
                w.WriteNumber(StateStats.RemainingLabels[i], st.Remaining[i]);
            w.WriteEndObject();
            w.WriteStartObject("idle");
            for (int i = 0; i < st.Idle.Length; i++)
                w.WriteNumber(StateStats.IdleLabels[i], st.Idle[i]);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    private static void WriteTop<TKey>(Utf8JsonWriter w, string name, HeavyHitters<TKey> hitters, Func<TKey, string> label) where TKey : struct, IEquatable<TKey>
    {
        w.WriteStartObject(name);
        w.WriteBoolean("exact", hitters.IsExact);
        w.WriteNumber("max_undercount", hitters.MaxUndercount);
        w.WriteStartArray("top");
        foreach (var (key, count) in hitters.Top(TopN))
        {
            w.WriteStartObject();
            w.WriteString("key", label(key));
            w.WriteNumber("entries", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteMemory(Utf8JsonWriter w, MemoryAssessment m, HostObservation host)
    {
        var g = m.Profile.Geometry;
        w.WriteStartObject("memory");
        w.WriteString("profile", m.Profile.Name);
        w.WriteString("profile_source", m.ProfileSource);
        w.WriteNumber("object_size", g.ObjectSize);
        w.WriteNumber("objects_per_slab", g.ObjectsPerSlab);
        w.WriteNumber("pages_per_slab", g.PagesPerSlab);
        w.WriteNumber("page_size", g.PageSize);
        w.WriteBoolean("page_size_assumed", m.PageSizeAssumed);
        w.WriteNumber("bucket_head_bytes", m.Profile.BucketHeadBytes);
        w.WriteBoolean("extensions", m.Extensions);
        WriteEstimate(w, "now", m.Now);
        WriteEstimate(w, "at_max", m.AtMax);
        WriteEstimate(w, "at_recommended", m.AtRecommended);
        if (m.Observed is { } o)
        {
            w.WriteStartObject("slab_observed");
            w.WriteString("cache", o.Name);
            w.WriteNumber("active_objects", o.ActiveObjects);
            w.WriteNumber("objects", o.TotalObjects);
            w.WriteNumber("slabs", o.TotalSlabs);
            WriteNumber(w, "bytes", m.ObservedBytes);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("slab_observed");
        }
        WriteNumber(w, "mem_total", m.MemTotal);
        WriteNumber(w, "mem_available", m.Available);
        w.WriteString("available_source", m.AvailableSource);
        WriteNumber(w, "slab_total", host.Memory?.Slab);
        WriteNumber(w, "slab_unreclaimable", host.Memory?.SlabUnreclaimable);
        w.WriteBoolean("pressure", m.Pressure);
        if (m.PressureReason is { } reason)
            w.WriteString("pressure_reason", reason);
        w.WriteEndObject();
    }

    private static void WriteEstimate(Utf8JsonWriter w, string name, ConntrackMemoryEstimate? e)
    {
        if (e is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteNumber("entries", e.Entries);
        w.WriteNumber("buckets", e.Buckets);
        w.WriteNumber("slabs", e.Slabs);
        w.WriteNumber("slab_bytes", e.SlabBytes);
        w.WriteNumber("extension_bytes", e.ExtensionBytes);
        w.WriteNumber("bucket_bytes", e.BucketBytes);
        w.WriteNumber("total_bytes", e.TotalBytes);
        w.WriteNumber("naive_bytes", e.NaiveBytes);
        w.WriteEndObject();
    }

    private static void WriteInputs(Utf8JsonWriter w, HostObservation host)
    {
        JsonArrays.WriteObjects(w, "inputs", host.Inputs, (w, i) =>
        {
            w.WriteString("path", i.Path);
            w.WriteString("role", i.Role);
            w.WriteString("status", i.Status.ToString().ToLowerInvariant());
            w.WriteNumber("lines", i.Lines);
            w.WriteNumber("malformed", i.Malformed);
            if (i.Detail is { } detail)
                w.WriteString("detail", detail);
        });
        var issues = host.Issues;
        w.WriteStartObject("issues");
        w.WriteNumber("total", issues.Total);
        w.WriteStartObject("by_file");
        foreach (var (file, count) in issues.CountByFile)
            w.WriteNumber(file, count);
        w.WriteEndObject();
        JsonArrays.WriteObjects(w, "first", issues.Kept, (w, issue) =>
        {
            w.WriteString("file", issue.File);
            w.WriteNumber("line", issue.Line);
            w.WriteString("expected", issue.Expected);
            w.WriteString("found", issue.Found);
        });
        w.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter w, string name, PersistentFile? file)
    {
        if (file is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("path", file.Path);
        w.WriteString("content", file.Content);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
            w.WriteNumber(name, Math.Round(v, 3));
        else
            w.WriteNull(name);
    }

    private static void WriteTime(Utf8JsonWriter w, string name, LogTime time)
    {
        if (time.ToJson() is { } text)
            w.WriteString(name, text);
        else
            w.WriteNull(name);
    }
}
