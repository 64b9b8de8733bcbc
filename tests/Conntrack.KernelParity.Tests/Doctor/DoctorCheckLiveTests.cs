using System.Globalization;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Doctor;

/// <summary>
/// <c>ctnet doctor --check</c> inside a private network namespace. nf_conntrack_max is global (read-only
/// outside the initial namespace) and is not touched: the namespace gets a few hundred entries through
/// <c>conntrack -I</c>, and the thresholds are chosen around their real share of the real max so that the
/// same table is OK, WARNING and CRITICAL. A full table is checked on a snapshot of the namespace with the
/// count raised to the max, the only part of the test whose numbers are not the kernel's.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class DoctorCheckLiveTests(ITestOutputHelper output)
{
    private const int Entries = 300;

    [KernelFact]
    public void Check_inside_a_namespace_follows_the_thresholds_and_a_full_snapshot_is_critical()
    {
        string ns = string.Create(CultureInfo.InvariantCulture, $"ctnet-check-{System.Environment.ProcessId}-1");
        string work = Directory.CreateTempSubdirectory("ctnet-check-").FullName;
        Shell.Check("ip", "netns", "add", ns);
        try
        {
            Shell.Check("ip", "netns", "exec", ns, "bash", "-c",
                string.Create(CultureInfo.InvariantCulture, $"for p in $(seq 1 {Entries}); do conntrack -I -s 10.0.0.1 -d 10.0.0.2 -p udp --sport $p --dport 53 -t 600 >/dev/null 2>&1; done; true"));
            long count = ReadLong(ns, "/proc/sys/net/netfilter/nf_conntrack_count");
            long max = ReadLong(ns, "/proc/sys/net/netfilter/nf_conntrack_max");
            Assert.Equal(Entries, count);
            double percent = 100.0 * count / max;
            string state = Path.Combine(work, "state");

            var ok = Check(ns, "--state-file", state, "-w", Percent(percent * 2), "-c", Percent(percent * 4));
            var warning = Check(ns, "--state-file", state, "-w", Percent(percent / 2), "-c", Percent(percent * 2));
            var critical = Check(ns, "--state-file", state, "-w", Percent(percent / 4), "-c", Percent(percent / 2));
            output.WriteLine($"{count} of {max} ({percent:0.###} %):\n{ok.Stdout}{warning.Stdout}{critical.Stdout}");
            string entries = string.Create(CultureInfo.InvariantCulture, $"({count} of {max})");
            Assert.Equal(0, ok.ExitCode);
            Assert.StartsWith("CONNTRACK OK - ", ok.Stdout, StringComparison.Ordinal);
            Assert.Contains(entries + ", first check: no earlier counters to compare | ", ok.Stdout, StringComparison.Ordinal);
            Assert.Equal(1, warning.ExitCode);
            Assert.Contains(entries + ", no drops since the last check | ", warning.Stdout, StringComparison.Ordinal);
            Assert.Equal(2, critical.ExitCode);
            Assert.StartsWith("CONNTRACK CRITICAL - ", critical.Stdout, StringComparison.Ordinal);

            string snapshot = Path.Combine(work, "snapshot");
            Shell.Check("ip", "netns", "exec", ns, "dotnet", Ctnet, "snapshot", "--out", snapshot);
            File.WriteAllText(Path.Combine(snapshot, "proc/sys/net/netfilter/nf_conntrack_count"), max.ToString(CultureInfo.InvariantCulture) + "\n");
            var full = Shell.Try("dotnet", Ctnet, "doctor", "--check", "--root", snapshot);
            output.WriteLine(full.Stdout);
            Assert.Equal(2, full.ExitCode);
            Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"CONNTRACK CRITICAL - table 100.0 % full ({max} of {max}), snapshot without --state-file: no earlier counters to compare | entries={max};"), full.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Shell.Try("ip", "netns", "del", ns);
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Ctnet => Path.Combine(AppContext.BaseDirectory, "ctnet.dll");

    private static Shell.Result Check(string ns, params string[] args) =>
        Shell.Try("ip", ["netns", "exec", ns, "dotnet", Ctnet, "doctor", "--check", .. args]);

    private static string Percent(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static long ReadLong(string ns, string file) =>
        long.Parse(Shell.Check("ip", "netns", "exec", ns, "cat", file).Stdout.Trim(), CultureInfo.InvariantCulture);
}
