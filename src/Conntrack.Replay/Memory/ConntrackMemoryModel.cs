namespace Conntrack.Replay.Memory;

/// <summary>
/// The kernel's memory for a conntrack table (reference §9), as the allocators hand it out:
/// <list type="bullet">
/// <item>entries: whole slabs of the entry cache, <c>ceil(N / objperslab) × pagesperslab × pagesize</c>;</item>
/// <item>extensions: when accounting, timestamps, events or labels put an extension area on every entry,
/// the first use reserves 128 bytes from kmalloc-128 (32 per 4 KiB page), so 128 B per entry in whole pages
/// (assumption: the area is not grown past 128 B, which needs helpers/NAT/synproxy together);</item>
/// <item>buckets: one head per bucket (8 bytes on 64-bit), allocated whole.</item>
/// </list>
/// </summary>
public static class ConntrackMemoryModel
{
    /// <summary><c>NF_CT_EXT_PREALLOC</c>: the first extension reserves this much (kmalloc-128).</summary>
    public const int ExtensionBytesPerEntry = 128;

    public static ConntrackMemoryEstimate Estimate(long entries, long buckets, MemoryProfile profile, bool extensions)
    {
        var g = profile.Geometry;
        long n = Math.Max(0, entries);
        long extensionBytes = 0;
        if (extensions)
        {
            var ext = new SlabGeometry(ExtensionBytesPerEntry, Math.Max(1, g.PageSize / ExtensionBytesPerEntry), 1, g.PageSize);
            extensionBytes = ext.BytesFor(n);
        }
        return new ConntrackMemoryEstimate(
            Entries: n,
            Buckets: Math.Max(0, buckets),
            Slabs: g.SlabsFor(n),
            SlabBytes: g.BytesFor(n),
            ExtensionBytes: extensionBytes,
            BucketBytes: Math.Max(0, buckets) * profile.BucketHeadBytes,
            NaiveBytes: g.NaiveBytesFor(n));
    }

    /// <summary>
    /// Whether entries carry an extension area, from the host's sysctls: <c>nf_conntrack_acct</c> or
    /// <c>nf_conntrack_timestamp</c> on, or <c>nf_conntrack_events</c> = 1. Events = 2 (the default) adds
    /// one only while a listener (conntrackd, <c>conntrack -E</c>) exists, which files cannot show: not counted.
    /// </summary>
    public static bool UsesExtensions(long acct, long timestamp, long events) => acct != 0 || timestamp != 0 || events == 1;

    /// <summary>Bucket count the kernel allocates for a requested size: rounded up to a whole page of heads (512 on 4 KiB pages).</summary>
    public static long RoundBuckets(long requested, int pageSize = 4096, int headBytes = 8)
    {
        long perPage = Math.Max(1, pageSize / headBytes);
        return Math.Max(perPage, (requested + perPage - 1) / perPage * perPage);
    }
}
