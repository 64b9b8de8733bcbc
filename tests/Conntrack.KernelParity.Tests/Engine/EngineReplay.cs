using Conntrack.Replay;
using Conntrack.Capture;
using Conntrack.Formats;
using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.Preparation;
using Conntrack.Settings;

namespace Conntrack.KernelParity.Tests.Engine;

/// <summary>Replays a prepared capture through the engine with B's settings and reads its table as late as B's was read.</summary>
internal static class EngineReplay
{
    /// <summary>Replays <paramref name="capture"/> with <paramref name="settings"/> (B's, read back from its namespace).</summary>
    public static EngineObservation Run(PreparedCapture capture, TimeSpan readDelay, ConntrackSettings settings) =>
        Run(capture, readDelay, settings, netnsInode: 0, out _);

    /// <summary>
    /// As <see cref="Run(PreparedCapture, TimeSpan, ConntrackSettings)"/>, naming B's namespace in the
    /// simulated kernel log (<paramref name="netnsInode"/>), and handing back the whole replay result.
    /// </summary>
    public static EngineObservation Run(PreparedCapture capture, TimeSpan readDelay, ConntrackSettings settings, long netnsInode, out ReplayResult result)
    {
        using var reader = CaptureReader.Open(capture.Path);
        result = ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, NetnsInode = netnsInode });

        // The kernel was read readDelay after its last packet; the engine's clock is the packets' timestamps.
        long now = capture.LastTimestamp + (readDelay.Ticks * 100);
        var lines = result.Table.Snapshot(now).Select(e => EntryFormatter.ProcLine(e, now, settings)).ToList();
        return new EngineObservation
        {
            ProcLines = lines,
            Counters = ConntrackCounters.From(result.Statistics),
            Packets = result.Packets,
        };
    }
}
