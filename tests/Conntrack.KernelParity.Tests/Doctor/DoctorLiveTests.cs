using System.Globalization;
using System.Text.Json;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.TableFull;

namespace Conntrack.KernelParity.Tests.Doctor;

/// <summary>
/// The live test of <c>ctnet doctor</c>: a private network namespace, a small global nf_conntrack_max
/// (through <see cref="GlobalSysctlOverride"/>: read first, lowered only while the flows are sent and
/// the doctor reads, always restored), UDP flows until the kernel drops, then <c>ctnet doctor</c>
/// inside the namespace must report what the kernel shows.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class DoctorLiveTests(ITestOutputHelper output)
{
    // Below 100 the kernel's GC early-drop mode is off ((max / 100) * 95 = 0), so the count stays put.
    private const int SmallMax = 64;
    private const int Flows = 200;

    [KernelFact]
    public void Doctor_inside_a_namespace_reports_the_full_table_the_kernel_shows()
    {
        var (ns, inode) = CreateNamespaceNoLogNames();
        try
        {
            Shell.Check("ip", "-n", ns, "link", "set", "lo", "up");
            // A ct expression makes the kernel track this namespace's traffic.
            Shell.CheckWithInput("table inet ctdoctor {\n  chain out {\n    type filter hook output priority 0; policy accept;\n    ct state new counter\n  }\n}\n",
                "ip", "netns", "exec", ns, "nft", "-f", "-");

            JsonElement doctor;
            long countBefore, countAfter, kernelDrop, kernelLines, original;
            RateLimitWindow.WaitForFresh(output);
            using (var limit = GlobalSysctlOverride.Set(GlobalSysctlOverride.Max, SmallMax))
            {
                original = limit.Original;
                // One UDP datagram per destination port: each a new flow; the ones past the limit fail with EPERM.
                Shell.Try("ip", "netns", "exec", ns, "bash", "-c",
                    string.Create(CultureInfo.InvariantCulture, $"for p in $(seq 20000 {20000 + Flows - 1}); do echo x 2>/dev/null > /dev/udp/127.0.0.1/$p; done; true"));
                RateLimitWindow.NoteDrops();
                countBefore = ReadCount(ns);
                var run = Shell.Try("ip", "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "ctnet.dll"), "doctor", "--json");
                Assert.True(run.Ok, $"doctor failed: {run}");
                doctor = JsonDocument.Parse(run.Stdout).RootElement.Clone();
                countAfter = ReadCount(ns);
                limit.Restore();
                kernelDrop = SumColumn(InNamespace(ns, "cat", "/proc/net/stat/nf_conntrack"), "drop");
                string netnsTag = string.Create(CultureInfo.InvariantCulture, $"table full in netns {inode},");
                kernelLines = Shell.Check("dmesg").Stdout.Split('\n').Count(l => l.Contains(netnsTag, StringComparison.Ordinal));
            }
            Assert.Equal(original, GlobalSysctlOverride.Read(GlobalSysctlOverride.Max));

            output.WriteLine($"netns {inode}: kernel count {countBefore}/{countAfter}, drop {kernelDrop}, {kernelLines} table-full lines; doctor: {doctor.GetProperty("headline").GetString()}");
            Assert.Equal("dropping_full", doctor.GetProperty("verdict").GetString());
            Assert.Equal(SmallMax, doctor.GetProperty("max").GetInt64());
            Assert.InRange(doctor.GetProperty("count").GetInt64(), Math.Min(countBefore, countAfter), Math.Max(countBefore, countAfter));
            Assert.Equal(SmallMax, countAfter);
            Assert.True(kernelDrop > 0, "the kernel dropped nothing: the table never filled");
            Assert.Equal(kernelDrop, doctor.GetProperty("stats").GetProperty("drop").GetInt64());
            Assert.Equal(kernelLines, doctor.GetProperty("table_full_events").GetInt64());
            Assert.Equal(inode, doctor.GetProperty("usage").GetProperty("netns_inode").GetInt64());
            Assert.False(doctor.GetProperty("usage").GetProperty("initial_netns").GetBoolean());
            Assert.Equal(SmallMax, doctor.GetProperty("table").GetProperty("entries").GetInt64());
            Assert.Equal(SmallMax, doctor.GetProperty("table").GetProperty("by_state").GetProperty("udp").GetInt64());
            Assert.True(doctor.GetProperty("memory_bytes_now").GetInt64() > 0);
            Assert.Contains("raise_max", doctor.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        }
        finally
        {
            Shell.Try("ip", "netns", "del", ns);
        }
    }

    /// <summary>
    /// A new namespace whose inode no table-full line in the kernel log names yet. Inodes of deleted
    /// namespaces are handed out again, and the lines an earlier test's full table printed (the check
    /// test's at 100 %, a table-full row's) would be counted as this namespace's, by the doctor and by
    /// the test alike. A namespace with a named inode is kept until one without is found, so the next gets another.
    /// </summary>
    private static (string Name, long Inode) CreateNamespaceNoLogNames()
    {
        string log = Shell.Check("dmesg").Stdout;
        var named = new List<string>();
        try
        {
            for (int attempt = 0; attempt < 32; attempt++)
            {
                // The harness's prefix (ctp-<pid>-): a namespace left by a killed run is removed at the next start.
                string ns = string.Create(CultureInfo.InvariantCulture, $"ctp-{System.Environment.ProcessId}-doctor-{Guid.NewGuid().ToString("N")[..6]}");
                Shell.Check("ip", "netns", "add", ns);
                long inode = long.Parse(InNamespace(ns, "stat", "-L", "-c", "%i", "/proc/self/ns/net").Trim(), CultureInfo.InvariantCulture);
                if (!log.Contains(string.Create(CultureInfo.InvariantCulture, $"table full in netns {inode},"), StringComparison.Ordinal))
                    return (ns, inode);
                named.Add(ns);
            }
            throw new InvalidOperationException("32 new namespaces in a row got inodes the kernel log already names");
        }
        finally
        {
            foreach (string ns in named)
                Shell.Try("ip", "netns", "del", ns);
        }
    }

    private static string InNamespace(string ns, string program, params string[] args) =>
        Shell.Check("ip", ["netns", "exec", ns, program, .. args]).Stdout;

    private static long ReadCount(string ns) =>
        long.Parse(InNamespace(ns, "cat", "/proc/sys/net/netfilter/nf_conntrack_count").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Sums one column of /proc/net/stat/nf_conntrack (hex, one row per CPU).</summary>
    private static long SumColumn(string stat, string column)
    {
        var rows = stat.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int index = Array.IndexOf(rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), column);
        return rows.Skip(1).Sum(r => long.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[index], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
