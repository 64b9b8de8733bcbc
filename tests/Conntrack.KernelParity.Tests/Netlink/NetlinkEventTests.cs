using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.Table;

namespace Conntrack.KernelParity.Tests.Netlink;

/// <summary>ctnetlink events from real traffic, overruns with a tiny buffer, and a mirror made right by resync.</summary>
[Collection(KernelParityCollection.Name)]
public sealed class NetlinkEventTests(NetlinkTestbed bed, ITestOutputHelper output) : IClassFixture<NetlinkTestbed>
{
    private static List<(ConntrackEventType Type, KernelEntry Entry)> Drain(ConntrackEventReader reader, int timeoutMs = 300)
    {
        var events = new List<(ConntrackEventType, KernelEntry)>();
        while (reader.Read((ConntrackEventType type, in KernelEntry e) => events.Add((type, e)), timeoutMs).Events > 0)
        {
        }
        return events;
    }

    [KernelFact]
    public void Traffic_and_a_delete_arrive_as_new_and_destroy_events()
    {
        using var reader = ConntrackEventReader.Open(netns: bed.Server);
        Assert.True(reader.BufferBytes >= ConntrackEventReader.DefaultBufferBytes, $"buffer {reader.BufferBytes}");
        bed.Udp(9101, 9102);
        using var client = ConntrackClient.Open(bed.Server);
        Assert.True(client.Delete(Find(client, 9102)));
        var events = Drain(reader);
        foreach (var (type, e) in events)
            output.WriteLine($"{type} {e.Original}");
        Assert.Contains(events, x => x.Type == ConntrackEventType.New && x.Entry.Original.DstId == 9101 && x.Entry.Has(EntryAttributes.Timeout));
        var destroy = Assert.Single(events, x => x.Type == ConntrackEventType.Destroy && x.Entry.Original.DstId == 9102);
        Assert.Equal(1ul, destroy.Entry.PacketsOriginal);
        Assert.Equal(0, reader.Overruns);
    }

    private static KernelEntry Find(ConntrackClient client, ushort port)
    {
        KernelEntry found = default;
        client.Dump(new DumpRequest { Family = IpFamily.V4, Original = new TupleFilter(FlowTuple.V4(0, 0, IpProtocol.Udp, 0, port), TupleFields.Protocol | TupleFields.DestinationPort) },
            (in KernelEntry e) => found = e);
        Assert.Equal(port, found.Original.DstId);
        return found;
    }

    [KernelFact]
    public void A_flood_into_a_tiny_buffer_is_reported_as_lost_and_the_mirror_resyncs_to_the_table()
    {
        using var client = ConntrackClient.Open(bed.Server);
        using var reader = ConntrackEventReader.Open(bufferBytes: 4096, netns: bed.Server);
        var mirror = new TableMirror();
        mirror.Resync(client);
        bed.Udp([.. Enumerable.Range(20000, 2000)]);
        var first = mirror.Follow(reader, client, 300);
        output.WriteLine($"buffer {reader.BufferBytes}: {first}, {reader.Overruns} overruns, {reader.LostEvents} lost");
        Assert.True(first.Overrun);
        Assert.True(reader.LostEvents > 0);
        Assert.True(first.Events < 2000);
        Assert.Equal(2, mirror.Resyncs);

        // Events keep it right from there (resyncing again whenever the tiny queue overflows).
        foreach (ushort port in new ushort[] { 20000, 20001, 20002 })
            Assert.True(client.Delete(Find(client, port)));
        bed.Udp(30001, 30002);
        while (mirror.Follow(reader, client, 300) is { } r && (r.Events > 0 || r.Overrun))
        {
        }
        Assert.True(mirror.TryGet(Find(client, 30001).Original, out _), "the new flow is in the mirror");

        var table = new HashSet<FlowTuple>();
        client.Dump(DumpRequest.All, (in KernelEntry e) => table.Add(e.Original));
        Assert.True(table.SetEquals(mirror.Entries.Select(e => e.Original)), $"mirror {mirror.Count} entries, table {table.Count}");
        Assert.Equal(table.Count, mirror.Count);
        var cleanup = client.DeleteWhere(new DumpRequest { Family = IpFamily.V4 }, (in KernelEntry e) => e.Original.DstId is >= 20000 and < 32000);
        Assert.Equal(1999, cleanup.Deleted);
    }
}
