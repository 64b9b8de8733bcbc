using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Conntrack.Flows;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;

namespace Conntrack.Monitor.Top;

/// <summary>
/// One watcher's answer to a <see cref="TopQuery"/>, kept on the watcher's thread: the entries of each group and
/// those created since the last view, updated per event like <see cref="TableAggregate"/> (so a view of a
/// million-entry table costs its groups, not its entries); the recent counts of the groups near the top, for
/// sparklines. The entry list is read by a fresh filtered dump: the mirror's timeouts and counters are as old
/// as the last event or dump of each entry, the list shows what the kernel says now.
/// </summary>
internal sealed class TopTally
{
    /// <summary>Sparklines cover this many views; groups are remembered while they stay among the top rows × 4.</summary>
    private const int History = 30, Remembered = 4;

    private readonly GroupBy _by;
    private readonly EntryGroups _labels;
    private readonly EntryMatcher? _matcher;
    private readonly Dictionary<EntryGroups.GroupKey, long> _entries = [], _created = [];
    private readonly Dictionary<EntryGroups.GroupKey, Queue<long>> _recent = [];
    private long _since = Stopwatch.GetTimestamp();

    public TopTally(TopQuery query)
    {
        Query = query;
        _by = TopGroupings.By(query.Grouping);
        _labels = new EntryGroups(_by);
        _matcher = query.Filter is { } f ? new EntryMatcher(f) : null;
    }

    public TopQuery Query { get; }

    public long Matching { get; private set; }

    public void Add(in KernelEntry entry, bool created)
    {
        if (_matcher is not null && !_matcher.Matches(entry))
            return;
        var key = EntryGroups.KeyOf(_by, entry);
        CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out _)++;
        if (created)
            CollectionsMarshal.GetValueRefOrAddDefault(_created, key, out _)++;
        Matching++;
    }

    public void Remove(in KernelEntry entry)
    {
        if (_matcher is not null && !_matcher.Matches(entry))
            return;
        var key = EntryGroups.KeyOf(_by, entry);
        ref long count = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (Unsafe.IsNullRef(ref count))
            return;
        if (--count <= 0)
            _entries.Remove(key);
        Matching--;
    }

    public void Clear()
    {
        _entries.Clear();
        Matching = 0;
    }

    /// <summary>
    /// The page the query asks for; the created counts restart, so new/s is per view.
    /// </summary>
    /// <param name="netns">The namespace the rows are labelled with.</param>
    /// <param name="dump">Lists the table for the entry list (ctnetlink, or the replay's table), given the kernel-side part of the filter.</param>
    /// <param name="seconds">The time since the last view that new/s is over; null: the wall clock's.</param>
    public TopView View(string netns, Action<DumpRequest, EntryHandler> dump, double? seconds = null)
    {
        seconds ??= Stopwatch.GetElapsedTime(_since).TotalSeconds;
        _since = Stopwatch.GetTimestamp();
        TopView view = Query.ListEntries
            ? Entries(netns, dump)
            : new TopView(netns, Query, Matching, Groups(netns, seconds.Value), []);
        _created.Clear();
        return view;
    }

    private List<TopGroupRow> Groups(string netns, double seconds)
    {
        int wanted = Query.Offset + Query.Rows;
        var shown = Largest.Of(_entries, wanted * Remembered, smallest: Query.Reverse);
        var remembered = new HashSet<EntryGroups.GroupKey>(shown.Select(g => g.Key));
        foreach (var gone in _recent.Keys.Where(k => !remembered.Contains(k)).ToList())
            _recent.Remove(gone);
        foreach (var (key, count) in shown)
        {
            ref var recent = ref CollectionsMarshal.GetValueRefOrAddDefault(_recent, key, out _);
            recent ??= new Queue<long>(History);
            if (recent.Count == History)
                recent.Dequeue();
            recent.Enqueue(count);
        }
        return [.. shown.Skip(Query.Offset).Take(Query.Rows).Select(g => new TopGroupRow(
            netns, Label(netns, g.Key), g.Value, seconds > 0 ? _created.GetValueOrDefault(g.Key) / seconds : 0, [.. _recent[g.Key]])
        { Key = g.Key })];
    }

    private TopView Entries(string netns, Action<DumpRequest, EntryHandler> dump)
    {
        var page = new TopEntryPage(new TopEntryOrder(Query.SortBy, Query.Reverse), Query.Offset + Query.Rows);
        long matching = 0;
        dump(Query.Filter is { } f ? KernelDump.Request(f) : DumpRequest.All, (in KernelEntry e) =>
        {
            if (_matcher is null || _matcher.Matches(e))
            {
                matching++;
                page.Offer(e);
            }
        });
        return new TopView(netns, Query, matching, [], [.. page.Sorted().Skip(Query.Offset).Select(e => Row(netns, e))]);
    }

    /// <summary>A group as one short text: "tcp/443", "tcp ESTABLISHED", "udp", an address, a zone or mark number.</summary>
    private string Label(string netns, EntryGroups.GroupKey key)
    {
        if (Query.Grouping == TopGrouping.Namespace)
            return netns;
        var columns = _labels.Columns(key).ToList();
        string proto = columns.FirstOrDefault(c => c.Name == "proto").Value ?? "";
        return Query.Grouping switch
        {
            TopGrouping.DestinationPort => key.Dport == 0 ? proto : proto + "/" + columns.First(c => c.Name == "dport").Value,
            TopGrouping.ProtocolState => key.State == StateId.Absent ? proto : proto + " " + columns.First(c => c.Name == "state").Value,
            _ => columns[0].Value,
        };
    }

    private static TopEntryRow Row(string netns, in KernelEntry e)
    {
        var o = e.Original;
        bool counters = e.Has(EntryAttributes.CountersOriginal);
        return new TopEntryRow(
            netns, End(o, source: true), End(o, source: false), IpProtocol.Name(o.Protocol),
            e.State == StateId.Absent ? "" : StateNames.Name(e.State), e.Timeout,
            (e.Status & Conntrack.Table.EntryStatus.Assured) != 0, (e.Status & Conntrack.Table.EntryStatus.SeenReply) == 0,
            counters ? e.PacketsOriginal + e.PacketsReply : null, counters ? e.BytesOriginal + e.BytesReply : null)
        { Entry = e };
    }

    /// <summary>address:port, an IPv6 address in brackets; the address alone for protocols without ports.</summary>
    private static string End(in FlowTuple t, bool source)
    {
        Span<byte> text = stackalloc byte[64];
        int n = ConntrackLine.Address(text, t, source);
        string address = Encoding.ASCII.GetString(text[..n]);
        if (!FlowTuple.HasPorts(t.Protocol))
            return address;
        ushort port = source ? t.SrcId : t.DstId;
        return t.Family == IpFamily.V6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }
}
