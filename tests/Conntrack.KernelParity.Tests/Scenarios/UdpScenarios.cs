using System.Buffers.Binary;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>UDP: unreplied, replied, and the 2-second stream rule for ASSURED (reference §5.1).</summary>
internal static class UdpScenarios
{
    private const ushort ClientPort = 40001;
    private const ushort ServerPort = 53;

    public static IEnumerable<Scenario> All()
    {
        var c = ScenarioHost.Client;
        var s = ScenarioHost.Server;
        yield return new ScenarioBuilder("udp/one-way", "three datagrams, no reply: UNREPLIED, 30 s")
            .Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort))
            .Build();
        yield return new ScenarioBuilder("udp/query-reply", "query and reply within 2 s: replied, not assured, 30 s")
            .Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(s, c, ServerPort, ClientPort))
            .Build();
        yield return new ScenarioBuilder("udp/three-quick", "query, reply, another query 2 ms later: still not assured")
            .Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(s, c, ServerPort, ClientPort)).Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort))
            .Build();
        yield return new ScenarioBuilder("udp/stream-after-2s", "query, reply, then a packet 2.5 s after the first: ASSURED, 120 s")
            .Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(s, c, ServerPort, ClientPort))
            .Wait(TimeSpan.FromSeconds(2.5)).Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort))
            .Build();
        yield return new ScenarioBuilder("udp/reply-after-2s", "query, then the first reply 2.5 s later: replied but the reply itself does not assure")
            .Add(ScenarioPackets.Udp(c, s, ClientPort, ServerPort))
            .Wait(TimeSpan.FromSeconds(2.5)).Add(ScenarioPackets.Udp(s, c, ServerPort, ClientPort))
            .Build();
        yield return new ScenarioBuilder("udp6/query-reply", "IPv6 query and reply")
            .Add(ScenarioPackets.Udp(ScenarioHost.Client6, ScenarioHost.Server6, ClientPort, ServerPort)).Add(ScenarioPackets.Udp(ScenarioHost.Server6, ScenarioHost.Client6, ServerPort, ClientPort))
            .Build();
        yield return new ScenarioBuilder("udp/many-flows", "ten one-way flows from different ports")
            .Add(Enumerable.Range(0, 10).Select(i => ScenarioPackets.Udp(c, s, (ushort)(50000 + i), ServerPort)))
            .Build();

        byte[] overlong = ScenarioPackets.Udp(c, s, ClientPort, ServerPort, payload: 16);
        BinaryPrimitives.WriteUInt16BigEndian(overlong.AsSpan(20 + 4), 200); // UDP length beyond the packet
        yield return new ScenarioBuilder("udp/length-beyond-packet", "UDP length field larger than the datagram: invalid")
            .Add(overlong)
            .Build();
    }
}
