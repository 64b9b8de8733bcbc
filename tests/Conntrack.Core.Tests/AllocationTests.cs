using Conntrack.TestData;
using Conntrack.Packets;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Core.Tests;

/// <summary>The packet path allocates nothing once the table's arrays have grown.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Established_flows_process_a_million_packets_without_allocating()
    {
        const int flows = 1000;
        var table = new ConntrackTable(new ConntrackSettings(), sink: null, seed: 3);
        var packets = new byte[flows * 2][];
        long now = 1_000_000_000_000;
        for (int i = 0; i < flows; i++)
        {
            var c = new TcpConn("10.1." + (i / 250) + "." + (1 + (i % 250)), (ushort)(30000 + i), "10.2.0.1", 443);
            Assert.Equal(CtInfo.New, table.Process(c.Syn(), now += 1000).State);
            Assert.Equal(CtInfo.EstablishedReply, table.Process(c.SynAck(), now += 1000).State);
            Assert.Equal(CtInfo.Established, table.Process(c.HandshakeAck(), now += 1000).State);
            packets[2 * i] = c.C(TcpFlags.Ack, 1001, 5001, window: 501);
            packets[(2 * i) + 1] = c.S(TcpFlags.Ack, 5001, 1001, window: 502);
        }

        // Warm-up: every path the measured loop takes, enough times for tiered compilation.
        for (int round = 0; round < 100; round++)
        {
            foreach (var p in packets)
                table.Process(p, now += 10_000);
        }

        var statsBefore = table.Statistics;
        int invalid = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < 1_000_000; n++)
        {
            var verdict = table.Process(packets[n % packets.Length], now += 10_000);
            if (verdict.State is not (CtInfo.Established or CtInfo.EstablishedReply))
                invalid++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, invalid);
        Assert.Equal(flows, table.Count);
        Assert.Equal(statsBefore, table.Statistics);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 1,000,000 packets");
    }
}
