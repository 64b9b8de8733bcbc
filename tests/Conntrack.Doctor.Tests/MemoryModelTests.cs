using Conntrack.Replay.Memory;

namespace Conntrack.Doctor.Tests;

public class MemoryModelTests
{
    [Fact]
    public void Seed_384_byte_objects_6537_entries_take_654_slabs_of_4_KiB()
    {
        // Field report: "6537 objects ... 384 bytes ... 10 per slab ... 654 slabs or 2.6Mb (654*4096=2678784)".
        var g = MemoryProfiles.Conntrack384.Geometry;
        Assert.Equal(10, g.ObjectsPerSlab);
        Assert.Equal(654, g.SlabsFor(6537));
        Assert.Equal(2_678_784, g.BytesFor(6537));
        Assert.Equal(2_510_208, g.NaiveBytesFor(6537));   // "~2.4Mb": what objects × size says
        Assert.Equal(256, g.WastePerSlab);                 // "wasting around 256 bytes per slab"
    }

    [Fact]
    public void Seed_228_byte_objects_65536_entries_naive_14_25_MiB_packed_more()
    {
        // Field report: "65536 x 228 = 14.942.208 bytes ... 14.25 MB" — the naive product.
        var g = MemoryProfiles.IpConntrack228.Geometry;
        Assert.Equal(14_942_208, g.NaiveBytesFor(65536));
        Assert.Equal(14.25, g.NaiveBytesFor(65536) / (double)(1 << 20), 2);
        // The slab allocator fits 17 objects (3,876 B) in a 4 KiB slab and wastes 220 B of each:
        // 3,856 slabs = 15,794,176 B (15.06 MiB), 5.7 % more than the naive figure.
        Assert.Equal(17, g.ObjectsPerSlab);
        Assert.Equal(220, g.WastePerSlab);
        Assert.Equal(3856, g.SlabsFor(65536));
        Assert.Equal(15_794_176, g.BytesFor(65536));
        var e = ConntrackMemoryModel.Estimate(65536, 8192, MemoryProfiles.IpConntrack228, extensions: false);
        Assert.Equal(15_794_176 - 14_942_208, e.PackingOverheadBytes);
        Assert.Equal(15_794_176 + (8192 * 8), e.TotalBytes);
    }

    [Fact]
    public void Profiles_cover_the_sizes_seen_in_the_field_and_this_machine()
    {
        Assert.Equal([228, 256, 304, 320, 384], MemoryProfiles.All.Select(p => p.Geometry.ObjectSize));
        Assert.Equal([17, 16, 13, 12, 10], MemoryProfiles.All.Select(p => p.Geometry.ObjectsPerSlab));
        Assert.Equal(16, MemoryProfiles.Linux618.Geometry.ObjectsPerSlab);
        Assert.Same(MemoryProfiles.Nf320, MemoryProfiles.ForObjectSize(320));
        Assert.Equal("object-312", MemoryProfiles.ForObjectSize(312).Name);
        Assert.Equal(26, SlabGeometry.Packed(312, pagesPerSlab: 2).ObjectsPerSlab);
    }

    [Fact]
    public void A_full_default_6x_table_takes_64_MiB_of_slab_plus_2_MiB_of_buckets_plus_32_MiB_with_extensions()
    {
        var plain = ConntrackMemoryModel.Estimate(262_144, 262_144, MemoryProfiles.Linux618, extensions: false);
        Assert.Equal(64L << 20, plain.SlabBytes);
        Assert.Equal(2L << 20, plain.BucketBytes);
        Assert.Equal(0, plain.ExtensionBytes);
        var withExt = ConntrackMemoryModel.Estimate(262_144, 262_144, MemoryProfiles.Linux618, extensions: true);
        Assert.Equal(32L << 20, withExt.ExtensionBytes);
        Assert.Equal((64L + 32 + 2) << 20, withExt.TotalBytes);
        Assert.Equal(0, ConntrackMemoryModel.Estimate(0, 0, MemoryProfiles.Linux618, true).TotalBytes);
    }

    [Fact]
    public void Multi_page_slabs_and_extension_rules()
    {
        var g = SlabGeometry.Packed(320, pagesPerSlab: 2);
        Assert.Equal(25, g.ObjectsPerSlab);
        Assert.Equal(2622, g.SlabsFor(65536));
        Assert.Equal(2622L * 8192, g.BytesFor(65536));
        Assert.True(ConntrackMemoryModel.UsesExtensions(acct: 1, timestamp: 0, events: 2));
        Assert.True(ConntrackMemoryModel.UsesExtensions(0, 0, events: 1));
        Assert.False(ConntrackMemoryModel.UsesExtensions(0, 0, events: 2));
    }

    [Theory]
    [InlineData(1862L, 2048L)]
    [InlineData(262144L, 262144L)]
    [InlineData(1L, 512L)]
    [InlineData(100_000L, 100_352L)]
    public void Buckets_round_up_to_a_page_of_heads(long requested, long allocated) =>
        Assert.Equal(allocated, ConntrackMemoryModel.RoundBuckets(requested));

    [Fact]
    public void This_machine_slabinfo_when_readable_is_consistent_with_its_geometry()
    {
        if (!File.Exists("/proc/slabinfo"))
            return;
        string text;
        try
        {
            text = File.ReadAllText("/proc/slabinfo");
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        var info = Conntrack.Host.Resources.SlabInfo.Read(Support.Text(text), "/proc/slabinfo", Environment.SystemPageSize, new Conntrack.Host.Parsing.ParseIssueLog());
        if (info.Combined is not { } c)
            return;
        var g = new SlabGeometry(c.ObjectSize, c.ObjectsPerSlab, c.PagesPerSlab, Environment.SystemPageSize);
        Assert.Equal(c.TotalSlabs, g.SlabsFor(c.TotalObjects));
        if (c.ObjectSize == 256 && Environment.SystemPageSize == 4096)
            Assert.Equal(MemoryProfiles.Linux618.Geometry, g);
    }
}
