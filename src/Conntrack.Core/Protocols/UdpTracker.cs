using Conntrack.Packets;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>UDP and UDP-Lite after nf_conntrack_proto_udp.c (6.x): short timeout until a reply and 2 s of life, then the stream timeout and ASSURED.</summary>
internal static class UdpTracker
{
    private const long StreamDelay = 2_000_000_000;

    /// <summary>Sets <c>stream_ts</c> while the entry is new.</summary>
    public static void New(ref Entry entry, long now) => entry.Proto.Udp.StreamDeadline = now + StreamDelay;

    /// <summary><c>udp_error</c>: header present and length field consistent.</summary>
    public static bool IsValidPacket(in PacketInfo p) => p.L4Status == L4Status.Ok;

    public static TrackVerdict Packet(ref Entry entry, long now, TrackerConfig config, out long timeout)
    {
        if ((entry.Status & EntryStatus.SeenReply) == 0)
        {
            timeout = config.Timeout(TimeoutClass.Udp);
            return TrackVerdict.Accept;
        }
        // stream_ts = first packet + 2 s; time_after is strict.
        if (now > entry.Proto.Udp.StreamDeadline)
        {
            timeout = config.Timeout(TimeoutClass.UdpStream);
            if ((entry.Status & EntryStatus.NatClash) == 0)
                entry.Status |= EntryStatus.Assured;
        }
        else
        {
            timeout = config.Timeout(TimeoutClass.Udp);
        }
        return TrackVerdict.Accept;
    }
}
