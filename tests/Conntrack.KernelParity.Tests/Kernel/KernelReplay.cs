using System.Diagnostics;
using System.Globalization;
using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.Preparation;

namespace Conntrack.KernelParity.Tests.Kernel;

/// <summary>Sends a prepared capture from A into B with tcpreplay and reads B's table and counters.</summary>
internal static class KernelReplay
{
    /// <summary>
    /// Replays <paramref name="capture"/>. <paramref name="afterSend"/> runs once tcpreplay has sent the
    /// last frame and before B is read (the table-full rows wait there for B to have processed every
    /// frame and put nf_conntrack_max back); its time counts into the read delay like any other.
    /// </summary>
    public static KernelObservation Run(ParityTopology topology, PreparedCapture capture, Action? afterSend = null)
    {
        var (receivedBefore, droppedBefore) = topology.RouterReceiveCounters();
        // A topology may serve several rows, and a namespace's counters never reset: the row's are the increase.
        var countersBefore = ConntrackCounters.ParseConntrackStats(topology.InRouter("conntrack", "-S").Stdout);
        var clock = Stopwatch.StartNew();
        if (capture.Packets > 0)
        {
            var args = new List<string> { "-q", "--intf1=a0" };
            // Uniform spacing is sent at the matching rate; otherwise tcpreplay follows the pcap's own
            // timestamps (its default, multiplier 1), which hold the scenario's real gaps.
            if (capture.Timing.IsUniform)
                args.Add(string.Create(CultureInfo.InvariantCulture, $"--pps={capture.Timing.PacketsPerSecond}"));
            args.Add(capture.Path);
            var replay = topology.InSender("tcpreplay", [.. args]);
            if (!replay.Ok)
                throw new InvalidOperationException($"tcpreplay failed: {replay}");
        }
        var replayDuration = clock.Elapsed;
        afterSend?.Invoke();

        // Read the table first and at once: every millisecond here ages the kernel's timeouts.
        // `ip netns exec` needs a few ms before cat runs; the midpoint of the call is when it read.
        var readStarted = clock.Elapsed;
        string proc = topology.InRouter("cat", "/proc/net/nf_conntrack").Stdout;
        var readDelay = ((readStarted + clock.Elapsed) / 2) - replayDuration;
        string stats = topology.InRouter("conntrack", "-S").Stdout;
        var (receivedAfter, droppedAfter) = topology.RouterReceiveCounters();

        return new KernelObservation
        {
            ProcText = proc,
            StatsText = stats,
            Counters = ConntrackCounters.ParseConntrackStats(stats).Since(countersBefore),
            ReadDelay = readDelay,
            ReplayDuration = replayDuration,
            Received = receivedAfter - receivedBefore,
            ReceiveDropped = droppedAfter - droppedBefore,
        };
    }
}
