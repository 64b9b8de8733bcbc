namespace Conntrack.Monitor;

/// <summary>
/// Kernel memory of one namespace's entries by the memory model (Conntrack.Replay.Memory) at the host's slab geometry:
/// entries in whole slabs, the extension area when accounting, timestamps or events give every entry one, and the
/// bucket array (global: the same array serves every namespace). <c>Profile</c> says where the geometry came from:
/// the host's cache, or the assumed default.
/// </summary>
public sealed record TableMemory(long EntriesBytes, long ExtensionsBytes, long BucketsBytes, bool Extensions, string Profile)
{
    public static TableMemory None { get; } = new(0, 0, 0, false, "not measured");

    public long TotalBytes => EntriesBytes + ExtensionsBytes + BucketsBytes;
}

/// <summary>What the host's conntrack slab caches hold now, from /proc/slabinfo (host-wide: every namespace's entries).</summary>
public sealed record SlabUsage(string Cache, int ObjectSize, long ActiveObjects, long TotalObjects, long Bytes);
