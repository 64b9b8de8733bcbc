using Conntrack.Host.Sysctls;
using Conntrack.Settings;
using Conntrack.TestData;

namespace Conntrack.Host.Tests;

/// <summary>Settings files the user names (--proc-sys DIR, --sysctl FILE): read bounded and safely, errors naming the file.</summary>
public class SettingsFilesTests
{
    private const string ProcDir = "/proc/sys/net/netfilter";

    [Fact]
    public void Sysctl_file_that_cannot_be_read_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "conntrack-tests-missing-" + Guid.NewGuid().ToString("N"), "x.conf");
        var e = Assert.Throws<SettingsException>(() => SettingsFiles.ApplySysctlFile(new ConntrackSettings(), path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromProcDirectory_reads_a_copy_and_ignores_unmodelled_files()
    {
        using var dir = CopyOfProc();
        File.WriteAllText(Path.Combine(dir.Path, "nf_conntrack_max"), "1234\n");
        File.WriteAllText(Path.Combine(dir.Path, "nf_conntrack_tcp_timeout_close"), "  7\n");
        File.WriteAllText(Path.Combine(dir.Path, "nf_log_all_netns"), "not a number\n");
        File.WriteAllText(Path.Combine(dir.Path, "nf_conntrack_count"), "99\n"); // read-only, not a setting
        var s = SettingsFiles.FromProcDirectory(dir.Path);
        Assert.Equal(1234, s.Max);
        Assert.Equal(7, s.Get("nf_conntrack_tcp_timeout_close"));
        Assert.Equal(432000, s.Get("nf_conntrack_tcp_timeout_established"));
    }

    [Fact]
    public void FromProcDirectory_garbage_in_a_modelled_file_names_the_file()
    {
        using var dir = CopyOfProc();
        string file = Path.Combine(dir.Path, "nf_conntrack_udp_timeout");
        File.WriteAllText(file, "thirty\n");
        var e = Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(dir.Path));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("not an integer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromProcDirectory_missing_directory_is_an_error()
    {
        string dir = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(dir));
        Assert.Contains(dir, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_MB_single_line_sysctl_conf_is_refused_without_being_read_into_memory()
    {
        using var dir = new TempDir();
        string path = dir.Sparse("huge.conf", 200L << 20);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = await Bounded.Run(() => Assert.Throws<SettingsException>(() => SettingsFiles.ApplySysctlFile(new ConntrackSettings(), path)));
        Assert.Equal($"{path}: larger than 4 MiB (expected a sysctl.conf of 'name = value' lines)", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20, "the file was read into memory");
    }

    [Fact]
    public async Task A_200_MB_sysctl_in_a_proc_directory_is_refused()
    {
        using var dir = new TempDir();
        dir.Sparse("nf_conntrack_max", 200L << 20);
        var e = await Bounded.Run(() => Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(dir.Path)));
        Assert.Equal($"{dir.Path}/nf_conntrack_max: larger than 4096 bytes (expected one integer)", e.Message);
    }

    [Fact]
    public async Task A_device_given_as_sysctl_conf_is_refused_unopened()
    {
        var e = await Bounded.Run(() => Assert.Throws<SettingsException>(() => SettingsFiles.ApplySysctlFile(new ConntrackSettings(), "/dev/zero")));
        Assert.Equal("/dev/zero: not a regular file (character device)", e.Message);
    }

    [Fact]
    public async Task A_fifo_in_a_proc_directory_is_refused_unopened()
    {
        using var dir = new TempDir();
        dir.File("nf_conntrack_udp_timeout", "30\n");
        dir.Fifo("nf_conntrack_max");
        var e = await Bounded.Run(() => Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(dir.Path)));
        Assert.Equal($"{dir.Path}/nf_conntrack_max: not a regular file (fifo)", e.Message);
    }

    [Fact]
    public async Task A_fifo_given_as_the_proc_directory_is_not_a_directory()
    {
        using var dir = new TempDir();
        string fifo = dir.Fifo("netfilter");
        var e = await Bounded.Run(() => Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(fifo)));
        Assert.Equal($"{fifo}: not a directory (fifo) (expected a copy of /proc/sys/net/netfilter)", e.Message);
    }

    [Fact]
    public void A_link_out_of_the_proc_directory_is_refused_and_its_target_never_quoted()
    {
        using var outside = new TempDir();
        string secret = outside.File("secret", "SECRET-FIRST-LINE-7f3a\n");
        using var dir = new TempDir();
        dir.Link("nf_conntrack_max", secret);
        var e = Assert.Throws<SettingsException>(() => SettingsFiles.FromProcDirectory(dir.Path));
        Assert.Equal($"{dir.Path}/nf_conntrack_max: symlink outside {dir.Path}", e.Message);
    }

    [Fact]
    public void A_long_bad_line_is_quoted_in_a_line_not_a_megabyte()
    {
        using var dir = new TempDir();
        string path = dir.File("long.conf", "net.netfilter.nf_conntrack_max = " + new string('9', 1 << 20) + "x\n");
        var e = Assert.Throws<SettingsException>(() => SettingsFiles.ApplySysctlFile(new ConntrackSettings(), path));
        Assert.Equal($"{path}:1: nf_conntrack_max: '{new string('9', 60)}…' is not an integer", e.Message);
    }

    /// <summary>A temp copy of /proc/sys/net/netfilter's regular files (or of the defaults when absent).</summary>
    private static TempDir CopyOfProc()
    {
        var dir = new TempDir("conntrack-proc-");
        if (Directory.Exists(ProcDir))
        {
            foreach (string file in Directory.GetFiles(ProcDir))
            {
                try
                {
                    dir.File(Path.GetFileName(file), File.ReadAllText(file));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // unreadable entries are simply not copied
                }
            }
        }
        else
        {
            foreach (var d in ConntrackSettings.All)
                dir.File(d.Name, d.Default.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        }
        return dir;
    }
}
