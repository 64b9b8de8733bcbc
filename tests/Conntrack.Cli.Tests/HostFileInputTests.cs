using Conntrack.TestData;

namespace Conntrack.Cli.Tests;

/// <summary>Files that would hang ctnet, fill its memory or leak another file: one line naming the file, exit code 2, or a report that says what it did not read.</summary>
public class HostFileInputTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);
    private const string Secret = "SECRET-FIRST-LINE-51c0";

    private static string Capture => Path.Combine(CtnetProcess.SharedCaptures, "ndpi_synscan.pcap");

    private static void AssertInputError(CtnetProcess.Result run, string message)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"ctnet: {message}\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Sysctl_pointing_at_dev_zero_is_refused()
    {
        var run = CtnetProcess.RunWithin(HangLimit, "replay", Capture, "--sysctl", "/dev/zero");
        AssertInputError(run, "/dev/zero: not a regular file (character device)");
    }

    [Fact]
    public void A_200_MB_single_line_sysctl_file_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.Sparse("huge.conf", 200L << 20);
        var run = CtnetProcess.RunWithin(HangLimit, "replay", Capture, "--sysctl", path);
        AssertInputError(run, $"{path}: larger than 4 MiB (expected a sysctl.conf of 'name = value' lines)");
    }

    [Fact]
    public void Proc_sys_with_a_fifo_entry_is_refused()
    {
        using var dir = new TempDir();
        dir.File("nf_conntrack_udp_timeout", "30\n");
        dir.Fifo("nf_conntrack_max");
        var run = CtnetProcess.RunWithin(HangLimit, "replay", Capture, "--proc-sys", dir.Path);
        AssertInputError(run, $"{dir.Path}/nf_conntrack_max: not a regular file (fifo)");
    }

    [Fact]
    public void Proc_sys_with_a_200_MB_sysctl_is_refused()
    {
        using var dir = new TempDir();
        dir.Sparse("nf_conntrack_max", 200L << 20);
        var run = CtnetProcess.RunWithin(HangLimit, "replay", Capture, "--proc-sys", dir.Path);
        AssertInputError(run, $"{dir.Path}/nf_conntrack_max: larger than 4096 bytes (expected one integer)");
    }

    [Fact]
    public void Doctor_table_at_dev_zero_is_refused()
    {
        using var dir = new TempDir();
        var run = CtnetProcess.RunWithin(HangLimit, "doctor", "--root", dir.Path, "--table", "/dev/zero");
        AssertInputError(run, "/dev/zero: not a regular file (character device) (expected a table file)");
    }

    [Fact]
    public void Doctor_on_a_hostile_snapshot_reads_nothing_outside_it_and_says_so()
    {
        using var outside = new TempDir();
        string secret = outside.File("shadow", Secret + "\n");
        using var dir = new TempDir();
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", "1000\n");
        dir.Fifo("proc/sys/net/netfilter/nf_conntrack_count");
        dir.Link("proc/net/nf_conntrack", secret);
        dir.Link("proc/meminfo", "/dev/urandom");
        dir.Fifo("proc/slabinfo");
        dir.Fifo("var/log/kern.log");
        dir.Link("dmesg.txt", secret);
        var text = CtnetProcess.RunWithin(HangLimit, "doctor", "--root", dir.Path);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.DoesNotContain(Secret, text.Stdout + text.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("UNKNOWN", text.Stdout.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("refused", text.Stdout, StringComparison.Ordinal);

        var json = CtnetProcess.RunWithin(HangLimit, "doctor", "--root", dir.Path, "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.DoesNotContain(Secret, json.Stdout + json.Stderr, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var details = doc.RootElement.GetProperty("inputs").EnumerateArray()
            .Where(i => i.GetProperty("status").GetString() == "refused")
            .ToDictionary(i => i.GetProperty("path").GetString()!, i => i.GetProperty("detail").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["/proc/sys/net/netfilter/nf_conntrack_count"] = "not read: not a regular file (fifo)",
            ["/proc/net/nf_conntrack"] = "not read: symlink outside the snapshot",
            ["/proc/meminfo"] = "not read: symlink outside the snapshot",
            ["/proc/slabinfo"] = "not read: not a regular file (fifo)",
            ["/var/log/kern.log"] = "not read: not a regular file (fifo)",
            ["dmesg.txt"] = "not read: symlink outside the snapshot",
        }, details);
    }

    [Fact]
    public void Doctor_on_a_snapshot_whose_proc_is_the_live_proc_does_not_diagnose_this_host()
    {
        using var dir = new TempDir();
        dir.Link("proc", "/proc");
        var run = CtnetProcess.RunWithin(HangLimit, "doctor", "--root", dir.Path, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("unknown", root.GetProperty("verdict").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("max").ValueKind);
        Assert.All(root.GetProperty("inputs").EnumerateArray().Where(i => i.GetProperty("path").GetString()!.StartsWith("/proc/", StringComparison.Ordinal)),
            i => Assert.Equal("refused", i.GetProperty("status").GetString()));
    }
}
