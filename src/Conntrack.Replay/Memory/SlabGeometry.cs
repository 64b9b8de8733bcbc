namespace Conntrack.Replay.Memory;

/// <summary>
/// How a slab cache packs objects: <see cref="ObjectsPerSlab"/> objects of <see cref="ObjectSize"/> bytes
/// in each slab of <see cref="PagesPerSlab"/> pages. Memory comes in whole slabs, so N objects cost
/// <c>ceil(N / objperslab) × pagesperslab × pagesize</c> bytes — more than N × object size whenever the
/// object size does not divide the slab (the rest of each slab is unusable).
/// </summary>
public sealed record SlabGeometry
{
    public SlabGeometry(int objectSize, int objectsPerSlab, int pagesPerSlab = 1, int pageSize = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(objectSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(objectsPerSlab, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pagesPerSlab, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 512);
        ObjectSize = objectSize;
        ObjectsPerSlab = objectsPerSlab;
        PagesPerSlab = pagesPerSlab;
        PageSize = pageSize;
    }

    public int ObjectSize { get; }
    public int ObjectsPerSlab { get; }
    public int PagesPerSlab { get; }
    public int PageSize { get; }

    public long SlabBytes => (long)PagesPerSlab * PageSize;

    /// <summary>Bytes of each slab no object can use.</summary>
    public long WastePerSlab => Math.Max(0, SlabBytes - ((long)ObjectsPerSlab * ObjectSize));

    /// <summary>What one object really costs when slabs are full: slab bytes / objects per slab.</summary>
    public double EffectiveBytesPerObject => SlabBytes / (double)ObjectsPerSlab;

    /// <summary>As many objects as fit whole into a slab of the given pages (no slab metadata on the slab).</summary>
    public static SlabGeometry Packed(int objectSize, int pagesPerSlab = 1, int pageSize = 4096) =>
        new(objectSize, Math.Max(1, (int)((long)pagesPerSlab * pageSize / objectSize)), pagesPerSlab, pageSize);

    public long SlabsFor(long objects) => objects <= 0 ? 0 : ((objects - 1) / ObjectsPerSlab) + 1;

    public long BytesFor(long objects) => SlabsFor(objects) * SlabBytes;

    /// <summary>The naive figure: objects × object size, ignoring how slabs pack.</summary>
    public long NaiveBytesFor(long objects) => Math.Max(0, objects) * ObjectSize;

    public override string ToString() => $"{ObjectSize} B objects, {ObjectsPerSlab} per {PagesPerSlab}×{PageSize} B slab";
}
