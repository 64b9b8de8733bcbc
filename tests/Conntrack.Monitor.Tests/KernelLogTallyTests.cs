using Conntrack.Host.Logs;

namespace Conntrack.Monitor.Tests;

/// <summary>
/// Counting the kernel's table-full messages as a live reader sees them, one /dev/kmsg record at a time, in every wording
/// (reference §6.3/6.4) and by the netns tag 6.17+ prints.
/// </summary>
public class KernelLogTallyTests
{
    private const long InitInode = 4026531840, PodInode = 4026532246;
    private const string Doubled = "nf_conntrack: nf_conntrack: table full, dropping packet";
    private const string Tagged = "nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet";

    private static void Feed(KernelLogTally tally, params (double Seconds, string Message)[] lines)
    {
        foreach (var (seconds, message) in lines)
            tally.Add(new LogTime(0, false, (long)(seconds * 1e6)), message, DateTimeOffset.UnixEpoch);
    }

    private static (double, string)[] Burst(double from, int count, string message) =>
        [.. Enumerable.Range(0, count).Select(i => (from + (i * 0.3), message))];

    [Fact]
    public void A_flood_is_ten_lines_a_window_and_the_summary_that_opens_the_next()
    {
        var tally = new KernelLogTally(kernelTagsNetns: true);
        Feed(tally, Burst(208.07, 10, Doubled));
        Feed(tally, (213.188, "net_ratelimit: 8104 callbacks suppressed"), (213.188, Doubled));
        var init = tally.For(InitInode, initial: true);
        Assert.Equal(11, init.TableFullPrinted);
        Assert.Equal(8104, init.TableFullSuppressed);
        Assert.Equal(12, init.Recent.Count);
        Assert.Equal(8104, init.Recent.Single(l => l.Kind == "suppressed").Drops);
        Assert.Equal(208.07, init.Recent[0].SecondsAfterBoot!.Value, 6);
        // Untagged lines on a tagging kernel are the initial namespace's, not a pod's.
        Assert.Equal(0, tally.For(PodInode, initial: false).TableFullPrinted);
    }

    [Fact]
    public void Tagged_lines_and_their_summaries_belong_to_their_namespace_only()
    {
        var tally = new KernelLogTally(kernelTagsNetns: true);
        Feed(tally, Burst(10, 10, Tagged));
        Feed(tally, (16, "net_ratelimit: 7 callbacks suppressed"), (16, Doubled));
        var pod = tally.For(PodInode, initial: false);
        Assert.Equal((10, 7), (pod.TableFullPrinted, pod.TableFullSuppressed));
        Assert.All(pod.Recent, l => Assert.Contains(l.Kind == "suppressed" ? "suppressed" : "in netns 4026532246", l.Text, StringComparison.Ordinal));
        var init = tally.For(InitInode, initial: true);
        Assert.Equal((1, 0), (init.TableFullPrinted, init.TableFullSuppressed));
    }

    [Theory]
    [InlineData("ip_conntrack: table full, dropping packet.", "printk: 2 messages suppressed.")]
    [InlineData("ip_conntrack: table full, dropping packet.", "NET: 3 messages suppressed.")]
    [InlineData("nf_conntrack: table full, dropping packet.", "printk: 4 messages suppressed.")]
    [InlineData("nf_conntrack: table full, dropping packet", "net_ratelimit: 5 callbacks suppressed")]
    public void Old_wordings_count_for_any_namespace_on_kernels_without_tags(string tableFull, string summary)
    {
        var tally = new KernelLogTally(kernelTagsNetns: false);
        Feed(tally, (1, tableFull), (2, tableFull), (5, summary));
        long suppressed = long.Parse(summary.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (inode, initial) in new (long?, bool?)[] { (InitInode, true), (PodInode, false), (null, null) })
        {
            var figures = tally.For(inode, initial);
            Assert.Equal((2, suppressed), (figures.TableFullPrinted, figures.TableFullSuppressed));
        }
    }

    [Fact]
    public void A_summary_far_from_any_table_full_line_is_someone_elses()
    {
        var tally = new KernelLogTally(kernelTagsNetns: true);
        Feed(tally, (1, Doubled), (100, "net_ratelimit: 50 callbacks suppressed"), (300, Doubled));
        var init = tally.For(InitInode, initial: true);
        Assert.Equal((2, 0), (init.TableFullPrinted, init.TableFullSuppressed));
        Assert.DoesNotContain(init.Recent, l => l.Kind == "suppressed");
    }

    [Fact]
    public void A_summary_right_before_a_first_table_full_line_is_its_burst()
    {
        var tally = new KernelLogTally(kernelTagsNetns: true);
        Feed(tally, (100, "net_ratelimit: 9 callbacks suppressed"), (100.0001, Tagged));
        Assert.Equal(9, tally.For(PodInode, initial: false).TableFullSuppressed);
    }

    [Fact]
    public void Other_messages_are_ignored_and_memory_is_bounded()
    {
        var tally = new KernelLogTally(kernelTagsNetns: true);
        Feed(tally, (1, "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex"), (2, "nf_conntrack: expectation table full"), (3, "NET: Registered PF_INET6 protocol family"));
        Assert.Empty(tally.For(InitInode, initial: true).Recent);
        Feed(tally, Burst(10, 500, Doubled));
        var init = tally.For(InitInode, initial: true);
        Assert.Equal(500, init.TableFullPrinted);
        Assert.Equal(KernelLogTally.RecentCapacity, init.Recent.Count);
        Feed(tally, [.. Enumerable.Range(0, KernelLogTally.MaxTags + 10).Select(i => (1000.0 + i, $"nf_conntrack: nf_conntrack: table full in netns {5_000_000_000L + i}, dropping packet"))]);
        Assert.Equal(0, tally.For(5_000_000_000L + KernelLogTally.MaxTags + 5, initial: false).TableFullPrinted);
        Assert.Equal(1, tally.For(5_000_000_000L + 3, initial: false).TableFullPrinted);
    }
}
