namespace Conntrack.Replay.Scenarios;

/// <summary>A monitor pinging one host every <c>interval</c>: one ICMP entry, refreshed to 30 s by each echo.</summary>
public sealed class PingSource(uint monitor, uint target, long interval) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        yield return new ScheduledFlow(start, Pings(start, end));
    }

    private IEnumerable<PacketSpec> Pings(long start, long end)
    {
        ushort seq = 0;
        for (long t = start; t < end; t += interval, seq++)
        {
            yield return PacketSpec.Icmp(t, monitor, target, 8, 0x4D2, seq);
            yield return PacketSpec.Icmp(t + Millisecond, target, monitor, 0, 0x4D2, seq);
        }
    }
}
