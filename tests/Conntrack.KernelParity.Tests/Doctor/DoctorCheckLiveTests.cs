using System.Diagnostics;
using System.Globalization;
using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Fill;
using Conntrack.KernelParity.Tests.TableFull;

namespace Conntrack.KernelParity.Tests.Doctor;

/// <summary>
/// <c>ctnet doctor --check</c> with its default thresholds (75 %, 90 %) against a real kernel table: one
/// namespace (<see cref="FilledNamespace"/>) grown to 50 %, 80 % and 100 % of the real nf_conntrack_max
/// (global, read and never changed) with ESTABLISHED, ASSURED connections, which neither early drop nor
/// the GC's early-drop mode may evict. At 100 % more new flows are sent than fit, and the kernel's own
/// drop counter must make the check critical even where the fill alone would not.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class DoctorCheckLiveTests(ITestOutputHelper output)
{
    // Removed again at 100 %, so that the count is below max while the drops stay in the counters.
    private const int Spare = 1000;
    private const int Overflow = 1000;

    [KernelFact]
    public void Check_goes_ok_warning_critical_at_50_80_100_percent_and_real_drops_are_critical()
    {
        string work = Directory.CreateTempSubdirectory("ctnet-check-").FullName;
        string state = Path.Combine(work, "state"), stateAt80 = Path.Combine(work, "state-80");
        var clock = Stopwatch.StartNew();
        // Other test processes on this machine may lower or raise the global max for their rows: not while this runs.
        using var unchanged = GlobalSysctlOverride.KeepUnchanged(GlobalSysctlOverride.Max);
        try
        {
            long max = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), CultureInfo.InvariantCulture);
            int half = (int)(max / 2), eighty = (int)Math.Ceiling(max * 0.8);
            using var filled = FilledNamespace.Create(new FillSpec().Add(FillKind.TcpEstablished, half));
            output.WriteLine($"{filled.Name}: 50 %: {filled.LastFill}");
            Assert.Equal(max, filled.Max);
            Assert.Equal(half, filled.Count);
            AssertCheck(Check(filled, "--state-file", state), 0, $"CONNTRACK OK - table 50.0 % full ({half} of {max}), first check: no earlier counters to compare", half, max, 0);

            output.WriteLine($"80 %: {filled.Add(new FillSpec().Add(FillKind.TcpEstablished, eighty - half))}");
            Assert.Equal(eighty, filled.Count);
            AssertCheck(Check(filled, "--state-file", state), 1, $"CONNTRACK WARNING - table 80.0 % full ({eighty} of {max}), no drops since the last check", eighty, max, 0);
            File.Copy(state, stateAt80);

            // Two steps: a fill that fits is sent by several tcpreplays at once, one past the limit by one.
            output.WriteLine($"100 %: {filled.Add(new FillSpec().Add(FillKind.TcpEstablished, (int)max - eighty - Spare).Add(FillKind.TcpEstablished, Spare))}");
            Assert.Equal(max, filled.Count);
            output.WriteLine($"{Overflow} more: {filled.Add(new FillSpec().Add(FillKind.UdpUnreplied, Overflow))}");
            RateLimitWindow.NoteDrops();
            long drop = ConntrackCounters.ParseConntrackStats(filled.Exec("conntrack", "-S").Stdout).Drop;
            Assert.Equal(max, filled.Count);
            Assert.Equal(Overflow, drop);
            AssertCheck(Check(filled, "--state-file", state), 2,
                $"CONNTRACK CRITICAL - table 100.0 % full ({max} of {max}), {drop} dropped, 0 insert_failed since the last check", max, max, drop);
            AssertCheck(Check(filled, "--state-file", state), 2, $"CONNTRACK CRITICAL - table 100.0 % full ({max} of {max}), no drops since the last check", max, max, drop);

            // The spare group is the second of the last fill: slot 3 after 50 % (0), 80 % (1) and the rest (2).
            var deleted = filled.Exec("conntrack", "-D", "-d", FillAddresses.Server(3, ipv6: false).Address.ToString());
            Assert.True(deleted.Ok, deleted.ToString());
            long count = max - Spare;
            Assert.Equal(count, filled.Count);
            string percent = (100.0 * count / max).ToString("0.0", CultureInfo.InvariantCulture);
            AssertCheck(Check(filled, "--state-file", stateAt80, "-w", "100", "-c", "100"), 2,
                $"CONNTRACK CRITICAL - table {percent} % full ({count} of {max}), {drop} dropped, 0 insert_failed since the last check", count, max, drop, "100", "100");
            output.WriteLine($"test {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Ctnet => Path.Combine(AppContext.BaseDirectory, "ctnet.dll");

    private Kernel.Shell.Result Check(FilledNamespace filled, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = filled.Exec("dotnet", [Ctnet, "doctor", "--check", .. args]);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {result.Stdout.Trim()}");
        return result;
    }

    /// <summary>The exit code and the whole line: text, then the entries with the levels in entries, then the kernel's counters.</summary>
    private static void AssertCheck(Kernel.Shell.Result result, int exitCode, string text, long count, long max, long drop, string warning = "75", string critical = "90")
    {
        string levels = string.Join(';', new[] { warning, critical }.Select(p => (max * double.Parse(p, CultureInfo.InvariantCulture) / 100).ToString("0.##", CultureInfo.InvariantCulture)));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{text} | entries={count};{levels};0;{max} drop={drop}c insert_failed=0c early_drop=0c\n"), result.Stdout);
        Assert.Equal(exitCode, result.ExitCode);
    }
}
