using System.Globalization;
using Conntrack.Doctor;
using Conntrack.Replay.Memory;
using Conntrack.Host;
using Conntrack.Host.Tables;
using Spectre.Console;
using static Conntrack.Doctor.DoctorText;
using SpectreTable = Spectre.Console.Table;

namespace Conntrack.Reporting;

/// <summary>The doctor's report for people: the verdict and its evidence first, then usage, logs, composition, memory and what to do.</summary>
public static class DoctorTextReport
{
    private const int TopN = 8;

    private static readonly string[] ShownCounters = ["drop", "early_drop", "insert_failed", "clash_resolve", "chaintoolong", "invalid", "error", "search_restart"];

    public static void Render(IAnsiConsole console, Diagnosis d)
    {
        var host = d.Host;
        string where = host.Live
            ? $"live host{(host.KernelRelease is { } k ? $", Linux {k}" : "")}{(host.NetnsInode is long ns ? $", netns {ns}{(host.InitialNetns == false ? " (not the initial one)" : "")}" : "")}"
            : $"snapshot {host.Root}";
        console.Write(new Rule($"[bold]ctnet doctor[/] {Markup.Escape(where)}").LeftJustified());

        string colour = d.Verdict switch
        {
            Verdict.Healthy => "green",
            Verdict.Unknown => "grey",
            Verdict.Filling or Verdict.LongChains => "yellow",
            Verdict.InsertRaces => "darkorange",
            _ => "red",
        };
        // The word in capitals already says "Healthy" or "Filling up": the headline goes on from there.
        string prefix = VerdictText.Words(d.Verdict) + ": ";
        string headline = d.Headline.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? d.Headline[prefix.Length..] : d.Headline;
        var top = Hanging(gap: 2);
        top.AddRow($"[bold {colour}]{Markup.Escape(VerdictText.Json(d.Verdict).ToUpperInvariant())}[/]", $"[bold]{Markup.Escape(headline)}[/]");
        console.Write(top);
        var evidence = Hanging(indent: 2);
        foreach (string e in d.Evidence)
            evidence.AddRow("•", Markup.Escape(e));
        if (d.AlsoSeen.Count > 0)
            evidence.AddRow("also:", Markup.Escape(string.Join(", ", d.AlsoSeen.Select(VerdictText.Words))));
        console.Write(evidence);
        console.WriteLine();

        Usage(console, d);
        Logs(console, d);
        Composition(console, d);
        MemorySection(console, d);
        Recommendations(console, d);
        Inputs(console, d);
    }

    private static void Usage(IAnsiConsole console, Diagnosis d)
    {
        var u = d.Usage;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        string fill = u.FillPercent is double f ? $" ({Percent(f)} % of max)" : "";
        grid.AddRow("Entries", Markup.Escape($"{N(u.Count)}{fill}  [{u.CountSource}]"));
        grid.AddRow("Max", Markup.Escape(u.Unlimited ? "0 (no limit)" : $"{N(u.Max)}  [{u.MaxSource}]"));
        string chain = u.AverageChain is double c ? $"; {c.ToString("0.##", CultureInfo.InvariantCulture)} chain nodes per bucket now{(u.AverageChainAtMax is double m ? $", {m.ToString("0.##", CultureInfo.InvariantCulture)} when full" : "")}" : "";
        grid.AddRow("Buckets", Markup.Escape($"{N(u.Buckets)}  [{u.BucketsSource}]{chain}"));
        if (d.Host.Counters is { } counters)
        {
            var shown = ShownCounters.Where(counters.Has).Select(n => $"{n} {N(counters.Get(n))}");
            grid.AddRow("Counters", Markup.Escape($"{string.Join(", ", shown)}  [{counters.Format}, {counters.CpuRows} CPU rows summed]"));
        }
        console.Write(grid);
        var notes = Hanging(indent: 2);
        foreach (string note in d.Notes)
            notes.AddRow("[grey]note:[/]", $"[grey]{Markup.Escape(note)}[/]");
        console.Write(notes);
        console.WriteLine();
    }

