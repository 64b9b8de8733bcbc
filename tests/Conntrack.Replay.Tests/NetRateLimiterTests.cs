using Conntrack.Replay.KernelLog;

namespace Conntrack.Replay.Tests;

public class NetRateLimiterTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Fixed_window_prints_ten_then_reports_the_missed_on_the_first_call_of_the_next_window()
    {
        // Reference §6.4, observed: 17 drops 0.3 s apart print 10, miss 7; a drop 5.1 s after the
        // window began first reports "7 callbacks suppressed", then prints.
        var limiter = new NetRateLimiter(tokenBucket: false);
        int printed = 0;
        for (int i = 0; i < 17; i++)
        {
            if (limiter.Allow(i * 300 * Ms, out long missed))
                printed++;
            Assert.Equal(0, missed);
        }
        Assert.Equal(10, printed);
        Assert.Equal(7, limiter.Missed);
        Assert.True(limiter.Allow(5_100 * Ms, out long reported));
        Assert.Equal(7, reported);
        Assert.Equal(0, limiter.Missed);
    }

    [Fact]
    public void The_window_boundary_is_strict()
    {
        var limiter = new NetRateLimiter(tokenBucket: false);
        for (int i = 0; i < 11; i++)
            limiter.Allow(0, out _);
        // Exactly begin + 5 s is still inside the window.
        Assert.False(limiter.Allow(5_000 * Ms, out long missed));
        Assert.Equal(0, missed);
        Assert.True(limiter.Allow(5_000 * Ms + 1, out missed));
        Assert.Equal(2, missed);
    }

    [Fact]
    public void Token_bucket_allows_a_burst_of_ten_then_one_message_per_five_seconds()
    {
        var limiter = new NetRateLimiter(tokenBucket: true);
        int printed = 0;
        // A steady flood of 100 messages per second for 60 s.
        for (long t = 0; t < 60_000 * Ms; t += 10 * Ms)
        {
            if (limiter.Allow(t, out _))
                printed++;
        }
        // 10 from the initial credit, then one per 5 s of refill: 10 + 12 (give or take the last).
        Assert.InRange(printed, 21, 22);
    }

    [Theory]
    [InlineData(LogStyle.Modern, 0, "nf_conntrack: nf_conntrack: table full, dropping packet", "net_ratelimit: 5 callbacks suppressed")]
    [InlineData(LogStyle.Modern, 4026532246, "nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet", "net_ratelimit: 5 callbacks suppressed")]
    [InlineData(LogStyle.Linux3, 0, "nf_conntrack: table full, dropping packet", "net_ratelimit: 5 callbacks suppressed")]
    [InlineData(LogStyle.Linux26, 0, "nf_conntrack: table full, dropping packet.", "printk: 5 messages suppressed.")]
    [InlineData(LogStyle.IpConntrack, 0, "ip_conntrack: table full, dropping packet.", "NET: 5 messages suppressed.")]
    public void Table_full_log_uses_each_generations_words(LogStyle style, long netns, string message, string suppressed)
    {
        var log = new TableFullLog(style, netns);
        // 15 drops at once, then one 6 s later: 10 print, 5 are suppressed and reported before the 16th.
        for (int i = 0; i < 15; i++)
            log.TableFull(i * Ms);
        log.TableFull(6_000 * Ms);
        Assert.Equal(message, log.Lines[0].Text);
        Assert.Contains(log.Lines, l => l.Text == suppressed);
        Assert.Equal(16, log.Printed + log.Suppressed);
        Assert.Equal(0, log.SuppressedUnreported);
        Assert.Equal("[    6.000000] " + suppressed, log.Lines.First(l => l.Text == suppressed).ToDmesg(0));
    }
}
