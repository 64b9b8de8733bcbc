namespace Conntrack.Cli.Tests;

/// <summary>The doctor's human report as a user reads it from a pipe.</summary>
public class DoctorTextReportTests
{
    private static string[] Doctor(string fixture)
    {
        var run = CtnetProcess.Run("doctor", "--root", DoctorCommandTests.Fixture(fixture));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        return run.Stdout.Split('\n');
    }

    [Fact]
    public void Wrapped_lines_keep_their_hanging_indent()
    {
        var lines = Doctor("full-table");
        Assert.Equal("DROPPING_FULL  Dropping packets because the table is full: 1,862 of 1,862 entries (100 %); 6,703", lines[1]);
        Assert.Equal("               packets dropped", lines[2]);
        Assert.Equal("  • 22 'table full, dropping packet' lines printed and 3,415 suppressed by the rate limiter = 3,437", lines[4]);
        Assert.Equal("    packets dropped, first Nov 12 18:03:10, last Nov 13 09:15:07", lines[5]);
        int why = Array.FindIndex(lines, l => l.StartsWith("   why:  800 of 1,100 ESTABLISHED entries", StringComparison.Ordinal));
        Assert.True(why > 0);
        Assert.StartsWith("         day ago.", lines[why + 1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.EndsWith(' '));
    }

    [Fact]
    public void Counter_and_log_drop_figures_are_explained_side_by_side()
    {
        var lines = Doctor("full-table");
        Assert.Contains("Why they differ  the counters' drop = 6,703 counts every drop, for any reason, since the module", lines);
        Assert.Contains("                 loaded; the log's 3,437 counts only 'table full' and is rate-limited (a burst's", lines);
    }

    [Fact]
    public void Persisting_uses_sysctl_system_and_inputs_keep_paths_whole()
    {
        var lines = Doctor("full-table");
        Assert.Contains("   sysctl --system", lines);
        Assert.DoesNotContain(lines, l => l.Contains("sysctl -p", StringComparison.Ordinal));
        Assert.Contains("│ file                        │ for         │ status │ lines │ malformed │ detail                  │", lines);
        Assert.Contains(lines, l => l.StartsWith("│ /proc/net/stat/nf_conntrack │ counters    │ read   │     2 │", StringComparison.Ordinal));
    }

    [Fact]
    public void Healthy_verdict_is_not_repeated_in_the_headline()
    {
        var lines = Doctor("modern-healthy");
        Assert.Equal("HEALTHY  412 of 262,144 entries (0.2 %)", lines[1]);
    }
}
