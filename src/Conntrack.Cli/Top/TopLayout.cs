using System.Globalization;
using System.Text;
using Conntrack.Doctor;
using Conntrack.Monitor.Top;

namespace Conntrack.Cli.Top;

/// <summary>
/// Lays a <see cref="TopFrame"/> out as lines of the terminal's width: a header of <see cref="HeaderLines"/> lines
/// (count against max with a bar, rates, forecast, memory, the doctor's verdict, the filter), a column heading,
/// one line per group or entry, and a status line. Pure, so --once and the live view print the same thing.
/// </summary>
internal static class TopLayout
{
    public const int HeaderLines = 6;

    /// <summary>Header, column heading and status line: what a terminal of this height has left for rows.</summary>
    public static int RowsFor(int height) => Math.Max(1, height - HeaderLines - 2);

    private const string Sparks = "▁▂▃▄▅▆▇█";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<ScreenLine> Lines(TopFrame frame, int width, int? selected, string status)
    {
        ArgumentNullException.ThrowIfNull(frame);
        width = Math.Max(40, width);
        var lines = new List<ScreenLine>();
        Header(frame, width, lines);
        if (frame.ListEntries)
            EntryRows(frame, width, selected, lines);
        else
            GroupRows(frame, width, selected, lines);
        lines.Add(new ScreenLine(Fit(status, width), status.Length > 0 ? LineStyle.Alert : LineStyle.Plain));
        return lines;
    }

    private static void Header(TopFrame frame, int width, List<ScreenLine> lines)
    {
        var h = frame.Header;
        string view = frame.ListEntries ? $"entries by {frame.SortBy} {(frame.Ascending ? "ascending" : "descending")}" : $"grouped by {frame.Grouping}";
        lines.Add(new ScreenLine(Fit(Spread($"ctnet top  {frame.Title}  {frame.Taken.ToLocalTime():HH:mm:ss}  {view}", "h help  q quit", width), width), LineStyle.Heading));
        double share = h.Max > 0 ? (double)h.Entries / h.Max : 0;
        string count = $"entries {DoctorText.N(h.Entries)} / {DoctorText.N(h.Max)}";
        string tail = $" {DoctorText.Percent(share * 100)}%  buckets {DoctorText.N(h.Buckets)}";
        int barWidth = Math.Clamp(width - count.Length - tail.Length - 3, 0, 50);
        lines.Add(new ScreenLine(Fit(count + (barWidth > 4 ? " " + Bar(share, barWidth) : "") + tail, width), share >= 0.9 ? LineStyle.Alert : LineStyle.Plain));
        lines.Add(new ScreenLine(Fit(
            $"new/s {Rate(h.CreatedPerSecond)}  destroyed/s {Rate(h.DestroyedPerSecond)}  drops/s {Rate(h.DropsPerSecond)}  " +
            $"early drops/s {Rate(h.EarlyDropsPerSecond)}  insert_failed {DoctorText.N(h.InsertFailed)}", width),
            h.DropsPerSecond > 0 ? LineStyle.Alert : LineStyle.Plain));
        string full = h.TimeToFullSeconds is { } s ? "full in " + Duration(s) : "not growing";
        lines.Add(new ScreenLine(Fit($"{full}  memory {DoctorText.Bytes(h.MemoryBytes)}  events lost {DoctorText.N(h.EventsLost)}", width)));
        lines.Add(new ScreenLine(Fit(h.Headline, width), h.Verdict is "healthy" ? LineStyle.Plain : LineStyle.Alert));
        string filter = frame.Filter.Length > 0 ? $"filter {frame.Filter}  " : "";
        string problems = frame.Problems.Count > 0 ? "  " + string.Join("; ", frame.Problems) : "";
        lines.Add(new ScreenLine(Fit($"{filter}{DoctorText.N(frame.Matching)} matching{problems}", width), frame.Problems.Count > 0 ? LineStyle.Alert : LineStyle.Plain));
    }

    private static void GroupRows(TopFrame frame, int width, int? selected, List<ScreenLine> lines)
    {
        bool netns = frame.Namespaces.Count > 1 && frame.Grouping != "netns";
        int spark = Math.Clamp(width - 60, 8, 30);
        int label = width - 9 - 7 - 9 - spark - 4 - (netns ? 13 : 0);
        string Row(string name, string ns, string entries, string share, string rate, string recent) =>
            Fit(Cell(name, label) + (netns ? " " + Cell(ns, 12) : "") + " " + Right(entries, 9) + " " + Right(share, 6) + " " + Right(rate, 8) + " " + recent, width);
        lines.Add(new ScreenLine(Row(frame.Grouping.ToUpperInvariant(), "NETNS", "ENTRIES", "%MAX", "NEW/S", "RECENT"), LineStyle.Heading));
        long max = frame.Header.Max;
        for (int i = 0; i < frame.Groups.Count; i++)
        {
            var g = frame.Groups[i];
            string share = max > 0 ? DoctorText.Percent(100.0 * g.Entries / max) + "%" : "";
            lines.Add(new ScreenLine(Row(g.Label, g.Netns, DoctorText.N(g.Entries), share, Rate(g.NewPerSecond), Sparkline(g.Recent, spark)), i == selected ? LineStyle.Selected : LineStyle.Plain));
        }
    }

