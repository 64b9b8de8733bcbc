using System.Text.Json;
using System.Text.RegularExpressions;

namespace Conntrack.Cli.Tests;

public partial class ReportTests
{
    [GeneratedRegex("<div id=\"render-status\"[^>]*data-charts=\"(\\d+)\"[^>]*data-errors=\"(\\d+)\"[^>]*>([^<]*)")]
    private static partial Regex RenderStatus();

    [Fact]
    public void Html_report_is_self_contained_and_renders_its_charts_in_chromium()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ctnet-report-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string html = Path.Combine(dir, "report.html");
            var run = CtnetProcess.Run("demo", "--report", html);
            Assert.Equal(0, run.ExitCode);
            string text = File.ReadAllText(html);
            // Nothing is fetched at view time: no external scripts, styles or images.
            Assert.DoesNotMatch("<script[^>]+src=", text);
            Assert.DoesNotMatch("<link[^>]+href=", text);
            Assert.DoesNotContain("https://", text.Replace("https://github.com/leeoniya/uPlot", "", StringComparison.Ordinal), StringComparison.Ordinal);

            string dom = HeadlessChromium.DumpDom(html);
            var status = RenderStatus().Match(dom);
            Assert.True(status.Success, "the page's script did not run to the end");
            Assert.Equal("0", status.Groups[2].Value + (status.Groups[3].Value.Length > 0 ? " " + status.Groups[3].Value : ""));
            Assert.Equal("2", status.Groups[1].Value);
            // uPlot drew real charts: two plot roots with canvases.
            Assert.Equal(2, Regex.Count(dom, "class=\"uplot"));
            Assert.Contains("<canvas", dom, StringComparison.Ordinal);
            Assert.Contains("Table full:", dom, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Html_report_says_what_to_do_with_the_planners_figures()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ctnet-advice-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string capture = Path.Combine(dir, "demo.pcap");
            string html = Path.Combine(dir, "report.html");
            Assert.Equal(0, CtnetProcess.Run("gen", "demo", "--out", capture).ExitCode);
            var replay = CtnetProcess.Run("replay", capture, "--set", "max=2048", "--set", "buckets=2048", "--report", html);
            Assert.True(replay.ExitCode == 0, replay.Stderr);
            var plan = CtnetProcess.Run("plan", capture, "--set", "max=2048", "--set", "buckets=2048", "--json");
            using var doc = JsonDocument.Parse(plan.Stdout);
            long max = doc.RootElement.GetProperty("recommended_max").GetInt64();
            long buckets = doc.RootElement.GetProperty("recommended_buckets").GetInt64();

            string dom = HeadlessChromium.DumpDom(html);
            string advice = Regex.Match(dom, "<div id=\"advice\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Contains("<b>DROPPING_FULL</b> (dropping packets: table full)", advice, StringComparison.Ordinal);
            Assert.Contains($"<b>nf_conntrack_max = {max:N0}</b> (+20 % headroom, now 2,048), <b>nf_conntrack_buckets = {buckets:N0}</b> (now 2,048)", advice, StringComparison.Ordinal);
            Assert.Contains($"sysctl -w net.netfilter.nf_conntrack_max={max}\nsysctl -w net.netfilter.nf_conntrack_buckets={buckets}", advice, StringComparison.Ordinal);
            Assert.Contains($"options nf_conntrack hashsize={buckets}", advice, StringComparison.Ordinal);
            Assert.Matches(@"kernel memory when full</div><div>[\d.]+ (KiB|MiB): [\d,]+ slabs = ", advice);

            // Legends name the series without a live "Value: --"; sizes in binary units; full sysctl names.
            Assert.DoesNotContain("class=\"u-value\"", dom, StringComparison.Ordinal);
            string memory = Regex.Match(dom, "<div id=\"memory\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
            Assert.DoesNotContain(" bytes", memory, StringComparison.Ordinal);
            Assert.Equal(1, Regex.Count(memory, "engine"));
            Assert.Contains("<div>kernel at the peak (linux-6.18-x86_64) = with a full table (linux-6.18-x86_64)</div><div>528 KiB</div>", memory, StringComparison.Ordinal);
            Assert.Contains("<div>engine at the peak</div><div>248 KiB = 2,048 entries × 120 B + 2,048 bucket heads × 4 B</div>", memory, StringComparison.Ordinal);
            Assert.Contains("nf_conntrack_tcp_timeout_time_wait = 120 s", dom, StringComparison.Ordinal);
            Assert.Contains("Which timeout keeps it full (entry-seconds)", dom, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Json_drop_evidence_agrees_with_the_counters_and_the_timeline()
    {
        var run = CtnetProcess.Run("demo", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        var drops = root.GetProperty("drops");
        long dropStat = root.GetProperty("stats").GetProperty("drop").GetInt64();
        Assert.True(dropStat > 0);
        Assert.Equal(dropStat, drops.GetProperty("table_full").GetInt64());
        // Every drop is either a printed line or a suppressed one: their sum is what was lost.
        Assert.Equal(dropStat, drops.GetProperty("log_lines_printed").GetInt64() + drops.GetProperty("log_lines_suppressed").GetInt64());
        Assert.InRange(drops.GetProperty("flows_lost").GetInt64(), 1, dropStat);
        var log = drops.GetProperty("log").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Equal(10, log.TakeWhile(l => l.EndsWith("nf_conntrack: nf_conntrack: table full, dropping packet", StringComparison.Ordinal)).Count());
        Assert.Matches(@"^\[\s*\d+\.\d{6}\] net_ratelimit: \d+ callbacks suppressed$", log[10]);

        var timeline = root.GetProperty("timeline");
        double width = timeline.GetProperty("resolution_seconds").GetDouble();
        double dropsFromTimeline = timeline.GetProperty("drops_per_second").EnumerateArray().Sum(v => v.GetDouble() * width);
        Assert.Equal(dropStat, Math.Round(dropsFromTimeline));
        int points = timeline.GetProperty("offset_seconds").GetArrayLength();
        Assert.Equal(points, timeline.GetProperty("entries_peak").GetArrayLength());
        Assert.Equal(root.GetProperty("peak_entries").GetInt32(), timeline.GetProperty("entries_peak").EnumerateArray().Max(v => v.GetInt32()));

        var classes = root.GetProperty("entry_seconds").EnumerateArray().ToList();
        Assert.Equal("tcp TIME_WAIT", classes[0].GetProperty("class").GetString());
        Assert.Equal(120, classes[0].GetProperty("timeout_seconds").GetInt32());
        Assert.Equal(1.0, classes.Sum(c => c.GetProperty("share").GetDouble()), 3);
    }

    [Fact]
    public void Historic_log_style_and_timeline_csv()
    {
        string csv = Path.Combine(Path.GetTempPath(), $"ctnet-timeline-{Guid.NewGuid():N}.csv");
        try
        {
            var run = CtnetProcess.Run("demo", "--json", "--log-style", "2.4", "--timeline-csv", csv);
            Assert.Equal(0, run.ExitCode);
            using var doc = JsonDocument.Parse(run.Stdout);
            var log = doc.RootElement.GetProperty("drops").GetProperty("log").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.EndsWith("ip_conntrack: table full, dropping packet.", log[0], StringComparison.Ordinal);
            Assert.Contains(log, l => Regex.IsMatch(l, @"NET: \d+ messages suppressed\.$"));
            var lines = File.ReadAllLines(csv);
            Assert.StartsWith("offset_seconds,timestamp,entries_peak", lines[0], StringComparison.Ordinal);
            Assert.Equal(doc.RootElement.GetProperty("timeline").GetProperty("offset_seconds").GetArrayLength() + 1, lines.Length);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
