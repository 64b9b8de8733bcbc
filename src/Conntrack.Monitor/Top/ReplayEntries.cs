using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.Table;

namespace Conntrack.Monitor.Top;

/// <summary>The engine's entries as ctnetlink would send them, so the top view groups, filters and lists a replay as it does the kernel.</summary>
internal static class ReplayEntries
{
    public static KernelEntry Of(in EntryView view, long now)
    {
        var present = EntryAttributes.OriginalTuple | EntryAttributes.ReplyTuple | EntryAttributes.Status | EntryAttributes.Timeout | EntryAttributes.Id
            | view.Protocol switch
            {
                IpProtocol.Tcp => EntryAttributes.Tcp,
                IpProtocol.Sctp => EntryAttributes.Sctp,
                IpProtocol.Dccp => EntryAttributes.Dccp,
                _ => EntryAttributes.None,
            }
            | (view.HasCounters ? EntryAttributes.CountersOriginal | EntryAttributes.CountersReply : EntryAttributes.None);
        return new KernelEntry
        {
            Family = view.Original.Family,
            Original = view.Original,
            Reply = view.Reply,
            Status = view.Status,
            Timeout = (uint)Math.Min(uint.MaxValue, view.RemainingSeconds(now)),
            Id = view.Id,
            ProtocolState = view.ProtocolStateValue,
            PacketsOriginal = (ulong)view.Counters.OriginalPackets,
            BytesOriginal = (ulong)view.Counters.OriginalBytes,
            PacketsReply = (ulong)view.Counters.ReplyPackets,
            BytesReply = (ulong)view.Counters.ReplyBytes,
            Present = present,
        };
    }
}
