using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>Protocols without a tracker: one entry per address pair and protocol, a fixed timeout, never ASSURED.</summary>
internal static class GenericTracker
{
    public static TrackVerdict Packet(TrackerConfig config, out long timeout)
    {
        timeout = config.Timeout(TimeoutClass.Generic);
        return TrackVerdict.Accept;
    }
}

