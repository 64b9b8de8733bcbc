using Conntrack.Capture;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// Merges the flows of several sources into one time-ordered Ethernet pcap, holding only the
/// flows that are in progress: memory grows with concurrency, not with the length of the run.
/// </summary>
public static class TrafficMixer
{
    private const ushort EtherTypeIpv4 = 0x0800;

    /// <summary>Writes the merged traffic; returns the number of packets written.</summary>
    public static long Write(Stream output, IReadOnlyList<FlowSource> sources, int seed, long start, long duration)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sources);
        long end = start + duration;
        var queue = new PriorityQueue<IEnumerator<PacketSpec>, (long Time, long Order)>();
        var arrivals = new PriorityQueue<IEnumerator<ScheduledFlow>, (long Time, long Order)>();
        long order = 0;
        for (int i = 0; i < sources.Count; i++)
        {
            var random = new Random(unchecked((seed * 7919) + i));
            var flows = sources[i].Flows(random, start, end).GetEnumerator();
            PushArrival(arrivals, flows, ref order);
        }

        var writer = new PcapWriter(output, LinkType.Ethernet, nanosecondResolution: true);
        Span<byte> ip = stackalloc byte[1600];
        Span<byte> frame = stackalloc byte[1700];
        long written = 0;
        while (true)
        {
            bool haveFlow = queue.TryPeek(out _, out var flowKey);
            bool haveArrival = arrivals.TryPeek(out _, out var arrivalKey);
            if (!haveFlow && !haveArrival)
                break;
            if (haveArrival && (!haveFlow || arrivalKey.Time <= flowKey.Time))
            {
                var source = arrivals.Dequeue();
                var flow = source.Current.Packets.GetEnumerator();
                if (flow.MoveNext())
                    queue.Enqueue(flow, (flow.Current.Time, order++));
                else
                    flow.Dispose();
                PushArrival(arrivals, source, ref order);
                continue;
            }
            var next = queue.Dequeue();
            var spec = next.Current;
            if (spec.Time < end)
            {
                int length = spec.Build(ip);
                int frameLength = PacketBuilder.Ethernet(frame, EtherTypeIpv4, ip[..length]);
                writer.Write(spec.Time, frame[..frameLength]);
                written++;
            }
            if (spec.Time < end && next.MoveNext())
                queue.Enqueue(next, (next.Current.Time, order++));
            else
                next.Dispose();
        }
        output.Flush();
        return written;
    }

    private static void PushArrival(PriorityQueue<IEnumerator<ScheduledFlow>, (long, long)> arrivals,
        IEnumerator<ScheduledFlow> flows, ref long order)
    {
        if (flows.MoveNext())
            arrivals.Enqueue(flows, (flows.Current.Start, order++));
        else
            flows.Dispose();
    }
}
