namespace Conntrack.Replay.Memory;

/// <summary>
/// A kernel's conntrack memory layout: the entry slab geometry and the size of one hash bucket head
/// (a pointer: 8 bytes on 64-bit; the 2.6 <c>list_head</c> of two 32-bit pointers is 8 bytes too).
/// </summary>
public sealed record MemoryProfile(string Name, string Description, SlabGeometry Geometry, int BucketHeadBytes = 8);

/// <summary>Built-in profiles from the object sizes seen in the field (reference §9).</summary>
public static class MemoryProfiles
{
    /// <summary>2.6-era i386 <c>ip_conntrack</c> ("228 bytes per conntrack" at boot): 17 objects per 4 KiB slab.</summary>
    public static MemoryProfile IpConntrack228 { get; } = new("ip_conntrack-228", "2.6 ip_conntrack, i386 (boot banner: 228 bytes per conntrack)", SlabGeometry.Packed(228));

    /// <summary>This machine (6.18 x86_64, SLUB): 248-byte struct nf_conn in a 256-byte stride, 16 per 4 KiB slab.</summary>
    public static MemoryProfile Linux618 { get; } = new("linux-6.18-x86_64", "6.x x86_64 nf_conntrack (this machine: 256 B, 16 per 4 KiB slab)", new SlabGeometry(256, 16));

    /// <summary>3.x/4.x 64-bit nf_conntrack, 304-byte objects: 13 per 4 KiB slab.</summary>
    public static MemoryProfile Nf304 { get; } = new("nf_conntrack-304", "3.x/4.x 64-bit nf_conntrack (304 B objects)", SlabGeometry.Packed(304));

    /// <summary>3.x/4.x 64-bit nf_conntrack, 320-byte objects: 12 per 4 KiB slab.</summary>
    public static MemoryProfile Nf320 { get; } = new("nf_conntrack-320", "3.x/4.x 64-bit nf_conntrack (320 B objects)", SlabGeometry.Packed(320));

    /// <summary>384-byte objects (the slabinfo in the field report): 10 per 4 KiB slab.</summary>
    public static MemoryProfile Conntrack384 { get; } = new("conntrack-384", "384 B objects (2.6 with options, or 32-bit with debug)", SlabGeometry.Packed(384));

    public static IReadOnlyList<MemoryProfile> All { get; } = [IpConntrack228, Linux618, Nf304, Nf320, Conntrack384];

    /// <summary>The profile of a host's own entry cache, with the geometry its /proc/slabinfo line shows.</summary>
    public static MemoryProfile ForHostCache(string cache, int objectSize, int objectsPerSlab, int pagesPerSlab, int pageSize) =>
        new($"host {cache}", $"this host's {cache} cache", new SlabGeometry(objectSize, objectsPerSlab, pagesPerSlab, pageSize));

    /// <summary>The profile for an object size (packed into 4 KiB slabs), named after a built-in one when it matches.</summary>
    public static MemoryProfile ForObjectSize(int objectSize, int pageSize = 4096) =>
        All.FirstOrDefault(p => p.Geometry.ObjectSize == objectSize && p.Geometry.PageSize == pageSize)
        ?? new MemoryProfile($"object-{objectSize}", $"{objectSize} B objects", SlabGeometry.Packed(objectSize, 1, pageSize));
}
