using System.Buffers.Binary;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>Protocols without ports (generic), GRE and SCTP (reference §5.4–5.6).</summary>
internal static class OtherProtocolScenarios
{
    private const ushort SctpClientPort = 40007;
    private const ushort SctpServerPort = 3868;

    public static IEnumerable<Scenario> All()
    {
        var c = ScenarioHost.Client;
        var s = ScenarioHost.Server;
        byte[] esp = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(esp, 0x1000);
        yield return new ScenarioBuilder("generic/esp-both-ways", "ESP (50) both ways: one entry per address pair, 600 s")
            .Add(ScenarioPackets.Raw(c, s, 50, esp)).Add(ScenarioPackets.Raw(s, c, 50, esp)).Add(ScenarioPackets.Raw(c, s, 50, esp))
            .Build();
        yield return new ScenarioBuilder("generic/proto-253-one-way", "experimental protocol 253, one way: unknown, UNREPLIED")
            .Add(ScenarioPackets.Raw(c, s, 253, new byte[16])).Add(ScenarioPackets.Raw(c, s, 253, new byte[16]))
            .Build();
        yield return new ScenarioBuilder("generic6/proto-253", "protocol 253 over IPv6, both ways")
            .Add(ScenarioPackets.Raw(ScenarioHost.Client6, ScenarioHost.Server6, 253, new byte[16])).Add(ScenarioPackets.Raw(ScenarioHost.Server6, ScenarioHost.Client6, 253, new byte[16]))
            .Build();

        byte[] inner = ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2);
        yield return new ScenarioBuilder("gre/one-way", "GRE version 0, one way: keys 0, 30 s")
            .Add(ScenarioPackets.Gre(c, s, inner)).Add(ScenarioPackets.Gre(c, s, inner))
            .Build();
        yield return new ScenarioBuilder("gre/both-ways", "GRE version 0 both ways: stream timeout, ASSURED")
            .Add(ScenarioPackets.Gre(c, s, inner)).Add(ScenarioPackets.Gre(s, c, inner)).Add(ScenarioPackets.Gre(c, s, inner))
            .Build();

        var sctp = new SctpHandshake(SctpClientPort, SctpServerPort);
        yield return new ScenarioBuilder("sctp/init", "SCTP INIT only")
            .Add(sctp.Init(c, s))
            .Build();
        yield return new ScenarioBuilder("sctp/init-initack", "SCTP INIT and INIT_ACK")
            .Add(sctp.Init(c, s)).Add(sctp.InitAck(s, c))
            .Build();
        yield return new ScenarioBuilder("sctp/four-way-handshake", "INIT, INIT_ACK, COOKIE_ECHO, COOKIE_ACK: ESTABLISHED, ASSURED")
            .Add(sctp.Init(c, s)).Add(sctp.InitAck(s, c)).Add(sctp.CookieEcho(c, s)).Add(sctp.CookieAck(s, c))
            .Build();
    }
}
