using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Conntrack.TestData;
using Xunit.Abstractions;

namespace Conntrack.Cli.Tests;

/// <summary>The doctor and snapshot commands as a user runs them.</summary>
public class DoctorCommandTests(ITestOutputHelper output)
{
    /// <summary>The doctor's fixture snapshots (tests/Conntrack.TestData/Snapshots).</summary>
    internal static string Fixture(string name) => Snapshots.Path(name);

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
                "sys/module/ip_conntrack/parameters/hashsize", "proc/net/nf_conntrack", "proc/net/ip_conntrack", "proc/net/stat/nf_conntrack",
                "proc/net/stat/ip_conntrack", "proc/slabinfo", "proc/meminfo",
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
        using var dir = new TempDir("ctnet-100k-");
        LargeSnapshot.Write(dir.Path, 100_000);
        var clock = Stopwatch.StartNew();
        var root = Json(CtnetProcess.Run("doctor", "--root", dir.Path, "--json"));
        clock.Stop();
        Assert.Equal(100_000, root.GetProperty("table").GetProperty("entries").GetInt64());
        Assert.Equal("dropping_full", root.GetProperty("verdict").GetString());
        output.WriteLine($"ctnet doctor on 100,000 entries: {clock.Elapsed.TotalMilliseconds:0} ms wall (process start included), {root.GetProperty("elapsed_ms").GetDouble():0} ms reading inside");
    }
}