    private static void Logs(IAnsiConsole console, Diagnosis d)
    {
        var logs = d.Host.Logs;
        console.MarkupLine("[bold]Kernel log evidence[/]");
        if (logs.Sources.Count == 0)
        {
            console.MarkupLine("  no kernel log was read");
            console.WriteLine();
            return;
        }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("Table full", Markup.Escape($"{N(logs.TableFullPrinted)} lines printed + {N(logs.TableFullSuppressed)} suppressed = {N(logs.PacketsLost)} packets dropped{(logs.Historic ? " (2.4/2.6 message forms)" : "")}"));
        if (logs.First.IsKnown)
            grid.AddRow("First / last", Markup.Escape($"{logs.First}  →  {logs.Last}"));
        if (logs.OtherNetnsPrinted > 0)
            grid.AddRow("Other netns", Markup.Escape($"{N(logs.OtherNetnsPrinted)} lines + {N(logs.OtherNetnsSuppressed)} suppressed"));
        if (logs.AllocFailures > 0 || logs.PageAllocFailures > 0)
            grid.AddRow("Allocation", Markup.Escape($"{N(logs.AllocFailures)} conntrack allocation failures, {N(logs.PageAllocFailures)} page/slab allocation failures"));
        if (logs.Banner is { } b)
            grid.AddRow("Boot banner", Markup.Escape($"{b.Module} version {b.Version} ({N(b.Buckets)} buckets, {N(b.Max)} max){(b.BytesPerConntrack is int bytes ? $" - {bytes} bytes per conntrack" : "")}"));
        grid.AddRow("Sources", Markup.Escape(string.Join("; ", logs.Sources.Select(s => $"{s.Label}: {N(s.TableFullLines)} table-full{(s.TableFullLines > 0 && s.TableFullCounted != s.TableFullLines ? $" ({N(s.TableFullCounted)} counted)" : "")}")) + $"  [{logs.Note}]"));
        if (d.Host.Counters is { } counters && counters.Has("drop") && counters.Get("drop") != logs.PacketsLost)
        {
            grid.AddRow("Why they differ", Markup.Escape($"the counters' drop = {N(counters.Get("drop"))} counts every drop, for any reason, since the module loaded; the log's {N(logs.PacketsLost)} " +
                "counts only 'table full' and is rate-limited (a burst's suppressed count is printed only when a later line gets through), over the period its files cover"));
        }
        console.Write(grid);
        if (logs.Timeline.Count > 1)
        {
            long peak = Math.Max(1, logs.Timeline.Max(t => t.Printed + t.Suppressed));
            var timeline = new SpectreTable().Border(TableBorder.Rounded);
            timeline.AddColumn($"from (per {Span(logs.BucketWidth)})");
            timeline.AddColumn(new TableColumn("printed").RightAligned());
            timeline.AddColumn(new TableColumn("suppressed").RightAligned());
            timeline.AddColumn("");
            foreach (var t in logs.Timeline)
                timeline.AddRow(Markup.Escape(t.Start.ToString()), N(t.Printed), N(t.Suppressed), new string('█', (int)Math.Max(1, 30 * (t.Printed + t.Suppressed) / peak)));
            console.Write(timeline);
        }
        console.WriteLine();
    }

    private static string Span(TimeSpan width) => width.TotalDays >= 1 ? $"{width.TotalDays:0} d" : width.TotalHours >= 1 ? $"{width.TotalHours:0} h" : width.TotalMinutes >= 1 ? $"{width.TotalMinutes:0} min" : $"{width.TotalSeconds:0} s";

