using Conntrack.Host.Files;
using Conntrack.TestData;

namespace Conntrack.Host.Tests;

/// <summary>A snapshot is read only inside itself: links are resolved there, FIFOs and devices refused unopened.</summary>
public class HostRootTests
{
    private const string Secret = "SECRET-FIRST-LINE-c41d";

    [Fact]
    public void Links_that_stay_inside_the_root_are_followed()
    {
        using var dir = new TempDir();
        dir.File("data/meminfo", "MemTotal: 1 kB\n");
        dir.Link("proc/meminfo", "../data/meminfo");
        dir.Link("proc/net", dir.Path + "/data");
        var root = HostRoot.Snapshot(dir.Path);
        var file = root.Find("proc/meminfo");
        Assert.Equal(FileAccessState.Readable, file.Access);
        Assert.Equal(Path.Combine(dir.Path, "data/meminfo"), file.Path);
        Assert.Equal("/proc/meminfo", file.Label);
        Assert.Equal(FileAccessState.Readable, root.Find("proc/net/meminfo").Access);
    }

    [Theory]
    [InlineData("relative")]
    [InlineData("absolute")]
    [InlineData("dotdot")]
    public void A_link_out_of_the_root_is_refused(string how)
    {
        using var outside = new TempDir();
        string secret = outside.File("secret", Secret + "\n");
        using var dir = new TempDir();
        string target = how switch
        {
            "relative" => Path.GetRelativePath(Path.Combine(dir.Path, "proc"), secret),
            "absolute" => secret,
            _ => "../..",
        };
        dir.Link("proc/meminfo", target);
        var file = HostRoot.Snapshot(dir.Path).Find("proc/meminfo");
        Assert.Equal(FileAccessState.Refused, file.Access);
        Assert.Equal("symlink outside the snapshot", file.Reason);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_being_opened()
    {
        using var dir = new TempDir();
        dir.Fifo("proc/meminfo");
        var file = await Bounded.Run(() => HostRoot.Snapshot(dir.Path).Find("proc/meminfo"));
        Assert.Equal(FileAccessState.Refused, file.Access);
        Assert.Equal(FileKind.Fifo, file.Kind);
        Assert.Equal("not a regular file (fifo)", file.Reason);
        Assert.Throws<InvalidOperationException>(() => file.Open());
    }

    [Fact]
    public void A_named_device_is_refused_even_where_links_may_go_anywhere()
    {
        using var dir = new TempDir();
        string link = dir.Link("zero", "/dev/zero");
        var file = HostRoot.Named(link);
        Assert.Equal(FileAccessState.Refused, file.Access);
        Assert.Equal("not a regular file (character device)", file.Reason);
        Assert.Equal(link, file.Label);
    }

    [Fact]
    public void A_link_loop_is_refused()
    {
        using var dir = new TempDir();
        dir.Link("proc/a", "b");
        dir.Link("proc/b", "a");
        var file = HostRoot.Snapshot(dir.Path).Find("proc/a");
        Assert.Equal("too many levels of symlinks", file.Reason);
    }

    [Fact]
    public void Bounded_reads_stop_at_the_limit()
    {
        using var dir = new TempDir();
        dir.File("small", "12345\n");
        dir.Sparse("large", 1 << 20);
        var root = HostRoot.Snapshot(dir.Path);
        Assert.Equal("12345\n", root.Find("small").ReadBounded(6));
        Assert.Null(root.Find("small").ReadBounded(5));
        Assert.Null(root.Find("large").ReadBounded(4096));
    }

    [Fact]
    public async Task Proc_linked_to_the_live_proc_is_not_read()
    {
        using var dir = new TempDir();
        dir.Link("proc", "/proc");
        var observation = await Bounded.Run(() => HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Null(observation.Settings.Max);
        Assert.Null(observation.Table);
        Assert.Null(observation.Counters);
        Assert.Null(observation.Memory);
        Assert.Null(observation.Slab);
        foreach (string path in new[] { "/proc/sys/net/netfilter", "/proc/net/nf_conntrack", "/proc/net/stat/nf_conntrack", "/proc/slabinfo", "/proc/meminfo" })
        {
            var input = Assert.Single(observation.Inputs, i => i.Path == path);
            Assert.Equal(InputStatus.Refused, input.Status);
            Assert.Equal("not read: symlink outside the snapshot", input.Detail);
        }
    }

    [Fact]
    public async Task Fifos_and_links_to_devices_in_a_snapshot_are_reported_not_read()
    {
        using var dir = new TempDir();
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", "1000\n");
        dir.Fifo("proc/sys/net/netfilter/nf_conntrack_count");
        dir.Fifo("proc/net/stat/nf_conntrack");
        dir.Link("proc/net/nf_conntrack", "/dev/zero");
        dir.Fifo("var/log/kern.log");
        var observation = await Bounded.Run(() => HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Equal(1000, observation.Settings.Max);
        Assert.Null(observation.Settings.Count);
        Assert.Equal("not read: not a regular file (fifo)", Assert.Single(observation.Inputs, i => i.Path == "/proc/sys/net/netfilter/nf_conntrack_count").Detail);
        Assert.Equal("not read: not a regular file (fifo)", Assert.Single(observation.Inputs, i => i.Path == "/proc/net/stat/nf_conntrack").Detail);
        Assert.Equal("not read: not a regular file (fifo)", Assert.Single(observation.Inputs, i => i.Path == "/var/log/kern.log").Detail);
        Assert.Equal("not read: symlink outside the snapshot", Assert.Single(observation.Inputs, i => i.Path == "/proc/net/nf_conntrack").Detail);
        Assert.All(observation.Inputs.Where(i => i.Detail?.StartsWith("not read", StringComparison.Ordinal) == true), i => Assert.Equal(InputStatus.Refused, i.Status));
    }

    [Fact]
    public async Task Named_files_that_are_devices_are_an_error_naming_them()
    {
        using var dir = new TempDir();
        var e = await Bounded.Run(() => Assert.Throws<IOException>(() => HostReader.Read(new HostReadOptions { Root = dir.Path, TablePath = "/dev/zero" })));
        Assert.Equal("/dev/zero: not a regular file (character device) (expected a table file)", e.Message);
    }
}
