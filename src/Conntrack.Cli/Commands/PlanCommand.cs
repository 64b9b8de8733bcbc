using Conntrack.Reporting;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Conntrack.Replay.Planning;
using Conntrack.Capture;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Conntrack.Replay;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet plan FILE</c>: the smallest safe table for a capture, with headroom, cost and config lines.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture of the traffic to size for (a regular file: it is replayed once per candidate)." }
            .ParsedBy((_, path) => InputFile.Require(path, streamOk: false));
        var headroom = new Option<double?>("--headroom") { Description = "Margin above the smallest safe limit, 0% to 1000% (default 20%).", HelpName = "PERCENT" }
            .ParsedBy(ValueParsers.Percent);
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
            double margin = parse.GetValue(headroom) ?? HtmlReport.PlanHeadroom;
            var profile = memoryOptions.MemoryProfile(parse);
            using (CaptureReader.Open(path))
            {
                // Fails early, with the usual one-line error, if the file is not a capture.
            }
            var plan = CapacityPlanner.Plan(() => CaptureReader.Open(path), settings, margin, profile);
            if (!plan.HasTraffic)
                throw new UsageException($"{path}: nothing to size from: {NothingTracked(plan.Input)}; no configuration printed");
            if (parse.GetValue(json))
                WriteJson(plan);
            else
                PlanTextReport.Render(ReportWriter.CreateConsole(toStderr: false), plan, settings);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Why a capture created no entry: "12 records, none of them IP (12 ARP or other non-IP frames)".</summary>
    private static string NothingTracked(PlanInput input)
    {
        var inv = CultureInfo.InvariantCulture;
        if (input.Records == 0)
            return "the capture holds no packets";
        if (input.Packets > 0)
            return string.Create(inv, $"{input.Packets:N0} IP packets created no connection-tracking entry (all invalid under these settings?)");
        var parts = new List<string>();
        foreach (var (reason, count) in input.Skipped)
        {
            parts.Add(reason switch
            {
                SkipReason.NotIp => string.Create(inv, $"{count:N0} ARP or other non-IP frames"),
                SkipReason.LinkTruncated => string.Create(inv, $"{count:N0} frames cut inside their link header"),
                SkipReason.LoopbackCopy => string.Create(inv, $"{count:N0} second copies of loopback packets"),
                _ => string.Create(inv, $"{count:N0} frames of link type {string.Join(", ", input.UnsupportedLinkTypes.Select(t => ((int)t).ToString(inv)))}, which ctnet does not decode"),
            });
        }
        return string.Create(inv, $"{input.Records:N0} records, none of them IP ({string.Join("; ", parts)})");
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
