using System.Buffers.Binary;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// The four packets of an SCTP association's setup (RFC 9260 §5.1) between a client and a server port:
/// INIT (verification tag 0), INIT_ACK with a state cookie, COOKIE_ECHO and COOKIE_ACK, which the kernel
/// takes through COOKIE_WAIT and COOKIE_ECHOED to ESTABLISHED and ASSURED.
/// </summary>
internal sealed class SctpHandshake(ushort clientPort, ushort serverPort, uint clientTag = 0x11111111, uint serverTag = 0x22222222)
{
    private static readonly byte[] Cookie = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>INIT with the client's initiate tag; INIT travels with verification tag 0.</summary>
    public byte[] Init(ScenarioHost from, ScenarioHost to) =>
        ScenarioPackets.Sctp(from, to, clientPort, serverPort, 0, Chunk(1, InitBody(clientTag, 1000)));

    /// <summary>INIT_ACK with the server's initiate tag and a state cookie, sent with the client's tag.</summary>
    public byte[] InitAck(ScenarioHost from, ScenarioHost to)
    {
        byte[] body = InitBody(serverTag, 5000);
        byte[] cookieParameter = new byte[4 + Cookie.Length];
        BinaryPrimitives.WriteUInt16BigEndian(cookieParameter, 7);
        BinaryPrimitives.WriteUInt16BigEndian(cookieParameter.AsSpan(2), (ushort)cookieParameter.Length);
        Cookie.CopyTo(cookieParameter, 4);
        return ScenarioPackets.Sctp(from, to, serverPort, clientPort, clientTag, Chunk(2, [.. body, .. cookieParameter]));
    }

    /// <summary>COOKIE_ECHO from the client, with the server's tag.</summary>
    public byte[] CookieEcho(ScenarioHost from, ScenarioHost to) =>
        ScenarioPackets.Sctp(from, to, clientPort, serverPort, serverTag, Chunk(10, Cookie));

    /// <summary>COOKIE_ACK from the server, with the client's tag.</summary>
    public byte[] CookieAck(ScenarioHost from, ScenarioHost to) =>
        ScenarioPackets.Sctp(from, to, serverPort, clientPort, clientTag, Chunk(11, []));

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
