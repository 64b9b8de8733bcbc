using System.Globalization;
using Conntrack.Replay.Planning;
using Conntrack.Settings;
using Conntrack.Timeouts;
using Spectre.Console;
using SpectreTable = Spectre.Console.Table;

namespace Conntrack.Reporting;

/// <summary>The capacity plan for people: the numbers, the memory, the what-ifs, the files to write.</summary>
public static class PlanTextReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="console">Where to write.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="settings">The settings the capture was replayed under.</param>
    /// <param name="settingsSource">Where they came from ("model default", "/proc/sys/net/netfilter", a file…).</param>
    public static void Render(IAnsiConsole console, CapacityPlan plan, ConntrackSettings settings, string settingsSource)
    {
        console.Write(new Rule("[bold]ctnet plan[/]").LeftJustified());
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        string span = plan.Projection is { } p ? $" in {Seconds(p.CaptureSeconds)}" : "";
        grid.AddRow("Observed", $"{N(plan.UnlimitedPeak)} entries at the capture's peak{span} (no limit)");
        grid.AddRow("Smallest safe", $"nf_conntrack_max = {N(plan.SmallestSafeMax)} drops nothing (early drop may evict unassured entries)");
        AddProjection(grid, plan.Projection);
        grid.AddRow("[bold]Recommended[/]", $"[bold]nf_conntrack_max = {N(plan.RecommendedMax)}[/] (+{(plan.Headroom * 100).ToString("0.#", Inv)} % on {Markup.Escape(SizedFrom(plan))}), nf_conntrack_buckets = {N(plan.RecommendedBuckets)}");
        var m = plan.MemoryAtRecommended;
        grid.AddRow("Kernel memory", $"{Mib(m.TotalBytes)} at the full recommended table: {N(m.Slabs)} slabs = {Mib(m.SlabBytes)} entries ({Markup.Escape(plan.MemoryProfile.Description)}), {Mib(m.BucketBytes)} buckets" +
            (m.ExtensionBytes > 0 ? $", {Mib(m.ExtensionBytes)} extensions" : ""));
        grid.AddRow("Current", $"nf_conntrack_max = {N(settings.Max)}, buckets = {N(settings.EffectiveBuckets)} ({Markup.Escape(settingsSource)})");
        console.Write(grid);
        console.WriteLine();

        if (plan.TimeoutWhatIfs.Count > 0)
        {
            console.MarkupLine("[bold]Shorter timeouts[/] (peak of an unlimited table)");
            var table = new SpectreTable().Border(TableBorder.Rounded);
            table.AddColumn("setting");
            table.AddColumn(new TableColumn("now → proposed").RightAligned());
            table.AddColumn(new TableColumn("peak").RightAligned());
            table.AddColumn(new TableColumn("change").RightAligned());
            foreach (var t in plan.TimeoutWhatIfs)
            {
                double change = t.UnlimitedPeak > 0 ? 100.0 * (t.Peak - t.UnlimitedPeak) / t.UnlimitedPeak : 0;
                table.AddRow(t.Setting, $"{N(t.CurrentSeconds)} s → {N(t.ProposedSeconds)} s", N(t.Peak), $"{change.ToString("+0.#;-0.#;0", Inv)} %");
            }
            console.Write(table);
        }
        console.MarkupLine("[bold]Configuration[/]");
        console.WriteLine(CapacityPlanner.ConfigurationText(plan));
    }

    /// <summary>What the headroom went on, and why.</summary>
    public static string SizedFrom(CapacityPlan plan) => plan.Basis switch
    {
        PlanBasis.Projection => $"the projected {N(plan.SizedFor)}: the capture ended before the table filled",
        _ when plan.Projection is null => "the observed peak: the capture is too short to project from",
        _ => "the observed peak: it is at least the projected steady state",
    };

    private static void AddProjection(Grid grid, TableProjection? projection)
    {
        if (projection is null)
            return;
        var unsettled = projection.Unsettled.ToList();
        string reached = unsettled.Count > 0
            ? $"not reached: {string.Join(", ", unsettled.Select(c => $"{c.Class} entries are held {Seconds(c.MeanHoldingSeconds)} (lifetime + timeout) and reaped within {Seconds(projection.CollectorCycleSeconds)}"))}, the capture lasted {Seconds(projection.CaptureSeconds)}"
            : projection.Open is { Growing: true } ? "not bounded: established connections kept opening and none closed" : "reached within the capture";
        grid.AddRow("Steady state", Markup.Escape(reached));
        string when = projection.HorizonSeconds > 0 ? $"the peak after {Seconds(projection.HorizonSeconds)} of uptime" : "the steady-state peak";
        grid.AddRow("Projected", $"{N(projection.Peak)} ± {N((long)Math.Ceiling(2 * projection.Uncertainty))} entries at {when} (arrivals/s × holding time per class):");
        foreach (var c in projection.Classes.Where(c => c.Entries >= 0.5))
        {
            string changed = c.ArrivalsChanged ? ", arrivals changed: later half" : "";
            grid.AddRow("", Markup.Escape($"  {c.Class}: {Rate(c.ArrivalsPerSecond)}/s × {Seconds(c.MeanHoldingSeconds)} = {N((long)Math.Round(c.Entries))} ({N(c.AtEnd)} at the end{changed})"));
        }
        if (projection.Unreaped >= 0.5)
            grid.AddRow("", $"  expired, not yet reaped: +{N((long)Math.Round(projection.Unreaped))} (the collector sweeps every {Seconds(projection.CollectorCycleSeconds)})");
        if (projection.Fluctuation >= 0.5)
            grid.AddRow("", $"  fluctuation: +{N((long)Math.Round(projection.Fluctuation))} (3 × √mean)");
        if (projection.Open is { } open)
            grid.AddRow("", Markup.Escape(OpenText(open, projection.HorizonSeconds)));
    }

    private static string OpenText(OpenConnections open, double horizonSeconds)
    {
        string held = $"  established, never closed in the capture: {N((long)Math.Round(open.AtEnd))} held at the end";
        if (!open.Growing)
            return held + ", no more arriving";
        string sized = horizonSeconds > 0 ? $"sized for {N((long)Math.Round(open.Entries))} by the horizon" : "sized as held (--horizon sizes for an uptime)";
        return $"{held}, +{Rate(open.ArrivalsPerSecond)}/s: the capture cannot bound them. Idle connections that are never closed stay until " +
            $"{TimeoutClass.TcpEstablished.SysctlName()} ({N(open.TimeoutSeconds)} s) after their last packet: {N((long)Math.Round(open.AtTimeout))} entries at this rate; {sized}";
    }

    private static string Rate(double perSecond) => perSecond.ToString(perSecond >= 10 ? "N1" : "0.##", Inv);

    private static string Seconds(double seconds) => $"{seconds.ToString(seconds >= 100 ? "N0" : "0.#", Inv)} s";

    private static string N(long value) => value.ToString("N0", Inv);

    private static string Mib(long bytes) => $"{(bytes / 1048576.0).ToString("0.##", Inv)} MiB";
}
