using System.Buffers.Binary;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>Protocols without ports (generic), GRE and SCTP (reference §5.4–5.6).</summary>
internal static class OtherProtocolScenarios
{
    private const ushort SctpClientPort = 40007;
    private const ushort SctpServerPort = 3868;
    private const uint ClientTag = 0x11111111;
    private const uint ServerTag = 0x22222222;

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

        yield return new ScenarioBuilder("sctp/init", "SCTP INIT only")
            .Add(Init(c, s))
            .Build();
        yield return new ScenarioBuilder("sctp/init-initack", "SCTP INIT and INIT_ACK")
            .Add(Init(c, s)).Add(InitAck(s, c))
            .Build();
        yield return new ScenarioBuilder("sctp/four-way-handshake", "INIT, INIT_ACK, COOKIE_ECHO, COOKIE_ACK: ESTABLISHED, ASSURED")
            .Add(Init(c, s)).Add(InitAck(s, c))
            .Add(ScenarioPackets.Sctp(c, s, SctpClientPort, SctpServerPort, ServerTag, Chunk(10, Cookie)))
            .Add(ScenarioPackets.Sctp(s, c, SctpServerPort, SctpClientPort, ClientTag, Chunk(11, [])))
            .Build();
    }

    private static readonly byte[] Cookie = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>INIT with the client's initiate tag; INIT travels with verification tag 0.</summary>
    private static byte[] Init(ScenarioHost from, ScenarioHost to) =>
        ScenarioPackets.Sctp(from, to, SctpClientPort, SctpServerPort, 0, Chunk(1, InitBody(ClientTag, 1000)));

    /// <summary>INIT_ACK with the server's initiate tag and a state cookie, sent with the client's tag.</summary>
    private static byte[] InitAck(ScenarioHost from, ScenarioHost to)
    {
        byte[] body = InitBody(ServerTag, 5000);
        byte[] cookieParameter = new byte[4 + Cookie.Length];
        BinaryPrimitives.WriteUInt16BigEndian(cookieParameter, 7);
        BinaryPrimitives.WriteUInt16BigEndian(cookieParameter.AsSpan(2), (ushort)cookieParameter.Length);
        Cookie.CopyTo(cookieParameter, 4);
        return ScenarioPackets.Sctp(from, to, SctpServerPort, SctpClientPort, ClientTag, Chunk(2, [.. body, .. cookieParameter]));
    }

    /// <summary>INIT / INIT_ACK fixed part: initiate tag, a_rwnd, outbound and inbound streams, initial TSN.</summary>
    private static byte[] InitBody(uint initiateTag, uint initialTsn)
    {
        byte[] body = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(body, initiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), 65536);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(8), 10);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(10), 10);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(12), initialTsn);
        return body;
    }

    /// <summary>A chunk: type, flags 0, length, value, padded to 4 bytes.</summary>
    private static byte[] Chunk(byte type, byte[] value)
    {
        byte[] chunk = new byte[(4 + value.Length + 3) & ~3];
        chunk[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(2), (ushort)(4 + value.Length));
        value.CopyTo(chunk, 4);
        return chunk;
    }
}
