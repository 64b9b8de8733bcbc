namespace Conntrack.Replay.Memory;

/// <summary>Kernel memory for a number of entries: entry slabs, extension slabs and the bucket array.</summary>
public sealed record ConntrackMemoryEstimate(
    long Entries,
    long Buckets,
    long Slabs,
    long SlabBytes,
    long ExtensionBytes,
    long BucketBytes,
    long NaiveBytes)
{
    public long TotalBytes => SlabBytes + ExtensionBytes + BucketBytes;

    /// <summary>How much more the slab packing costs than entries × object size.</summary>
    public long PackingOverheadBytes => SlabBytes - NaiveBytes;
}
