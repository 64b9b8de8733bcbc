using Conntrack.TestData;

namespace Conntrack.Cli.Tests;

/// <summary><c>ctnet doctor --check</c> as a monitoring system runs it: one line on stdout, the plugin exit codes.</summary>
public sealed class DoctorCheckCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CtnetProcess.Result Check(params string[] args) => CtnetProcess.Run(["doctor", "--check", .. args]);

    [Fact]
    public void A_healthy_snapshot_is_ok()
    {
        var run = Check("--root", DoctorCommandTests.Fixture("modern-healthy"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("CONNTRACK OK - table 0.2 % full (412 of 262144), snapshot without --state-file: no earlier counters to compare | entries=412;196608;235929.6;0;262144 drop=0c insert_failed=0c early_drop=0c\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void A_full_table_snapshot_is_critical()
    {
        var run = Check("--root", DoctorCommandTests.Fixture("full-table"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONNTRACK CRITICAL - table 100.0 % full (1862 of 1862), ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_garbage_snapshot_is_unknown()
    {
        var run = Check("--root", DoctorCommandTests.Fixture("garbage"));
        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("CONNTRACK UNKNOWN - cannot tell how full the table is: nf_conntrack_max unknown | ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Thresholds_move_the_status_and_the_short_forms_work()
    {
        string healthy = DoctorCommandTests.Fixture("modern-healthy");
        Assert.Equal(1, Check("--root", healthy, "-w", "0.1", "-c", "0.3").ExitCode);
        Assert.Equal(2, Check("--root", healthy, "--warning", "0.1", "--critical", "0.15").ExitCode);
    }

    [Theory]
    [InlineData("-w", "abc", "ctnet: --warning 'abc': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData("-c", "150", "ctnet: --critical '150': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData("-w", "91", "ctnet: --warning 91 is above --critical 90: expected warning <= critical")]
    public void Bad_thresholds_are_unknown_with_one_stderr_line(string option, string value, string message)
    {
        var run = Check("--root", DoctorCommandTests.Fixture("modern-healthy"), option, value);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(message + "\n", run.Stderr);
    }

    [Fact]
    public void A_missing_snapshot_is_unknown_not_bad_input()
    {
        var run = Check("--root", Path.Combine(_dir.Path, "absent"));
        Assert.Equal(3, run.ExitCode);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Drops_since_the_last_check_are_critical_through_the_state_file()
    {
        string state = Path.Combine(_dir.Path, "state", "check.state");
        string root = DoctorCommandTests.Fixture("full-table");
        var first = Check("--root", root, "--state-file", state, "-w", "100", "-c", "100");
        Assert.Contains("first check: no earlier counters to compare", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("drop=6703 insert_failed=0 early_drop=43\n", File.ReadAllText(state));
        var same = Check("--root", root, "--state-file", state, "-w", "100", "-c", "100");
        Assert.Contains(", no drops since the last check | ", same.Stdout, StringComparison.Ordinal);
        File.WriteAllText(state, "drop=6000 insert_failed=0 early_drop=43\n");
        var dropped = Check("--root", DoctorCommandTests.Fixture("modern-healthy"), "--state-file", state);
        // The healthy snapshot's counters (0) are below the stored ones: compared with nothing, not a drop.
        Assert.Equal(0, dropped.ExitCode);
        Assert.Contains("counters went down since the last check", dropped.Stdout, StringComparison.Ordinal);
        File.WriteAllText(state, "drop=6000 insert_failed=0 early_drop=43\n");
        var critical = Check("--root", root, "--state-file", state, "-w", "100", "-c", "100");
        Assert.Equal(2, critical.ExitCode);
        Assert.Contains(", 703 dropped, 0 insert_failed since the last check | ", critical.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_options_without_check_are_refused()
    {
        var run = CtnetProcess.Run("doctor", "--root", DoctorCommandTests.Fixture("modern-healthy"), "-w", "50");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("ctnet: --warning, --critical and --state-file go with --check\n", run.Stderr);
    }
}
