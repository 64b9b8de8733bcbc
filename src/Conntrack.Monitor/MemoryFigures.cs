using Conntrack.Host.Resources;
using Conntrack.Replay.Memory;

namespace Conntrack.Monitor;

/// <summary>A namespace's memory by the replay's and doctor's memory model, at the geometry the host's slabinfo shows.</summary>
internal static class MemoryFigures
{
    public static TableMemory Estimate(long entries, long buckets, SlabCache? cache, bool extensions)
    {
        var profile = cache is null
            ? MemoryProfiles.Linux618
            : MemoryProfiles.ForHostCache(cache.Name, cache.ObjectSize, cache.ObjectsPerSlab, cache.PagesPerSlab, SlabReader.PageSize);
        var estimate = ConntrackMemoryModel.Estimate(entries, buckets, profile, extensions);
        string source = cache is null ? $"assumed {profile.Name} (no /proc/slabinfo)" : $"{profile.Name}: {profile.Geometry}";
        return new TableMemory(estimate.SlabBytes, estimate.ExtensionBytes, estimate.BucketBytes, extensions, source);
    }

    public static SlabUsage? Usage(SlabCache? cache) =>
        cache is null ? null : new SlabUsage(cache.Name, cache.ObjectSize, cache.ActiveObjects, cache.TotalObjects, cache.BytesHeld(SlabReader.PageSize));
}
