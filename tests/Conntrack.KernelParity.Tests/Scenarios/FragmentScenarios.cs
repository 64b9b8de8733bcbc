using Conntrack.TestData;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// IPv4 and IPv6 fragments. The kernel reassembles them (nf_defrag at priority -400) before conntrack
/// sees anything; a datagram that never completes is held there and never reaches conntrack.
/// </summary>
internal static class FragmentScenarios
{
    public static IEnumerable<Scenario> All()
    {
        foreach (bool ipv6 in new[] { false, true })
        {
            string v = ipv6 ? "frag6" : "frag4";
            var c = ipv6 ? ScenarioHost.Client6 : ScenarioHost.Client;
            var s = ipv6 ? ScenarioHost.Server6 : ScenarioHost.Server;
            byte[] query = ScenarioPackets.Udp(c, s, 40010, 53, payload: 1200);
            var fragments = ScenarioPackets.Fragment(query, 400, identification: 0x1234);
            byte[] reply = ScenarioPackets.Udp(s, c, 53, 40010);

            yield return new ScenarioBuilder($"{v}/udp-fragmented-query", "a UDP query in three fragments, then an unfragmented reply")
                .Add(fragments).Add(reply)
                .Build();
            yield return new ScenarioBuilder($"{v}/udp-fragments-reversed", "the same fragments last first")
                .Add(Enumerable.Reverse(fragments)).Add(reply)
                .Build();
            yield return new ScenarioBuilder($"{v}/lone-first-fragment", "only the first fragment: never reassembled, never tracked")
                .Add(fragments[0])
                .Build();
            yield return new ScenarioBuilder($"{v}/lone-later-fragment", "only a later fragment: never reassembled, never tracked")
                .Add(fragments[1])
                .Build();

            var conversation = ScenarioConversation.New(ipv6, clientPort: 40011);
            byte[] syn = conversation.Client(TcpFlags.Syn, options: TcpConn.SynOptions(7, sackPermitted: true));
            var synFragments = ScenarioPackets.Fragment(syn, 8, identification: 0x4321);
            var rest = new List<byte[]> { conversation.Server(TcpFlags.Syn | TcpFlags.Ack), conversation.Client(TcpFlags.Ack) };
            byte[] data = conversation.Client(TcpFlags.Psh | TcpFlags.Ack, 1500);
            yield return new ScenarioBuilder($"{v}/tcp-fragmented-syn", "a SYN split into 8-byte fragments (TCP header across fragments), then the handshake")
                .Add(synFragments).Add(rest)
                .Build();
            yield return new ScenarioBuilder($"{v}/tcp-fragmented-data", "handshake, then a data segment in fragments and its ACK")
                .Add(syn).Add(rest).Add(ScenarioPackets.Fragment(data, 512, identification: 0x5555)).Add(conversation.Server(TcpFlags.Ack))
                .Build();
        }
    }
}