    private static void Composition(IAnsiConsole console, Diagnosis d)
    {
        if (d.Host.Table is not { } table)
        {
            console.MarkupLine(d.Host.Live
                ? "[bold]What fills it[/]: no table was read (/proc/net/nf_conntrack needs root; or give --table FILE)"
                : "[bold]What fills it[/]: the snapshot holds no table (give --table FILE with a saved /proc/net/nf_conntrack or conntrack -L)");
            console.WriteLine();
            return;
        }
        var s = table.Summary;
        string format = table.Format == table.File ? "" : $" ({table.Format})";
        console.MarkupLine($"[bold]What fills it[/]: {N(s.Entries)} entries from {Markup.Escape(table.File + format)}; {N(s.Assured)} ASSURED, {N(s.Unreplied)} UNREPLIED, {N(s.Ipv4)} IPv4, {N(s.Ipv6)} IPv6");
        if (s.Entries == 0)
        {
            console.WriteLine();
            return;
        }
        var states = new SpectreTable().Border(TableBorder.Rounded);
        states.AddColumn("protocol / state");
        states.AddColumn(new TableColumn("entries").RightAligned());
        states.AddColumn(new TableColumn("%").RightAligned());
        states.AddColumn(new TableColumn("assured").RightAligned());
        states.AddColumn(new TableColumn("unreplied").RightAligned());
        states.AddColumn(new TableColumn("idle ≥1 h").RightAligned());
        states.AddColumn(new TableColumn("idle ≥1 day").RightAligned());
        foreach (var st in s.States.Take(12))
            states.AddRow(Markup.Escape(st.Label), N(st.Count), Percent(100.0 * st.Count / s.Entries), N(st.Assured), N(st.Unreplied), N(st.Idle[^2] + st.Idle[^1]), N(st.Idle[^1]));
        console.Write(states);

        console.MarkupLine("Entries by remaining timeout");
        var remaining = new SpectreTable().Border(TableBorder.Rounded);
        remaining.AddColumn("protocol / state");
        foreach (string label in StateStats.RemainingLabels)
            remaining.AddColumn(new TableColumn(label).RightAligned());
        foreach (var st in s.States.Take(12))
            remaining.AddRow([Markup.Escape(st.Label), .. st.Remaining.Select(N)]);
        console.Write(remaining);

        var tops = new SpectreTable().Border(TableBorder.Rounded);
        tops.AddColumn("top sources");
        tops.AddColumn(new TableColumn("entries").RightAligned());
        tops.AddColumn("top destinations");
        tops.AddColumn(new TableColumn("entries").RightAligned());
        tops.AddColumn("top destination ports");
        tops.AddColumn(new TableColumn("entries").RightAligned());
        var sources = s.Sources.Top(TopN);
        var destinations = s.Destinations.Top(TopN);
        var ports = s.DestinationPorts.Top(TopN);
        int rows = Math.Max(sources.Count, Math.Max(destinations.Count, ports.Count));
        for (int i = 0; i < rows; i++)
        {
            tops.AddRow(
                i < sources.Count ? sources[i].Key.ToString() : "", i < sources.Count ? N(sources[i].Value) : "",
                i < destinations.Count ? destinations[i].Key.ToString() : "", i < destinations.Count ? N(destinations[i].Value) : "",
                i < ports.Count ? TableSummary.PortLabel(ports[i].Key) : "", i < ports.Count ? N(ports[i].Value) : "");
        }
        console.Write(tops);
        if (!s.Sources.IsExact || !s.Destinations.IsExact || !s.DestinationPorts.IsExact)
            console.MarkupLine("[grey]  top counts are lower bounds (bounded counting over many distinct keys)[/]");
        console.WriteLine();
    }

    private static void MemorySection(IAnsiConsole console, Diagnosis d)
    {
        var m = d.Memory;
        var g = m.Profile.Geometry;
        console.MarkupLine("[bold]Memory[/] (kernel memory, as the slab allocator packs entries)");
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("Entry objects", Markup.Escape($"{g.ObjectSize} B, {g.ObjectsPerSlab} per {g.PagesPerSlab}-page slab of {N(g.SlabBytes)} B ({N(g.WastePerSlab)} B unused per slab){(m.PageSizeAssumed ? ", 4 KiB pages assumed" : "")}  [{m.ProfileSource}]"));
        grid.AddRow("Extensions", m.Extensions ? "128 B per entry (acct/timestamp/events on)" : "none (acct, timestamp off; events only with a listener)");
        AddEstimate(grid, "Now", m.Now);
        AddEstimate(grid, "When full", m.AtMax);
        AddEstimate(grid, "Recommended", m.AtRecommended);
        if (m.Observed is { } o)
            grid.AddRow("Slab now", Markup.Escape($"{o.Name}: {N(o.ActiveObjects)} of {N(o.TotalObjects)} objects in {N(o.TotalSlabs)} slabs = {Bytes(m.ObservedBytes ?? 0)}"));
        if (m.MemTotal is long total)
            grid.AddRow("Host memory", Markup.Escape($"{Bytes(total)}, available {Bytes(m.Available ?? 0)} [{m.AvailableSource}]{(m.Pressure ? " — SHORT" : "")}"));
        console.Write(grid);
        console.WriteLine();
    }

