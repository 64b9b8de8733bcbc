using System.Text.Json.Serialization;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor.Top;

/// <summary>One group of the grouped view: its entries now, entries created per second, and its recent counts (oldest first).</summary>
public sealed record TopGroupRow(string Netns, string Label, long Entries, double NewPerSecond, IReadOnlyList<long> Recent)
{
    /// <summary>What the group was counted by, for deleting it: every entry whose key this is (and that the filter matches).</summary>
    [JsonIgnore]
    public EntryGroups.GroupKey Key { get; init; }
}

/// <summary>One entry of the flat list, as iptstate shows it: tuple, protocol, state, time to live, flags, counters.</summary>
public sealed record TopEntryRow(
    string Netns, string Source, string Destination, string Protocol, string State, long TtlSeconds, bool Assured, bool Unreplied,
    ulong? Packets, ulong? Bytes)
{
    /// <summary>The entry itself, for deleting it by tuple, zone and id.</summary>
    [JsonIgnore]
    public KernelEntry Entry { get; init; }
}

/// <summary>What one namespace's watcher answered to a <see cref="TopQuery"/>: the page of groups or entries and how many entries matched.</summary>
public sealed record TopView(string Netns, TopQuery Query, long Matching, IReadOnlyList<TopGroupRow> Groups, IReadOnlyList<TopEntryRow> Entries);
