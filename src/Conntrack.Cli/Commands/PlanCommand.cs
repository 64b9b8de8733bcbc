using Conntrack.Reporting;
using System.CommandLine;
using System.Globalization;
using Conntrack.Replay.Planning;
using Conntrack.Capture;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Conntrack.Replay;
using Conntrack.Host.Sysctls;

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
        var horizon = new Option<long>("--horizon") { Description = "Size for this much uptime (e.g. 1d): established connections that never close keep arriving until then (default: as held at the capture's end).", HelpName = "LENGTH" }
            .ParsedBy(ValueParsers.Duration(366 * 86400 * Second));
        var fromHost = new Option<bool>("--from-host") { Description = $"Read this host's settings from {HostSettings} (instead of the model's defaults)." };
        var settingsOptions = new SettingsOptions();
        var memoryOptions = new MemoryOptions();
        var command = new Command("plan", "Replay a capture under candidate limits and recommend nf_conntrack_max, buckets and timeouts.") { file, headroom, json, horizon, fromHost };
        settingsOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: false);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetRequiredValue(file);
            bool host = parse.GetValue(fromHost);
            if (host && parse.GetValue(settingsOptions.ProcSys) is not null)
                throw new UsageException("--from-host and --proc-sys both name where the settings come from: give one");
            var settings = settingsOptions.Build(parse, host ? SettingsFiles.FromProcDirectory(HostSettings) : null);
            string source = SettingsSource(parse, settingsOptions, host);
            double margin = parse.GetValue(headroom) ?? HtmlReport.PlanHeadroom;
            var profile = memoryOptions.MemoryProfile(parse);
            using (CaptureReader.Open(path))
            {
                // Fails early, with the usual one-line error, if the file is not a capture.
            }
            var plan = CapacityPlanner.Plan(() => CaptureReader.Open(path), settings, margin, profile, horizonSeconds: parse.GetValue(horizon) / 1e9);
            if (!plan.HasTraffic)
                throw new UsageException($"{path}: nothing to size from: {NothingTracked(plan.Input)}; no configuration printed");
            if (parse.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                PlanJson.Write(stdout, plan, source);
                stdout.Write("\n"u8);
            }
            else
            {
                PlanTextReport.Render(ReportWriter.CreateConsole(toStderr: false), plan, settings, source);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private const long Second = 1_000_000_000;
    private const string HostSettings = "/proc/sys/net/netfilter";

    /// <summary>Where the "Current" settings come from: the model's defaults unless the user named a source.</summary>
    private static string SettingsSource(ParseResult parse, SettingsOptions options, bool fromHost)
    {
        var sources = new List<string>();
        if (fromHost)
            sources.Add($"this host's {HostSettings}");
        if (parse.GetValue(options.ProcSys) is { } dir)
            sources.Add(dir);
        if (parse.GetValue(options.Sysctl) is { } file)
            sources.Add(file);
        if (parse.GetValue(options.Set) is { Length: > 0 })
            sources.Add("--set");
        return sources.Count > 0
            ? "from " + string.Join(", ", sources)
            : "model default, not this host's: --from-host reads them";
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
}
