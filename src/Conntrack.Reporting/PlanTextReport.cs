using System.Globalization;
using Conntrack.Replay.Planning;
using Conntrack.Settings;
using Spectre.Console;
using SpectreTable = Spectre.Console.Table;

namespace Conntrack.Reporting;

/// <summary>The capacity plan for people: the numbers, the memory, the what-ifs, the files to write.</summary>
public static class PlanTextReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Render(IAnsiConsole console, CapacityPlan plan, ConntrackSettings settings)
    {
        console.Write(new Rule("[bold]ctnet plan[/]").LeftJustified());
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("Needed", $"{N(plan.UnlimitedPeak)} entries at the traffic's peak (no limit)");
        grid.AddRow("Smallest safe", $"nf_conntrack_max = {N(plan.SmallestSafeMax)} drops nothing (early drop may evict unassured entries)");
        grid.AddRow("[bold]Recommended[/]", $"[bold]nf_conntrack_max = {N(plan.RecommendedMax)}[/] (+{(plan.Headroom * 100).ToString("0.#", Inv)} %), nf_conntrack_buckets = {N(plan.RecommendedBuckets)}");
        var m = plan.MemoryAtRecommended;
        grid.AddRow("Kernel memory", $"{Mib(m.TotalBytes)} at the full recommended table: {N(m.Slabs)} slabs = {Mib(m.SlabBytes)} entries ({Markup.Escape(plan.MemoryProfile.Description)}), {Mib(m.BucketBytes)} buckets" +
            (m.ExtensionBytes > 0 ? $", {Mib(m.ExtensionBytes)} extensions" : ""));
        grid.AddRow("Current", $"nf_conntrack_max = {N(settings.Max)}, buckets = {N(settings.EffectiveBuckets)}");
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

    private static string N(long value) => value.ToString("N0", Inv);

    private static string Mib(long bytes) => $"{(bytes / 1048576.0).ToString("0.##", Inv)} MiB";
}
