using Conntrack.Reporting;

namespace Conntrack.Doctor.Tests;

/// <summary>The doctor's diagnosis as a monitoring check: status, exit code and the exact plugin line.</summary>
public class CheckResultTests
{
    private const string NoState = "snapshot without --state-file: no earlier counters to compare";

    private static CheckResult Check(string fixture, CheckCounters? previous = null, CheckThresholds? thresholds = null) =>
        CheckResult.From(Support.Doctor(fixture), thresholds ?? CheckThresholds.Default, previous, NoState);

    [Fact]
    public void A_healthy_host_is_ok_and_says_it_compared_with_nothing()
    {
        var result = Check("modern-healthy");
        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal("CONNTRACK OK - table 0.2 % full (412 of 262144), snapshot without --state-file: no earlier counters to compare | entries=412;196608;235929.6;0;262144 drop=0c insert_failed=0c early_drop=0c", CheckLine.Render(result));
    }

    [Fact]
    public void A_full_table_is_critical_by_its_fill_alone()
    {
        var result = Check("full-table");
        Assert.Equal(CheckStatus.Critical, result.Status);
        Assert.Equal("CONNTRACK CRITICAL - table 100.0 % full (1862 of 1862), snapshot without --state-file: no earlier counters to compare | entries=1862;1396.5;1675.8;0;1862 drop=6703c insert_failed=0c early_drop=43c", CheckLine.Render(result));
    }

    [Fact]
    public void Thresholds_are_at_or_above_a_share_of_max()
    {
        // 412 of 262144 is 0.157 %.
        Assert.Equal(CheckStatus.Ok, Check("modern-healthy", thresholds: new(0.2, 0.3)).Status);
        Assert.Equal(CheckStatus.Warning, Check("modern-healthy", thresholds: new(0.1, 0.3)).Status);
        Assert.Equal(CheckStatus.Critical, Check("modern-healthy", thresholds: new(0.1, 0.15)).Status);
        Assert.Equal(CheckStatus.Critical, Check("full-table", new CheckCounters(6703, 0, 43), new(100, 100)).Status);
    }

    [Fact]
    public void A_drop_since_the_last_check_is_critical_however_empty_the_table()
    {
        var result = Check("full-table", new CheckCounters(6700, 0, 40), new(100, 100));
        Assert.Equal("CONNTRACK CRITICAL - table 100.0 % full (1862 of 1862), 3 dropped, 0 insert_failed since the last check | entries=1862;1862;1862;0;1862 drop=6703c insert_failed=0c early_drop=43c", CheckLine.Render(result));
        var healthy = Check("modern-healthy", new CheckCounters(0, 0, 0));
        Assert.Equal("CONNTRACK OK - table 0.2 % full (412 of 262144), no drops since the last check | entries=412;196608;235929.6;0;262144 drop=0c insert_failed=0c early_drop=0c", CheckLine.Render(healthy));
    }

    [Fact]
    public void Counters_that_went_down_are_compared_with_nothing()
    {
        var result = Check("modern-healthy", new CheckCounters(5, 0, 0));
        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Contains("counters went down since the last check (reboot or module reload): nothing to compare", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unusable_inputs_are_unknown()
    {
        var result = Check("garbage");
        Assert.Equal(CheckStatus.Unknown, result.Status);
        Assert.Equal(3, (int)result.Status);
        Assert.Equal("CONNTRACK UNKNOWN - cannot tell how full the table is: nf_conntrack_max unknown | entries=2;;;0; drop=3c insert_failed=0c early_drop=0c", CheckLine.Render(result));
    }

    [Theory]
    [InlineData("NaN", null, "--warning 'NaN': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData("0", null, "--warning '0': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData(null, "100.5", "--critical '100.5': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData(null, "Infinity", "--critical 'Infinity': expected a percentage of nf_conntrack_max above 0 and at most 100")]
    [InlineData("95", null, "--warning 95 is above --critical 90: expected warning <= critical")]
    public void Bad_thresholds_are_refused_with_one_line(string? warning, string? critical, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => CheckThresholds.Parse(warning, critical));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void State_round_trips_and_a_damaged_state_is_compared_with_nothing()
    {
        var counters = new CheckCounters(7, 2, 1);
        Assert.Equal("drop=7 insert_failed=2 early_drop=1\n", CheckState.Format(counters));
        Assert.Equal(counters, CheckState.Parse(CheckState.Format(counters)));
        Assert.Null(CheckState.Parse("drop=7 insert_failed=-2 early_drop=1"));
        Assert.Null(CheckState.Parse("drop=7"));
    }
}
