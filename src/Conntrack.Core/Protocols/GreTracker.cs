using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>GRE without PPTP keys (nf_conntrack_proto_gre.c): short timeout until a reply, then the stream timeout and ASSURED.</summary>
internal static class GreTracker
{
    public static TrackVerdict Packet(ref Entry entry, TrackerConfig config, out long timeout)
    {
        if ((entry.Status & EntryStatus.SeenReply) != 0)
        {
            timeout = config.Timeout(TimeoutClass.GreStream);
            if ((entry.Status & EntryStatus.NatClash) == 0)
                entry.Status |= EntryStatus.Assured;
        }
        else
        {
            timeout = config.Timeout(TimeoutClass.Gre);
        }
        return TrackVerdict.Accept;
    }
}
