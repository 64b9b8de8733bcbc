using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.TableFull;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The rules the table-full rows are judged by, and the pieces they read.</summary>
public sealed class TableFullToleranceTests
{
    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(0, 3, true)]      // tiny counts: 3 ≤ 4·√3+3
    [InlineData(17, 11, true)]
    [InlineData(61, 112, true)]   // measured once: 51 ≤ 4·√173+3 = 55.6
    [InlineData(0, 25, false)]    // 25 > 4·√25+3 = 23
    [InlineData(20, 60, false)]   // 40 > 4·√80+3 = 38.8
    public void Early_drops_are_compared_as_two_counts_of_one_process(long kernel, long engine, bool same) =>
        Assert.Equal(same, TableFullTolerance.SameProcess(kernel, engine, out _));

    [Theory]
    [InlineData(1439, 1442, true)]
    [InlineData(1400, 1471, true)]  // 71 ≤ 5 % of 1471 = 73.55
    [InlineData(1400, 1480, false)] // 80 > 74
    [InlineData(0, 5, true)]
    [InlineData(0, 6, false)]
    public void Drops_agree_within_five_percent_or_five(long kernel, long engine, bool close) =>
        Assert.Equal(close, TableFullTolerance.DropsClose(kernel, engine, out _));

    [Theory]
    [InlineData(200, 190)]
    [InlineData(1000, 950)]
    [InlineData(99, 0)]
    [InlineData(262144, 248995)]
    public void Max95_is_integer_arithmetic_as_in_gc_worker(int max, int max95) => Assert.Equal(max95, TableFullTolerance.Max95(max));

    [Theory]
    [InlineData(61, 89.0, true)]
    [InlineData(45, 89.0, false)] // an engine evicting half as often
    [InlineData(178, 89.0, false)] // or twice as often
    [InlineData(0, 0.0, true)]
    public void Each_side_stays_near_the_model(long observed, double expected, bool near) =>
        Assert.Equal(near, TableFullTolerance.NearExpectation(observed, expected, out _));

    [Fact]
    public void The_reference_experiment_is_what_the_expectation_predicts()
    {
        // Reference §6.2: 200 unassured entries, 262144 buckets, 1483 drops → 17 early drops observed.
        double expected = TableFullTolerance.ExpectedEarlyDrops(1483, 200, 262144);
        Assert.InRange(expected, 15, 21);
    }

    [Fact]
    public void The_state_mix_names_protocol_state_and_flags()
    {
        var syn = ProcEntry.Parse("ipv4     2 tcp      6 119 SYN_SENT src=1.2.3.4 dst=192.0.2.10 sport=1234 dport=80 [UNREPLIED] src=192.0.2.10 dst=1.2.3.4 sport=80 dport=1234 mark=0 zone=0 use=2");
        var udp = ProcEntry.Parse("ipv4     2 udp      17 29 src=1.2.3.4 dst=192.0.2.53 sport=1234 dport=53 [UNREPLIED] src=192.0.2.53 dst=1.2.3.4 sport=53 dport=1234 mark=0 zone=0 use=2");
        Assert.Equal("tcp SYN_SENT [UNREPLIED]", TableFullSide.MixKey(syn));
        Assert.Equal("udp [UNREPLIED]", TableFullSide.MixKey(udp));
    }
}
