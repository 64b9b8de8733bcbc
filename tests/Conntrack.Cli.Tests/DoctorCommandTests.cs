using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Conntrack.Cli.Tests;

/// <summary>The doctor and snapshot commands as a user runs them.</summary>
public class DoctorCommandTests(ITestOutputHelper output)
{
    /// <summary>The doctor's fixture snapshots (tests/Conntrack.Host.Tests/Fixtures), found above the test assembly.</summary>
    internal static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Conntrack.Host.Tests", "Fixtures", name);
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException($"fixture {name} not found above {AppContext.BaseDirectory}");
    }

    private static JsonElement Json(CtnetProcess.Result run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    [Fact]
    public void Doctor_json_on_a_full_table_snapshot_has_the_verdict_and_the_numbers()
    {
        var root = Json(CtnetProcess.Run("doctor", "--root", Fixture("full-table"), "--json"));
        Assert.Equal("dropping_full", root.GetProperty("verdict").GetString());
        Assert.Equal(1862, root.GetProperty("count").GetInt64());
        Assert.Equal(1862, root.GetProperty("max").GetInt64());
        Assert.Equal(2048, root.GetProperty("buckets").GetInt64());
        Assert.Equal(22, root.GetProperty("table_full_events").GetInt64());
        Assert.Equal(3415, root.GetProperty("suppressed").GetInt64());
        Assert.True(root.GetProperty("memory_bytes_now").GetInt64() > 0);
        Assert.True(root.GetProperty("memory_bytes_at_max").GetInt64() > 0);
        var kinds = root.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        Assert.Contains("raise_max", kinds);
        Assert.Contains("shorten_timeout", kinds);
    }

    [Fact]
    public void Doctor_human_report_leads_with_the_verdict()
    {
        var run = CtnetProcess.Run("doctor", "--root", Fixture("legacy-2.6"));
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n');
        Assert.Contains("ctnet doctor", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("DROPPING_FULL", lines[1], StringComparison.Ordinal);
        Assert.Contains("sysctl -w net.ipv4.netfilter.ip_conntrack_max=4096", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Recommendations", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("/var/log/messages:18: expected 'NET: N messages suppressed.'", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Doctor_reads_extra_logs_and_a_saved_table()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ctnet-doctor-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string log = Path.Combine(dir, "journal.txt");
            File.WriteAllText(log, "Feb 25 03:45:03 leaf01 kernel: nf_conntrack: table full, dropping packet\n");
            string table = Path.Combine(dir, "ct.txt");
            File.WriteAllText(table, "tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=443 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=1 [ASSURED] mark=0 use=1\n");
            var root = Json(CtnetProcess.Run("doctor", "--root", Fixture("modern-healthy"), "--log", log, "--table", table, "--json"));
            Assert.Equal(1, root.GetProperty("table_full_events").GetInt64());
            Assert.Equal(1, root.GetProperty("table").GetProperty("entries").GetInt64());
            Assert.Equal("dropping_full", root.GetProperty("verdict").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Doctor_rejects_a_missing_root_or_file_with_exit_code_2()
    {
        var run = CtnetProcess.Run("doctor", "--root", "/nonexistent/ctnet-snapshot");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such directory", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, CtnetProcess.Run("doctor", "--root", Fixture("modern-healthy"), "--table", "/nonexistent/table").ExitCode);
        Assert.Equal(2, CtnetProcess.Run("doctor", "--page-size", "1000").ExitCode);
    }

    [Fact]
    public void Snapshot_of_this_machine_is_read_back_by_doctor()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ctnet-snapshot-" + Guid.NewGuid().ToString("N"));
        try
        {
            var snap = CtnetProcess.Run("snapshot", "--out", dir);
            Assert.True(snap.ExitCode == 0, snap.Stderr);
            Assert.Contains("ctnet doctor --root", snap.Stdout, StringComparison.Ordinal);
            // Only the files the doctor reads, at their host paths.
            string[] allowed = ["proc/sys/net/netfilter/", "proc/sys/net/ipv4/netfilter/ip_conntrack_", "sys/module/nf_conntrack/parameters/hashsize",
                "proc/net/nf_conntrack", "proc/net/ip_conntrack", "proc/net/stat/nf_conntrack", "proc/slabinfo", "proc/meminfo",
                "var/log/kern.log", "var/log/messages", "var/log/syslog", "dmesg.txt"];
            foreach (string file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(dir, file);
                Assert.True(allowed.Any(a => relative.StartsWith(a, StringComparison.Ordinal)), $"unexpected file in snapshot: {relative}");
            }

            var doctor = Json(CtnetProcess.Run("doctor", "--root", dir, "--json"));
            Assert.False(doctor.GetProperty("live").GetBoolean());
            Assert.Contains(doctor.GetProperty("verdict").GetString(), new[] { "healthy", "filling", "dropping_full", "dropping_memory", "insert_races", "long_chains" });
            if (File.Exists("/proc/sys/net/netfilter/nf_conntrack_max"))
            {
                // The snapshot's settings are this machine's.
                long max = long.Parse(File.ReadAllText(Path.Combine(dir, "proc/sys/net/netfilter/nf_conntrack_max")).Trim(), CultureInfo.InvariantCulture);
                Assert.Equal(max, doctor.GetProperty("max").GetInt64());
                Assert.True(doctor.GetProperty("count").ValueKind == JsonValueKind.Number);
            }

            var again = CtnetProcess.Run("snapshot", "--out", dir);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("not empty", again.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Doctor_on_this_machine_live_answers()
    {
        var root = Json(CtnetProcess.Run("doctor", "--json"));
        Assert.True(root.GetProperty("live").GetBoolean());
        output.WriteLine($"this machine: {root.GetProperty("headline").GetString()} ({root.GetProperty("elapsed_ms").GetDouble():0} ms)");
    }

    [Fact]
    public void Doctor_answers_for_100k_entries()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ctnet-100k-" + Guid.NewGuid().ToString("N"));
        try
        {
            WriteLargeSnapshot(dir, 100_000);
            var clock = Stopwatch.StartNew();
            var root = Json(CtnetProcess.Run("doctor", "--root", dir, "--json"));
            clock.Stop();
            Assert.Equal(100_000, root.GetProperty("table").GetProperty("entries").GetInt64());
            Assert.Equal("dropping_full", root.GetProperty("verdict").GetString());
            output.WriteLine($"ctnet doctor on 100,000 entries: {clock.Elapsed.TotalMilliseconds:0} ms wall (process start included), {root.GetProperty("elapsed_ms").GetDouble():0} ms reading inside");
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteLargeSnapshot(string root, int entries)
    {
        var rng = new Random(7);
        Directory.CreateDirectory(Path.Combine(root, "proc/net/stat"));
        Directory.CreateDirectory(Path.Combine(root, "proc/sys/net/netfilter"));
        string n = entries.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_max"), n + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_count"), n + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_buckets"), n + "\n");
        File.WriteAllText(Path.Combine(root, "proc/net/stat/nf_conntrack"),
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            string.Create(CultureInfo.InvariantCulture, $"{entries:x8}  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000400 00000000 00000000  00000000 00000000 00000000 00000000\n"));
        using var w = new StreamWriter(Path.Combine(root, "proc/net/nf_conntrack"), false, new UTF8Encoding(false), 1 << 16);
        for (int i = 0; i < entries; i++)
        {
            string src = string.Create(CultureInfo.InvariantCulture, $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
            string dst = string.Create(CultureInfo.InvariantCulture, $"198.51.100.{rng.Next(1, 255)}");
            int sport = 1024 + rng.Next(60000);
            w.Write(rng.Next(4) == 0
                ? string.Create(CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {rng.Next(1, 120)} TIME_WAIT src={src} dst={dst} sport={sport} dport=443 src={dst} dst={src} sport=443 dport={sport} [ASSURED] mark=0 zone=0 use=2\n")
                : string.Create(CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {rng.Next(1, 432000)} ESTABLISHED src={src} dst={dst} sport={sport} dport=443 src={dst} dst={src} sport=443 dport={sport} [ASSURED] mark=0 zone=0 use=2\n"));
        }
    }
}

/// <summary>Kernel tests share the global nf_conntrack_max and the kernel log: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DoctorKernelCollection
{
    public const string Name = "doctor kernel";
}

/// <summary>A fact that needs root, network namespaces and nftables; skipped with the reason elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DoctorKernelFactAttribute : FactAttribute
{
    public DoctorKernelFactAttribute()
    {
        if (DoctorKernel.UnavailableReason is { } reason)
            Skip = reason;
    }
}

/// <summary>Runs tools for the kernel test and decides once whether it can run here.</summary>
internal static class DoctorKernel
{
    private static readonly Lazy<string?> Reason = new(Probe);

    public static string? UnavailableReason => Reason.Value;

    public const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "needs Linux network namespaces";
        if (!IsRoot())
            return "needs root (network namespaces, nftables, the global nf_conntrack_max)";
        foreach (string tool in new[] { "ip", "nft", "bash", "dmesg", "stat" })
        {
            if (Find(tool) is null)
                return $"needs {tool} on PATH (apt-get install -y iproute2 nftables)";
        }
        if (!File.Exists(MaxPath))
            return "needs nf_conntrack (no /proc/sys/net/netfilter/nf_conntrack_max)";
        string probe = string.Create(CultureInfo.InvariantCulture, $"ctdoc-probe-{Environment.ProcessId}");
        var created = Run("ip", "netns", "add", probe);
        if (created.Code != 0)
            return $"cannot create a network namespace: {created.Err.Trim()}";
        Run("ip", "netns", "del", probe);
        return null;
    }

    private static bool IsRoot()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
        }
        return false;
    }

    public static string? Find(string program)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, program)))
                return Path.Combine(dir, program);
        }
        return null;
    }

    public static (int Code, string Out, string Err) Run(string program, params string[] args) => RunWithInput(null, program, args);

    public static (int Code, string Out, string Err) RunWithInput(string? stdin, string program, params string[] args)
    {
        var start = new ProcessStartInfo(Find(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>
/// Lowers the global <c>nf_conntrack_max</c> for a few seconds and always puts it back, with the
/// kernel-parity suite's protocol (same files): an exclusive lock held for the whole window, so two
/// test processes never stack their changes, and a marker holding the original value, written before
/// the change, so a run killed in the window is repaired by the next one.
/// </summary>
internal sealed class GlobalMaxOverride : IDisposable
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "ctp-nf_conntrack_max.lock");
    private static readonly string MarkerPath = Path.Combine(Path.GetTempPath(), "ctp-nf_conntrack_max.original");

    private readonly FileStream _lock;

    private GlobalMaxOverride(FileStream held, long original)
    {
        _lock = held;
        Original = original;
    }

    public long Original { get; }

    public static GlobalMaxOverride Set(long value)
    {
        var held = AcquireLock();
        try
        {
            if (File.Exists(MarkerPath) && long.TryParse(File.ReadAllText(MarkerPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long abandoned))
                Write(abandoned);
            long original = long.Parse(File.ReadAllText(DoctorKernel.MaxPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            using (var marker = new FileStream(MarkerPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                marker.Write(System.Text.Encoding.ASCII.GetBytes(original.ToString(CultureInfo.InvariantCulture) + "\n"));
                marker.Flush(flushToDisk: true);
            }
            Write(value);
            return new GlobalMaxOverride(held, original);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Write(Original);
            File.Delete(MarkerPath);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static void Write(long value) => File.WriteAllText(DoctorKernel.MaxPath, value.ToString(CultureInfo.InvariantCulture) + "\n");

    private static FileStream AcquireLock()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Linux; the kernel drops it when the process dies.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

/// <summary>
/// The live test of the issue: a private network namespace, a small global nf_conntrack_max (read
/// first, always restored), UDP flows until the kernel drops, then <c>ctnet doctor</c> inside the
/// namespace must report what the kernel shows.
/// </summary>
[Collection(DoctorKernelCollection.Name)]
public class DoctorKernelTests(ITestOutputHelper output)
{
    // Below 100 the kernel's GC early-drop mode is off ((max / 100) * 95 = 0), so the count stays put.
    private const int SmallMax = 64;
    private const int Flows = 200;

    [DoctorKernelFact]
    public void Doctor_inside_a_namespace_reports_the_full_table_the_kernel_shows()
    {
        string ns = string.Create(CultureInfo.InvariantCulture, $"ctdoc-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        Check(DoctorKernel.Run("ip", "netns", "add", ns));
        try
        {
            Check(DoctorKernel.Run("ip", "-n", ns, "link", "set", "lo", "up"));
            // A ct expression makes the kernel track this namespace's traffic.
            Check(DoctorKernel.RunWithInput("table inet ctdoctor {\n  chain out {\n    type filter hook output priority 0; policy accept;\n    ct state new counter\n  }\n}\n",
                "ip", "netns", "exec", ns, "nft", "-f", "-"));
            long inode = long.Parse(Check(DoctorKernel.Run("ip", "netns", "exec", ns, "stat", "-L", "-c", "%i", "/proc/self/ns/net")).Trim(), CultureInfo.InvariantCulture);

            JsonElement doctor;
            long countBefore, countAfter, kernelDrop, kernelLines, original;
            using (var limit = GlobalMaxOverride.Set(SmallMax))
            {
                original = limit.Original;
                // One UDP datagram per destination port: each a new flow; the ones past the limit fail with EPERM.
                DoctorKernel.Run("ip", "netns", "exec", ns, "bash", "-c",
                    string.Create(CultureInfo.InvariantCulture, $"for p in $(seq 20000 {20000 + Flows - 1}); do echo x 2>/dev/null > /dev/udp/127.0.0.1/$p; done; true"));
                countBefore = ReadCount(ns);
                var run = DoctorKernel.Run("ip", "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "ctnet.dll"), "doctor", "--json");
                Assert.True(run.Code == 0, $"doctor failed: {run.Err}");
                doctor = JsonDocument.Parse(run.Out).RootElement.Clone();
                countAfter = ReadCount(ns);
                kernelDrop = SumColumn(Check(DoctorKernel.Run("ip", "netns", "exec", ns, "cat", "/proc/net/stat/nf_conntrack")), "drop");
                string netnsTag = string.Create(CultureInfo.InvariantCulture, $"table full in netns {inode},");
                kernelLines = Check(DoctorKernel.Run("dmesg")).Split('\n').Count(l => l.Contains(netnsTag, StringComparison.Ordinal));
            }
            Assert.Equal(original, long.Parse(File.ReadAllText(DoctorKernel.MaxPath).Trim(), CultureInfo.InvariantCulture));

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
            DoctorKernel.Run("ip", "netns", "del", ns);
        }
    }

    private static string Check((int Code, string Out, string Err) result) =>
        result.Code == 0 ? result.Out : throw new InvalidOperationException($"exit {result.Code}: {result.Err.Trim()}");

    private static long ReadCount(string ns) =>
        long.Parse(Check(DoctorKernel.Run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/netfilter/nf_conntrack_count")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Sums one column of /proc/net/stat/nf_conntrack (hex, one row per CPU).</summary>
    private static long SumColumn(string stat, string column)
    {
        var rows = stat.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int index = Array.IndexOf(rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), column);
        return rows.Skip(1).Sum(r => long.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[index], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
