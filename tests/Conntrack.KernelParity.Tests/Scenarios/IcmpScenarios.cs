using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>ICMP and ICMPv6: queries, lone replies, non-invertible types, errors quoting tracked and untracked flows (reference §5.2–5.3).</summary>
internal static class IcmpScenarios
{
    private const ushort EchoId = 4660;

    public static IEnumerable<Scenario> All()
    {
        var c = ScenarioHost.Client;
        var s = ScenarioHost.Server;
        yield return new ScenarioBuilder("icmp/echo-request-reply", "echo request and reply: replied, 30 s, never assured")
            .Add(ScenarioPackets.Icmp(c, s, 8, 0, EchoId, 1)).Add(ScenarioPackets.Icmp(s, c, 0, 0, EchoId, 1))
            .Add(ScenarioPackets.Icmp(c, s, 8, 0, EchoId, 2)).Add(ScenarioPackets.Icmp(s, c, 0, 0, EchoId, 2))
            .Build();
        yield return new ScenarioBuilder("icmp/echo-request-only", "echo requests without reply: UNREPLIED")
            .Add(ScenarioPackets.Icmp(c, s, 8, 0, EchoId, 1)).Add(ScenarioPackets.Icmp(c, s, 8, 0, EchoId, 2))
            .Build();
        yield return new ScenarioBuilder("icmp/lone-echo-reply", "echo reply with no request: allocated, refused, invalid +1")
            .Add(ScenarioPackets.Icmp(s, c, 0, 0, EchoId, 1))
            .Build();
        yield return new ScenarioBuilder("icmp/type-9", "router advertisement (type 9) is not invertible: invalid, nothing allocated")
            .Add(ScenarioPackets.Icmp(s, c, 9, 0, 0, 0, new byte[8]))
            .Build();
        yield return new ScenarioBuilder("icmp/timestamp", "timestamp request and reply (13/14)")
            .Add(ScenarioPackets.Icmp(c, s, 13, 0, EchoId, 1, new byte[12])).Add(ScenarioPackets.Icmp(s, c, 14, 0, EchoId, 1, new byte[12]))
            .Build();

        byte[] query = ScenarioPackets.Udp(c, s, 40002, 53);
        yield return new ScenarioBuilder("icmp/port-unreachable-tracked", "port unreachable quoting a tracked UDP flow: RELATED, no counter, no refresh")
            .Add(query).Add(ScenarioPackets.IcmpError(s, c, 3, 3, query))
            .Build();
        yield return new ScenarioBuilder("icmp/port-unreachable-untracked", "port unreachable quoting a flow nobody saw: error +1")
            .Add(ScenarioPackets.IcmpError(s, c, 3, 3, ScenarioPackets.Udp(c, s, 40003, 53)))
            .Build();
        byte[] syn = ScenarioPackets.Tcp(c, s, 40004, 80, TcpFlags.Syn, 1000, 0, 64240);
        yield return new ScenarioBuilder("icmp/time-exceeded-from-router", "a router's time-exceeded about a tracked SYN: RELATED")
            .Add(syn).Add(ScenarioPackets.IcmpError(ScenarioHost.Router, c, 11, 0, syn))
            .Build();
        yield return new ScenarioBuilder("icmp/error-wrong-destination", "port unreachable about a tracked flow but sent to the wrong host: error +1")
            .Add(query).Add(ScenarioPackets.IcmpError(s, ScenarioHost.Router, 3, 3, query))
            .Build();

        var c6 = ScenarioHost.Client6;
        var s6 = ScenarioHost.Server6;
        yield return new ScenarioBuilder("icmpv6/echo-request-reply", "ICMPv6 echo request and reply")
            .Add(ScenarioPackets.Icmp(c6, s6, 128, 0, EchoId, 1)).Add(ScenarioPackets.Icmp(s6, c6, 129, 0, EchoId, 1))
            .Build();
        yield return new ScenarioBuilder("icmpv6/lone-echo-reply", "ICMPv6 echo reply with no request: invalid")
            .Add(ScenarioPackets.Icmp(s6, c6, 129, 0, EchoId, 1))
            .Build();
        yield return new ScenarioBuilder("icmpv6/neighbour-solicitation", "neighbour solicitation (135): UNTRACKED, no entry, no counter")
            .Add(ScenarioPackets.Icmp(c6, s6, 135, 0, 0, 0, s6.Bytes, hopLimit: 255))
            .Build();
        byte[] query6 = ScenarioPackets.Udp(c6, s6, 40005, 53);
        yield return new ScenarioBuilder("icmpv6/port-unreachable-tracked", "ICMPv6 port unreachable quoting a tracked UDP flow: RELATED")
            .Add(query6).Add(ScenarioPackets.IcmpError(s6, c6, 1, 4, query6))
            .Build();
        yield return new ScenarioBuilder("icmpv6/port-unreachable-untracked", "ICMPv6 port unreachable quoting an unknown flow: error +1")
            .Add(ScenarioPackets.IcmpError(s6, c6, 1, 4, ScenarioPackets.Udp(c6, s6, 40006, 53)))
            .Build();
        yield return new ScenarioBuilder("icmpv6/packet-too-big-tracked", "packet too big from a router about a tracked flow: RELATED")
            .Add(query6).Add(ScenarioPackets.IcmpError(ScenarioHost.Router6, c6, 2, 0, query6))
            .Build();
    }
}
