using System.Text.Json;
using Conntrack.Replay.Planning;
using Conntrack.Timeouts;

namespace Conntrack.Reporting;

/// <summary>The plan as one JSON object: what was observed and projected, the recommendation, its cost, the candidates and the timeout what-ifs.</summary>
public static class PlanJson
{
    public static void Write(Stream output, CapacityPlan plan, string settingsSource)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("unlimited_peak", plan.UnlimitedPeak);
            w.WriteNumber("smallest_safe_max", plan.SmallestSafeMax);
            WriteProjection(w, plan.Projection);
            w.WriteString("sized_from", plan.Basis == PlanBasis.Projection ? "projection" : "observed_peak");
            w.WriteNumber("sized_for", plan.SizedFor);
            w.WriteString("sized_from_reason", PlanTextReport.SizedFrom(plan));
            w.WriteString("current_settings_source", settingsSource);
            w.WriteNumber("headroom", plan.Headroom);
            w.WriteNumber("recommended_max", plan.RecommendedMax);
            w.WriteNumber("recommended_buckets", plan.RecommendedBuckets);
            w.WriteString("memory_profile", plan.MemoryProfile.Name);
            w.WriteNumber("memory_bytes_at_recommended", plan.MemoryAtRecommended.TotalBytes);
            w.WriteNumber("memory_slab_bytes", plan.MemoryAtRecommended.SlabBytes);
            w.WriteNumber("memory_bucket_bytes", plan.MemoryAtRecommended.BucketBytes);
            w.WriteNumber("memory_extension_bytes", plan.MemoryAtRecommended.ExtensionBytes);
            JsonArrays.WriteObjects(w, "candidates", plan.Candidates, (w, c) =>
            {
                w.WriteNumber("nf_conntrack_max", c.Max);
                w.WriteNumber("drop", c.Drops);
                w.WriteNumber("early_drop", c.EarlyDrops);
                w.WriteNumber("peak_entries", c.Peak);
            });
            JsonArrays.WriteObjects(w, "timeout_what_ifs", plan.TimeoutWhatIfs, (w, t) =>
            {
                w.WriteString("setting", t.Setting);
                w.WriteNumber("current_seconds", t.CurrentSeconds);
                w.WriteNumber("proposed_seconds", t.ProposedSeconds);
                w.WriteNumber("peak_entries", t.Peak);
                w.WriteNumber("unlimited_peak", t.UnlimitedPeak);
            });
            w.WriteString("configuration", CapacityPlanner.ConfigurationText(plan));
            w.WriteEndObject();
        }
    }

    private static void WriteProjection(Utf8JsonWriter w, TableProjection? projection)
    {
        if (projection is null)
        {
            w.WriteNull("projection");
            return;
        }
        w.WriteStartObject("projection");
        w.WriteNumber("capture_seconds", projection.CaptureSeconds);
        w.WriteBoolean("reached_in_capture", projection.ReachedInCapture);
        w.WriteNumber("peak", projection.Peak);
        w.WriteNumber("uncertainty", projection.Uncertainty);
        w.WriteNumber("horizon_seconds", projection.HorizonSeconds);
        w.WriteNumber("collector_cycle_seconds", projection.CollectorCycleSeconds);
        w.WriteNumber("unreaped", projection.Unreaped);
        w.WriteNumber("fluctuation", projection.Fluctuation);
        w.WriteStartArray("classes");
        var unsettled = projection.Unsettled.ToHashSet();
        foreach (var c in projection.Classes)
        {
            w.WriteStartObject();
            w.WriteString("class", c.Class);
            if (c.Timeout is { } timeout)
                w.WriteString("timeout_setting", timeout.SysctlName());
            w.WriteNumber("at_end", c.AtEnd);
            w.WriteNumber("arrivals_per_second", c.ArrivalsPerSecond);
            w.WriteNumber("mean_holding_seconds", c.MeanHoldingSeconds);
            w.WriteNumber("entries", c.Entries);
            w.WriteNumber("uncertainty", c.Uncertainty);
            w.WriteBoolean("arrivals_changed", c.ArrivalsChanged);
            w.WriteBoolean("settled", !unsettled.Contains(c));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (projection.Open is { } open)
        {
            w.WriteStartObject("open_connections");
            w.WriteNumber("held", open.Held);
            w.WriteNumber("at_end", open.AtEnd);
            w.WriteNumber("arrivals_per_second", open.ArrivalsPerSecond);
            w.WriteBoolean("growing", open.Growing);
            w.WriteBoolean("arrivals_changed", open.ArrivalsChanged);
            w.WriteNumber("entries", open.Entries);
            w.WriteNumber("uncertainty", open.Uncertainty);
            w.WriteNumber("timeout_seconds", open.TimeoutSeconds);
            w.WriteNumber("at_timeout", open.AtTimeout);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("open_connections");
        }
        w.WriteEndObject();
    }
}
