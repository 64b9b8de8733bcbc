using System.Globalization;
using Conntrack.Replay.Memory;
using Conntrack.Replay.Planning;
using Conntrack.Replay;
using Conntrack.Settings;
using Conntrack.Table;
using Conntrack.Timeouts;
using Spectre.Console;
using SpectreTable = Spectre.Console.Table;

namespace Conntrack.Reporting;

/// <summary>The replay summary for people: what went in, what the table held, what the kernel's counters say.</summary>
public static class ReplayTextReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Render(IAnsiConsole console, ReplayResult r, ConntrackSettings settings, MemoryProfile profile)
    {
        var composition = TableComposition.Of(r.FinalEntries);
        console.Write(new Rule($"[bold]ctnet replay[/] {Markup.Escape(r.Source)} · {r.Format.ToString().ToLowerInvariant()}").LeftJustified());
        console.Write(Overview(r, composition, settings, profile));
        foreach (var hint in ReplayHints.Of(r))
            console.MarkupLine($"[yellow]Hint:[/] {Markup.Escape(hint.Text)}");
        console.WriteLine();
        RenderFinalStates(console, composition);
        RenderEntrySeconds(console, r, settings);
        RenderPacketsByState(console, r);
        RenderStatistics(console, r);
        RenderSkipped(console, r);
    }

    private static Grid Overview(ReplayResult r, TableComposition composition, ConntrackSettings settings, MemoryProfile profile)
    {
        var overview = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        overview.AddRow("Packets", $"{N(r.Packets)} tracked of {N(r.Records)} records, {Bytes(r.Bytes)}");
        if (r.Packets > 0)
        {
            overview.AddRow("Capture span", $"{ReplayJson.FormatTime(r.FirstTimestamp)} → {ReplayJson.FormatTime(r.LastTimestamp)} ({Seconds(r.DurationSeconds)})");
        }
        overview.AddRow("View", Markup.Escape(ReplayHints.ViewText(r.View)));
        overview.AddRow("Table", $"nf_conntrack_max {N(r.Table.Max)}{(r.Table.Max == 0 ? " (no limit)" : "")}, {N(r.Table.BucketCount)} buckets");
        overview.AddRow("Entries", $"{N(r.EntriesCreated)} created, {N(r.EntriesDestroyed)} destroyed");
        string peakAt = r.PeakEntries > 0 ? $" at +{Seconds((r.PeakTimestamp - r.FirstTimestamp) / 1e9)}, {ReplayJson.FormatTime(r.PeakTimestamp)}" : "";
        string peakShare = r.Table.Max > 0 ? $", {Percent((double)r.PeakEntries / r.Table.Max)} of max" : "";
        overview.AddRow("Peak", $"[bold]{N(r.PeakEntries)}[/] entries{peakAt}{peakShare}");
        overview.AddRow("Final", $"{N(composition.Total)} live entries at the last packet, {N(r.Table.Count)} counted with the expired ones not yet reaped; {N(composition.Assured)} ASSURED, {N(composition.Unreplied)} UNREPLIED");
        if (r.DroppedPackets > 0)
            AddDropRows(overview, r);
        bool extensions = CapacityPlanner.UsesExtensions(settings);
        var kernelPeak = ConntrackMemoryModel.Estimate(r.PeakEntries, r.Table.BucketCount, profile, extensions);
        string kernelFull = r.Table.Max > 0
            ? $", {Bytes(ConntrackMemoryModel.Estimate(r.Table.Max, r.Table.BucketCount, profile, extensions).TotalBytes)} with a full table"
            : "";
        overview.AddRow("Kernel memory", $"{Bytes(kernelPeak.TotalBytes)} at the peak: {Count(kernelPeak.Slabs, "slab")} of {Markup.Escape(profile.Name)} entries + {Count(kernelPeak.Buckets, "bucket")}{kernelFull}");
        overview.AddRow("Engine memory", $"{Bytes(r.EngineBytesAtPeak(settings.Accounting))} at the peak = {N(r.PeakEntries)} {(r.PeakEntries == 1 ? "entry" : "entries")} × {ConntrackTable.BytesPerEntry(settings.Accounting)} B + {Count(r.Table.BucketCount, "bucket head")} × 4 B");
        var changed = settings.Changed().Select(c => $"{c.Name}={c.Value}").ToList();
        if (changed.Count > 0)
            overview.AddRow("Settings", Markup.Escape(string.Join(", ", changed)));
        return overview;
    }

    private static void AddDropRows(Grid overview, ReplayResult r)
    {
        overview.AddRow("[red]Dropped[/]", $"[red]{N(r.DroppedPackets)} packets[/] of {N(r.LostFlows)} flows; first at {ReplayJson.FormatTime(r.Log.FirstDrop)}");
        if (r.Log.Printed > 0)
        {
            string line = r.Log.Lines.First(l => !l.Text.Contains("suppressed", StringComparison.Ordinal)).Text;
            overview.AddRow("Kernel log", $"{N(r.Log.Printed)} × \"{Markup.Escape(line)}\" printed, {N(r.Log.Suppressed)} suppressed by the rate limit");
        }
        if (r.AllocationFailures > 0)
            overview.AddRow("Allocation", $"{N(r.AllocationFailures)} packets dropped because the slab budget was spent ('Can't alloc conntrack'; 6.x logs nothing)");
    }

    private static void RenderFinalStates(IAnsiConsole console, TableComposition composition)
    {
        if (composition.Total == 0)
            return;
        console.MarkupLine("[bold]Final entries by protocol and state[/]");
        var states = new SpectreTable().Border(TableBorder.Rounded);
        states.AddColumn("protocol / state");
        states.AddColumn(new TableColumn("entries").RightAligned());
        foreach (var (state, count) in composition.ByState)
            states.AddRow(Markup.Escape(state), N(count));
        console.Write(states);
    }

    private static void RenderEntrySeconds(IAnsiConsole console, ReplayResult r, ConntrackSettings settings)
    {
        if (r.EntrySeconds.Count == 0)
            return;
        // Only a table that got near full is "kept full" by a timeout; otherwise this is just its make-up.
        bool nearFull = r.Table.Max > 0 && 100.0 * r.PeakEntries / r.Table.Max >= NearFullPercent;
        console.MarkupLine($"[bold]{(nearFull ? "Which timeout keeps the table full" : "What the table holds")}[/] (share of entry-seconds)");
        var classes = new SpectreTable().Border(TableBorder.Rounded);
        classes.AddColumn("entries");
        classes.AddColumn("timeout");
        classes.AddColumn(new TableColumn("share").RightAligned());
        foreach (var es in r.EntrySeconds.Take(6))
        {
            string timeout = es.Timeout is { } t ? $"{t.SysctlName()} = {N(settings.Get(t))} s" : "";
            classes.AddRow(Markup.Escape(es.Class), timeout, Percent(es.Share));
        }
        console.Write(classes);
    }

    private static void RenderPacketsByState(IAnsiConsole console, ReplayResult r)
    {
        console.MarkupLine("[bold]Packets by ct state[/]");
        var packets = new SpectreTable().Border(TableBorder.Rounded);
        packets.AddColumn("ct state");
        packets.AddColumn(new TableColumn("packets").RightAligned());
        foreach (var (state, count) in r.PacketsByState)
            packets.AddRow(state, N(count));
        if (r.DroppedPackets > 0)
            packets.AddRow("[red]dropped[/]", N(r.DroppedPackets));
        if (r.HeldFragments > 0)
            packets.AddRow("fragment held for reassembly", N(r.HeldFragments));
        if (r.DiscardedPackets > 0)
            packets.AddRow("discarded by the IP layer", N(r.DiscardedPackets));
        console.Write(packets);
    }

    /// <summary>The kernel's counters in two column pairs.</summary>
    private static void RenderStatistics(IAnsiConsole console, ReplayResult r)
    {
        console.MarkupLine("[bold]Statistics[/] (conntrack -S, all CPUs summed)");
        var stats = new SpectreTable().Border(TableBorder.Rounded);
        stats.AddColumn("counter");
        stats.AddColumn(new TableColumn("value").RightAligned());
        stats.AddColumn("counter");
        stats.AddColumn(new TableColumn("value").RightAligned());
        var counters = r.Statistics.ToList();
        for (int i = 0; i < counters.Count; i += 2)
        {
            var right = i + 1 < counters.Count ? counters[i + 1] : default;
            stats.AddRow(counters[i].Key, N(counters[i].Value), right.Key ?? "", right.Key is null ? "" : N(right.Value));
        }
        console.Write(stats);
        if (r.Statistics.Found == 0 && r.Statistics.Insert == 0 && r.EntriesCreated > 0)
            console.Write(new Padder(new Markup($"[grey]found and insert are 0 as on 6.x kernels: found counts only NAT clash checks, insert only entries added through ctnetlink (conntrack -I), not the {N(r.EntriesCreated)} created by packets[/]"), new Padding(2, 0, 0, 0)));
    }

    private static void RenderSkipped(IAnsiConsole console, ReplayResult r)
    {
        long skipped = r.Skipped.Values.Sum();
        if (skipped == 0 && r.CaptureIssues.Total == 0)
            return;
        console.MarkupLine("[yellow]Skipped[/]");
        foreach (var (reason, count) in r.Skipped)
        {
            // Name the link types, so the user can tell which capture setting (DLT) ctnet does not decode.
            string types = reason == SkipReason.UnsupportedLinkType && r.UnsupportedLinkTypes.Count > 0
                ? $" (link type {string.Join(", ", r.UnsupportedLinkTypes.Select(t => ((int)t).ToString(Inv)))})"
                : "";
            console.MarkupLine($"  {N(count)} frames: {ReplayJson.SkipLabel(reason)}{types}");
        }
        foreach (var issue in r.CaptureIssues.First)
            console.MarkupLine($"  offset {N(issue.FileOffset)}, packet {N(issue.PacketNumber)}: {Markup.Escape(issue.Reason)}");
        if (r.CaptureIssues.Total > r.CaptureIssues.First.Count)
            console.MarkupLine($"  … {N(r.CaptureIssues.Total - r.CaptureIssues.First.Count)} more capture issues");
    }

    // The doctor calls a table at 80 % of nf_conntrack_max "filling".
    private const double NearFullPercent = Doctor.DoctorAnalyzer.FillingPercent;

    private static string N(long value) => value.ToString("N0", Inv);

    private static string Count(long value, string noun) => $"{N(value)} {noun}{(value == 1 ? "" : "s")}";

    private static string Seconds(double seconds) => $"{seconds.ToString("0.000", Inv)} s";

    private static string Percent(double share) => $"{(share * 100).ToString("0.0", Inv)} %";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.##", Inv)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.##", Inv)} MiB",
        >= 1L << 10 => $"{(bytes / 1024.0).ToString("0.##", Inv)} KiB",
        _ => $"{bytes} B",
    };
}
