using Conntrack.Host.Netlink;

namespace Conntrack.Monitor.Top;

/// <summary>
/// The entry list's order by one column, in the direction of <see cref="TopColumns.Ascending"/>; ties broken by the kernel's entry id so a page is stable between frames.
/// </summary>
internal sealed class TopEntryOrder(TopColumn column, bool reverse) : IComparer<KernelEntry>
{
    private readonly bool _ascending = TopColumns.Ascending(column, reverse);

    public int Compare(KernelEntry x, KernelEntry y)
    {
        int c = column switch
        {
            TopColumn.Source => CompareEnds(x, y, source: true),
            TopColumn.Destination => CompareEnds(x, y, source: false),
            TopColumn.Protocol => x.Original.Protocol.CompareTo(y.Original.Protocol),
            TopColumn.State => x.State.CompareTo(y.State),
            TopColumn.Ttl => x.Timeout.CompareTo(y.Timeout),
            TopColumn.Packets => (x.PacketsOriginal + x.PacketsReply).CompareTo(y.PacketsOriginal + y.PacketsReply),
            _ => (x.BytesOriginal + x.BytesReply).CompareTo(y.BytesOriginal + y.BytesReply),
        };
        if (c == 0)
            c = x.Id.CompareTo(y.Id);
        return _ascending ? c : -c;
    }

    private static int CompareEnds(in KernelEntry x, in KernelEntry y, bool source)
    {
        var (a, b) = (x.Original, y.Original);
        int c = a.Family.CompareTo(b.Family);
        if (c != 0)
            return c;
        c = source ? a.SrcHi.CompareTo(b.SrcHi) : a.DstHi.CompareTo(b.DstHi);
        if (c != 0)
            return c;
        c = source ? a.SrcLo.CompareTo(b.SrcLo) : a.DstLo.CompareTo(b.DstLo);
        return c != 0 ? c : source ? a.SrcId.CompareTo(b.SrcId) : a.DstId.CompareTo(b.DstId);
    }
}
