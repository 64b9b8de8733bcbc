using System.Text;
using System.Text.Json;
using Conntrack.Doctor;
using Conntrack.Replay.Memory;
using Conntrack.Replay.Planning;
using Conntrack.Replay;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Reporting;

/// <summary>
/// The replay report as one self-contained HTML file: the same data as <c>--json</c>, rendered in
/// the browser with uPlot, which is embedded in the file (nothing is fetched when it is viewed),
/// followed by what to do: the doctor's verdict and the planner's recommendation.
/// </summary>
public static class HtmlReport
{
    /// <summary>The headroom of the plan the report carries, as <c>ctnet plan</c>'s default.</summary>
    public const double PlanHeadroom = 0.2;

    /// <summary>Writes the page; <paramref name="plan"/> is the capacity plan for the same capture, null when it could not be replayed again (read from a pipe).</summary>
    public static void Write(Stream output, ReplayResult result, ConntrackSettings settings, MemoryProfile? profile = null, CapacityPlan? plan = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(settings);
        string template = Resource("Conntrack.Report.html");
        using var json = new MemoryStream();
        ReplayJson.Write(json, result, settings, indented: false, profile);
        // The JSON writer escapes <, > and & so the data cannot close the script element.
        string data = Encoding.UTF8.GetString(json.ToArray());
        string html = template
            .Replace("/*__UPLOT_CSS__*/", Resource("Conntrack.Report.uPlot.css"), StringComparison.Ordinal)
            .Replace("/*__UPLOT_JS__*/", Resource("Conntrack.Report.uPlot.js"), StringComparison.Ordinal)
            .Replace("/*__REPORT_DATA__*/", data, StringComparison.Ordinal)
            .Replace("/*__ADVICE_DATA__*/", Advice(result, settings, plan), StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(html);
        output.Write(bytes);
    }

    /// <summary>What the page says to do, and the engine's memory broken down into what it counts.</summary>
    private static string Advice(ReplayResult r, ConntrackSettings settings, CapacityPlan? plan)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            var verdict = ReplayVerdict.Of(r);
            w.WriteString("verdict", VerdictText.Json(verdict));
            w.WriteString("verdict_words", VerdictText.Words(verdict));
            w.WriteStartObject("engine");
            w.WriteNumber("peak_entries", r.PeakEntries);
            w.WriteNumber("bytes_per_entry", ConntrackTable.BytesPerEntry(settings.Accounting));
            w.WriteNumber("bucket_heads", r.Table.BucketCount);
            w.WriteNumber("bytes_per_bucket_head", sizeof(int));
            w.WriteNumber("bytes", r.EngineBytesAtPeak(settings.Accounting));
            w.WriteEndObject();
            if (plan is { HasTraffic: true })
                WritePlan(w, plan, settings);
            else
                w.WriteString("plan_missing", plan is null
                    ? "The capture was read from a pipe, so it could not be replayed again under candidate limits: save it to a file and run ctnet plan FILE."
                    : "The capture created no connection-tracking entry: there is nothing to size a table from.");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WritePlan(Utf8JsonWriter w, CapacityPlan plan, ConntrackSettings settings)
    {
        var m = plan.MemoryAtRecommended;
        w.WriteStartObject("plan");
        w.WriteNumber("unlimited_peak", plan.UnlimitedPeak);
        w.WriteNumber("smallest_safe_max", plan.SmallestSafeMax);
        w.WriteNumber("headroom", plan.Headroom);
        w.WriteNumber("current_max", settings.Max);
        w.WriteNumber("current_buckets", settings.EffectiveBuckets);
        w.WriteNumber("recommended_max", plan.RecommendedMax);
        w.WriteNumber("recommended_buckets", plan.RecommendedBuckets);
        w.WriteString("memory_profile", plan.MemoryProfile.Name);
        w.WriteNumber("memory_bytes", m.TotalBytes);
        w.WriteNumber("memory_slabs", m.Slabs);
        w.WriteNumber("memory_slab_bytes", m.SlabBytes);
        w.WriteNumber("memory_bucket_bytes", m.BucketBytes);
        w.WriteNumber("memory_extension_bytes", m.ExtensionBytes);
        w.WriteString("apply_now", $"sysctl -w net.netfilter.nf_conntrack_max={plan.RecommendedMax}\nsysctl -w net.netfilter.nf_conntrack_buckets={plan.RecommendedBuckets}");
        w.WriteString("configuration", CapacityPlanner.ConfigurationText(plan));
        w.WriteEndObject();
    }

    internal static string Resource(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
