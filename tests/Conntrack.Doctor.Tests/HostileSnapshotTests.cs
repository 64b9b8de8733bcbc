using System.Text;
using System.Text.Json;
using Conntrack.Host;
using Conntrack.Reporting;
using Conntrack.TestData;
using Spectre.Console;

namespace Conntrack.Doctor.Tests;

/// <summary>Snapshots built to mislead or hang the doctor: refused inputs, unusable counters, impossible values.</summary>
public class HostileSnapshotTests
{
    private const string Header = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";
    private const string Secret = "SECRET-FIRST-LINE-9b2e";

    private static (string Text, string Json) Render(Diagnosis d)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(text) });
        console.Profile.Width = 400;
        DoctorTextReport.Render(console, d);
        using var json = new MemoryStream();
        DoctorJson.Write(json, d);
        return (text.ToString(), Encoding.UTF8.GetString(json.ToArray()));
    }

    private static Task<Diagnosis> Doctor(TempDir dir) =>
        Bounded.Run(() => DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path })));

    private static void Settings(TempDir dir, long count, long max, long buckets)
    {
        dir.File("proc/sys/net/netfilter/nf_conntrack_count", $"{count}\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", $"{max}\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_buckets", $"{buckets}\n");
    }

    [Fact]
    public async Task Counters_with_the_wrong_columns_give_no_verdict_and_say_why()
    {
        using var dir = new TempDir();
        Settings(dir, 100, 262144, 262144);
        dir.File("proc/net/stat/nf_conntrack", Header + "00000064  00000000 00000000 00000005\n00000064  00000000 00000000 00000007\n");
        var d = await Doctor(dir);
        Assert.Equal(Verdict.Unknown, d.Verdict);
        Assert.Equal("Unknown: counters /proc/net/stat/nf_conntrack have no usable row (2 malformed), and no verdict can rest on it", d.Headline);
        Assert.Contains("unusable: counters /proc/net/stat/nf_conntrack have no usable row (2 malformed)", d.Evidence);
        Assert.DoesNotContain(d.Evidence, e => e.Contains("no drops", StringComparison.Ordinal));
        var (text, json) = Render(d);
        Assert.StartsWith("UNKNOWN", text.Split('\n')[1], StringComparison.Ordinal);
        Assert.Equal("unknown", JsonDocument.Parse(json).RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Counter_values_no_kernel_prints_are_malformed_rows()
    {
        using var dir = new TempDir();
        Settings(dir, 100, 262144, 262144);
        dir.File("proc/net/stat/nf_conntrack", Header + "00000064  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 7fffffffffffffff 00000000 00000000  00000000 00000000 00000000 00000000\n");
        var d = await Doctor(dir);
        Assert.Equal(Verdict.Unknown, d.Verdict);
        var issue = Assert.Single(d.Host.Issues.Kept, i => i.File == "/proc/net/stat/nf_conntrack");
        Assert.Equal("17 hexadecimal columns of 32-bit counters (found 7fffffffffffffff)", issue.Expected);
    }

    [Fact]
    public async Task A_count_above_max_and_zero_buckets_are_flagged_in_the_evidence()
    {
        using var dir = new TempDir();
        Settings(dir, 5000, 1000, 0);
        var d = await Doctor(dir);
        Assert.Contains("implausible: the count 5,000 (net.netfilter.nf_conntrack_count) exceeds nf_conntrack_max 1,000 (net.netfilter.nf_conntrack_max): max was lowered below the count, or the files were read at different moments", d.Evidence);
        Assert.Contains("implausible: 0 hash buckets (net.netfilter.nf_conntrack_buckets): the kernel always allocates at least one page of them; chain lengths are unknown", d.Evidence);
    }

    [Fact]
    public async Task Max_zero_is_flagged_in_the_evidence()
    {
        using var dir = new TempDir();
        Settings(dir, 10, 0, 1024);
        var d = await Doctor(dir);
        Assert.Contains("implausible: nf_conntrack_max = 0 (net.netfilter.nf_conntrack_max): no limit on kernels up to 6.18, rare on a real host; check the file", d.Evidence);
    }

    [Fact]
    public async Task A_table_linked_out_of_the_snapshot_is_never_quoted()
    {
        using var outside = new TempDir();
        string secret = outside.File("passwd", Secret + " root:x:0:0\n");
        using var dir = new TempDir();
        Settings(dir, 1, 262144, 262144);
        dir.Link("proc/net/nf_conntrack", secret);
        dir.Link("var/log/kern.log", secret);
        dir.Link("proc/net/stat/nf_conntrack", secret);
        var d = await Doctor(dir);
        var (text, json) = Render(d);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.Contains("not read: symlink outside the snapshot", text, StringComparison.Ordinal);
        var table = JsonDocument.Parse(json).RootElement.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("path").GetString() == "/proc/net/nf_conntrack");
        Assert.Equal("refused", table.GetProperty("status").GetString());
        Assert.Equal("not read: symlink outside the snapshot", table.GetProperty("detail").GetString());
        Assert.Equal(Verdict.Unknown, d.Verdict);
        Assert.Equal("Unknown: table /proc/net/nf_conntrack not read: symlink outside the snapshot, and no verdict can rest on it", d.Headline);
    }

    [Fact]
    public async Task A_fifo_where_the_table_belongs_does_not_hang_the_doctor()
    {
        using var dir = new TempDir();
        Settings(dir, 1, 262144, 262144);
        dir.Fifo("proc/net/nf_conntrack");
        dir.Fifo("proc/meminfo");
        var d = await Doctor(dir);
        var (text, _) = Render(d);
        Assert.Contains("not read: not a regular file (fifo)", text, StringComparison.Ordinal);
        Assert.Equal(Verdict.Unknown, d.Verdict);
    }
}