    private static void EntryRows(TopFrame frame, int width, int? selected, List<ScreenLine> lines)
    {
        bool netns = frame.Namespaces.Count > 1;
        bool counters = frame.Entries.Any(e => e.Packets is not null);
        int fixedWidth = 6 + 1 + 11 + 1 + 7 + 1 + 2 + (counters ? 18 : 0) + (netns ? 13 : 0);
        int ends = Math.Max(20, width - fixedWidth - 2);
        int src = ends / 2, dst = ends - src;
        string Sorted(string name, string column) => frame.SortBy == column ? name + (frame.Ascending ? "▲" : "▼") : name;
        string Row(string ns, string s, string d, string proto, string state, string ttl, string flags, string packets, string bytes) =>
            Fit((netns ? Cell(ns, 12) + " " : "") + Cell(s, src) + " " + Cell(d, dst) + " " + Cell(proto, 6) + " " + Cell(state, 11) + " " + Right(ttl, 7) + " " +
                Cell(flags, 2) + (counters ? " " + Right(packets, 8) + " " + Right(bytes, 8) : ""), width);
        lines.Add(new ScreenLine(Row("NETNS", Sorted("SOURCE", "source"), Sorted("DESTINATION", "destination"), Sorted("PROTO", "protocol"),
            Sorted("STATE", "state"), Sorted("TTL", "ttl"), "FL", Sorted("PKTS", "packets"), Sorted("BYTES", "bytes")), LineStyle.Heading));
        for (int i = 0; i < frame.Entries.Count; i++)
        {
            var e = frame.Entries[i];
            string flags = (e.Assured ? "A" : "") + (e.Unreplied ? "U" : "");
            lines.Add(new ScreenLine(
                Row(e.Netns, e.Source, e.Destination, e.Protocol, e.State, e.TtlSeconds.ToString(Inv), flags, Count(e.Packets), Count(e.Bytes)),
                i == selected ? LineStyle.Selected : LineStyle.Plain));
        }
    }

    /// <summary>The recent counts scaled to their own range, newest on the right.</summary>
    internal static string Sparkline(IReadOnlyList<long> recent, int width)
    {
        var shown = recent.Skip(Math.Max(0, recent.Count - width)).ToList();
        if (shown.Count == 0)
            return "";
        long low = shown.Min(), high = shown.Max();
        var text = new StringBuilder(shown.Count);
        foreach (long v in shown)
            text.Append(Sparks[high == low ? 0 : (int)((v - low) * (Sparks.Length - 1) / (high - low))]);
        return text.ToString();
    }

    private static string Bar(double share, int width)
    {
        int filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string Rate(double perSecond) => perSecond switch
    {
        0 => "0",
        >= 1000 => DoctorText.N((long)Math.Round(perSecond)),
        _ => perSecond.ToString("0.0", Inv),
    };

    private static string Count(ulong? value) => value switch
    {
        null => "",
        >= 10_000_000_000 => (value.Value / 1_000_000_000).ToString(Inv) + "G",
        >= 10_000_000 => (value.Value / 1_000_000).ToString(Inv) + "M",
        >= 100_000 => (value.Value / 1000).ToString(Inv) + "k",
        _ => value.Value.ToString(Inv),
    };

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => seconds.ToString("0", Inv) + " s",
        < 7200 => (seconds / 60).ToString("0", Inv) + " min",
        < 172_800 => (seconds / 3600).ToString("0.#", Inv) + " h",
        _ => (seconds / 86_400).ToString("0.#", Inv) + " days",
    };

    private static string Spread(string left, string right, int width) =>
        left.Length + right.Length + 2 <= width ? left + new string(' ', width - left.Length - right.Length) + right : left;

    private static string Cell(string text, int width) => text.Length > width ? text[..Math.Max(0, width - 1)] + "…" : text.PadRight(width);

    private static string Right(string text, int width) => text.Length > width ? text[..width] : text.PadLeft(width);

    private static string Fit(string text, int width) => text.Length > width ? text[..(width - 1)] + "…" : text;
}