    /// <summary>A label column and a text column: wrapped text stays under its own first word, not under the label.</summary>
    private static Grid Hanging(int indent = 0, int gap = 1)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().Padding(indent, 0, gap, 0));
        grid.AddColumn();
        return grid;
    }

    private static void AddEstimate(Grid grid, string label, ConntrackMemoryEstimate? e)
    {
        if (e is null)
            return;
        string ext = e.ExtensionBytes > 0 ? $" + extensions {Bytes(e.ExtensionBytes)}" : "";
        grid.AddRow(label, Markup.Escape($"{N(e.Entries)} entries: {N(e.Slabs)} slab{(e.Slabs == 1 ? "" : "s")} = {Bytes(e.SlabBytes)} (naive {N(e.Entries)} × object size = {Bytes(e.NaiveBytes)}){ext} + {N(e.Buckets)} buckets {Bytes(e.BucketBytes)} = {Bytes(e.TotalBytes)}"));
    }

    private static void Recommendations(IAnsiConsole console, Diagnosis d)
    {
        console.MarkupLine("[bold]Recommendations[/]");
        int i = 0;
        foreach (var r in d.Recommendations)
        {
            i++;
            var title = Hanging();
            title.AddRow($"[bold]{i}.[/]", $"[bold]{Markup.Escape(r.Title)}[/]");
            console.Write(title);
            var body = Hanging(indent: 3);
            body.AddRow("why:", Markup.Escape(r.Reason));
            if (r.Cost != "none")
                body.AddRow("cost:", Markup.Escape(r.Cost));
            console.Write(body);
            // Commands keep their own lines: a shell line wrapped by the terminal still pastes as one.
            foreach (string command in r.Commands)
            {
                foreach (string line in command.Split('\n'))
                    console.MarkupLine($"   [aqua]{Markup.Escape(line)}[/]");
            }
        }
        console.WriteLine();
    }

    private static void Inputs(IAnsiConsole console, Diagnosis d)
    {
        var host = d.Host;
        console.MarkupLine($"[bold]Inputs[/] (read in {host.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms)");
        var inputs = new SpectreTable().Border(TableBorder.Rounded);
        // A path broken mid-word cannot be copied; the detail column gives way instead.
        inputs.AddColumn(new TableColumn("file").NoWrap());
        inputs.AddColumn(new TableColumn("for").NoWrap());
        inputs.AddColumn("status");
        inputs.AddColumn(new TableColumn("lines").RightAligned());
        inputs.AddColumn(new TableColumn("malformed").RightAligned());
        inputs.AddColumn("detail");
        foreach (var input in host.Inputs)
        {
            string status = input.Status switch
            {
                InputStatus.Read => "read",
                InputStatus.Missing => "[grey]missing[/]",
                InputStatus.Empty => "[grey]empty[/]",
                InputStatus.Refused => "[yellow]refused[/]",
                _ => "[yellow]unreadable[/]",
            };
            inputs.AddRow(Markup.Escape(input.Path), input.Role, status, input.Lines > 0 ? N(input.Lines) : "", input.Malformed > 0 ? $"[yellow]{N(input.Malformed)}[/]" : "", Markup.Escape(input.Detail ?? ""));
        }
        console.Write(inputs);
        var issues = host.Issues;
        if (issues.Total > 0)
        {
            console.MarkupLine($"[yellow]{N(issues.Total)} malformed lines skipped[/]");
            foreach (var issue in issues.Kept.Take(10))
                console.MarkupLine($"  {Markup.Escape(issue.ToString())}");
            if (issues.Total > Math.Min(10, issues.Kept.Count))
                console.MarkupLine($"  … {N(issues.Total - Math.Min(10, issues.Kept.Count))} more");
        }
    }
}
