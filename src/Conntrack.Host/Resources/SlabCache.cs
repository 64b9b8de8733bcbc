namespace Conntrack.Host.Resources;

/// <summary>
/// One slab cache line of /proc/slabinfo: object size and how the allocator packs objects
/// (objects per slab, pages per slab), plus the objects and slabs it holds now.
/// </summary>
public sealed record SlabCache(
    string Name,
    long ActiveObjects,
    long TotalObjects,
    int ObjectSize,
    int ObjectsPerSlab,
    int PagesPerSlab,
    long ActiveSlabs,
    long TotalSlabs)
{
    /// <summary>Memory held by the cache now: every slab, full or not.</summary>
    public long BytesHeld(int pageSize) => TotalSlabs * PagesPerSlab * (long)pageSize;
}
