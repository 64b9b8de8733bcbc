using Conntrack.Reporting;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Conntrack.Replay.Planning;
using Conntrack.Capture;
using Conntrack.Cli.Output;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet plan FILE</c>: the smallest safe table for a capture, with headroom, cost and config lines.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture of the traffic to size for." };
        var headroom = new Option<string>("--headroom") { Description = "Margin above the smallest safe limit (default 20%).", DefaultValueFactory = _ => "20%" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var settingsOptions = new SettingsOptions();
        var memoryOptions = new MemoryOptions();
        var command = new Command("plan", "Replay a capture under candidate limits and recommend nf_conntrack_max, buckets and timeouts.") { file, headroom, json };
        settingsOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: false);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetRequiredValue(file);
            var settings = settingsOptions.Build(parse);
            double margin = ParsePercent(parse.GetRequiredValue(headroom));
            var profile = memoryOptions.MemoryProfile(parse);
            using (CaptureReader.Open(path))
            {
                // Fails early, with the usual one-line error, if the file is not a capture.
            }
            var plan = CapacityPlanner.Plan(() => CaptureReader.Open(path), settings, margin, profile);
            if (parse.GetValue(json))
                WriteJson(plan);
            else
                PlanTextReport.Render(ReportWriter.CreateConsole(toStderr: false), plan, settings);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static double ParsePercent(string text)
    {
        string t = text.Trim().TrimEnd('%');
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value > 1000)
            throw new ArgumentException($"--headroom '{text}': expected a percentage such as 20%");
        return value / 100;
    }

    private static void WriteJson(CapacityPlan plan)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("unlimited_peak", plan.UnlimitedPeak);
            w.WriteNumber("smallest_safe_max", plan.SmallestSafeMax);
            w.WriteNumber("headroom", plan.Headroom);
            w.WriteNumber("recommended_max", plan.RecommendedMax);
            w.WriteNumber("recommended_buckets", plan.RecommendedBuckets);
            w.WriteString("memory_profile", plan.MemoryProfile.Name);
            w.WriteNumber("memory_bytes_at_recommended", plan.MemoryAtRecommended.TotalBytes);
            w.WriteNumber("memory_slab_bytes", plan.MemoryAtRecommended.SlabBytes);
            w.WriteNumber("memory_bucket_bytes", plan.MemoryAtRecommended.BucketBytes);
            w.WriteNumber("memory_extension_bytes", plan.MemoryAtRecommended.ExtensionBytes);
            w.WriteStartArray("candidates");
            foreach (var c in plan.Candidates)
            {
                w.WriteStartObject();
                w.WriteNumber("nf_conntrack_max", c.Max);
                w.WriteNumber("drop", c.Drops);
                w.WriteNumber("early_drop", c.EarlyDrops);
                w.WriteNumber("peak_entries", c.Peak);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("timeout_what_ifs");
            foreach (var t in plan.TimeoutWhatIfs)
            {
                w.WriteStartObject();
                w.WriteString("setting", t.Setting);
                w.WriteNumber("current_seconds", t.CurrentSeconds);
                w.WriteNumber("proposed_seconds", t.ProposedSeconds);
                w.WriteNumber("peak_entries", t.Peak);
                w.WriteNumber("unlimited_peak", t.UnlimitedPeak);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("configuration", CapacityPlanner.ConfigurationText(plan));
            w.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }
}
