using Conntrack.Benchmarking;

namespace Conntrack.Cli.Tests;

/// <summary>How <c>ctnet bench</c> tells that its figures are not the machine's own.</summary>
public class MachineLoadTests
{
    private const string Quiet = "cpu  1000 0 500 8000 100 0 50 0 0 0\ncpu0 500 0 250 4000 50 0 25 0 0 0\n";

    [Fact]
    public void Load_above_the_core_count_is_a_busy_machine()
    {
        double? load = MachineLoad.ParseLoadAverage("31.46 32.47 34.82 40/712 98765\n");
        Assert.Equal(31.46, load);
        Assert.Equal(
            ["the machine is busy: load average 31.46 on 2 cores; other work shares the CPUs, so these figures are low and vary"],
            MachineLoad.Warnings(load, 2, null, null));
        Assert.Empty(MachineLoad.Warnings(1.5, 2, null, null));
    }

    [Fact]
    public void Steal_time_between_two_readings_is_a_shared_host()
    {
        var before = MachineLoad.ParseCpuTimes(Quiet);
        // 1000 more jiffies, 200 of them stolen (the 8th field).
        var after = MachineLoad.ParseCpuTimes("cpu  1600 0 600 8100 100 0 50 200 0 0\n");
        Assert.Equal(new MachineLoad.CpuTimes(9650, 0), before);
        Assert.Equal(
            ["the hypervisor stole 20 % of the CPU time during the run: another guest shares the host, so these figures are low and vary"],
            MachineLoad.Warnings(null, 2, before, after));
        Assert.Empty(MachineLoad.Warnings(null, 2, before, before));
    }

    [Fact]
    public void This_machines_proc_files_parse()
    {
        var (load, times) = MachineLoad.Read();
        Assert.NotNull(load);
        Assert.NotNull(times);
        Assert.Null(MachineLoad.ParseCpuTimes("intr 1 2 3\n"));
        Assert.Null(MachineLoad.ParseLoadAverage(""));
    }

    [Fact]
    public void Spread_is_min_median_max()
    {
        Assert.Equal(new Spread(1, 2, 9), Spread.Of([9, 1, 2]));
        Assert.Equal(new Spread(1, 2.5, 4), Spread.Of([4, 1, 3, 2]));
    }
}
