using Conntrack.Packets;

namespace Conntrack.Capture;

/// <summary>
/// One TCP connection between a client (the original direction) and a server, keeping each side's next
/// sequence number so every segment is in window for a tracker that checks (the kernel's default
/// <c>tcp_be_liberal=0</c>). A segment sent with the tracked sequence number advances its sender by the
/// payload plus one for SYN and one for FIN; one sent with an explicit number (a retransmission, an
/// out-of-window probe) advances nothing. An ACK acknowledges everything the peer has sent unless told
/// otherwise; a segment without ACK carries acknowledgment number 0.
/// </summary>
public sealed class TcpConversation
{
    /// <summary>The window Linux advertises in a client's SYN (MSS 1460 × 44).</summary>
    public const ushort DefaultClientWindow = 64240;

    /// <summary>The window Linux advertises in a server's SYN/ACK.</summary>
    public const ushort DefaultServerWindow = 65160;

    private readonly uint _client4;
    private readonly uint _server4;
    private readonly byte[]? _client6;
    private readonly byte[]? _server6;
    private readonly ushort _clientPort;
    private readonly ushort _serverPort;

    /// <summary>An IPv4 conversation.</summary>
    /// <param name="client">Client address, host order.</param>
    /// <param name="clientPort">Client port.</param>
    /// <param name="server">Server address, host order.</param>
    /// <param name="serverPort">Server port.</param>
    /// <param name="clientIsn">The client's initial sequence number.</param>
    /// <param name="serverIsn">The server's initial sequence number.</param>
    public TcpConversation(uint client, ushort clientPort, uint server, ushort serverPort, uint clientIsn, uint serverIsn)
        : this(clientPort, serverPort, clientIsn, serverIsn)
    {
        _client4 = client;
        _server4 = server;
    }

    /// <summary>An IPv6 conversation.</summary>
    /// <param name="client">16-byte client address.</param>
    /// <param name="clientPort">Client port.</param>
    /// <param name="server">16-byte server address.</param>
    /// <param name="serverPort">Server port.</param>
    /// <param name="clientIsn">The client's initial sequence number.</param>
    /// <param name="serverIsn">The server's initial sequence number.</param>
    public TcpConversation(ReadOnlySpan<byte> client, ushort clientPort, ReadOnlySpan<byte> server, ushort serverPort, uint clientIsn, uint serverIsn)
        : this(clientPort, serverPort, clientIsn, serverIsn)
    {
        if (client.Length != 16 || server.Length != 16)
        {
            throw new ArgumentException("IPv6 addresses are 16 bytes", nameof(client));
        }

        _client6 = client.ToArray();
        _server6 = server.ToArray();
    }

    private TcpConversation(ushort clientPort, ushort serverPort, uint clientIsn, uint serverIsn)
    {
        _clientPort = clientPort;
        _serverPort = serverPort;
        ClientNext = clientIsn;
        ServerNext = serverIsn;
    }

    /// <summary>Whether the conversation is carried over IPv6.</summary>
    public bool IsIpv6 => _client6 is not null;

    /// <summary>The client's next sequence number (what the server acknowledges).</summary>
    public uint ClientNext { get; set; }

    /// <summary>The server's next sequence number (what the client acknowledges).</summary>
    public uint ServerNext { get; set; }

    /// <summary>The window the client advertises unless a segment says otherwise.</summary>
    public ushort ClientWindow { get; init; } = DefaultClientWindow;

    /// <summary>The window the server advertises unless a segment says otherwise.</summary>
    public ushort ServerWindow { get; init; } = DefaultServerWindow;

    /// <summary>
    /// The sequence and acknowledgment numbers of the next segment from the client (<paramref name="fromClient"/>)
    /// or the server, advancing the sender as the class describes; builds nothing.
    /// </summary>
    /// <param name="fromClient">Sent by the client (else by the server).</param>
    /// <param name="flags">TCP flags.</param>
    /// <param name="payloadLength">Bytes of data carried.</param>
    /// <param name="seq">An explicit sequence number (the sender does not advance); null for the tracked one.</param>
    /// <param name="ack">An explicit acknowledgment number; null for the peer's next (0 without ACK).</param>
    public (uint Seq, uint Ack) Next(bool fromClient, TcpFlags flags, int payloadLength = 0, uint? seq = null, uint? ack = null)
    {
        uint peerNext = fromClient ? ServerNext : ClientNext;
        uint acknowledgment = ack ?? ((flags & TcpFlags.Ack) != 0 ? peerNext : 0);
        if (seq is { } explicitSeq)
        {
            return (explicitSeq, acknowledgment);
        }

        uint sequence = fromClient ? ClientNext : ServerNext;
        uint advance = (uint)payloadLength + ((flags & TcpFlags.Syn) != 0 ? 1u : 0) + ((flags & TcpFlags.Fin) != 0 ? 1u : 0);
        if (fromClient)
        {
            ClientNext += advance;
        }
        else
        {
            ServerNext += advance;
        }

        return (sequence, acknowledgment);
    }

    /// <summary>Writes the next segment as an IP packet with valid checksums; returns its length.</summary>
    /// <param name="destination">Where the packet goes.</param>
    /// <param name="fromClient">Sent by the client (else by the server).</param>
    /// <param name="flags">TCP flags.</param>
    /// <param name="payload">Segment data.</param>
    /// <param name="seq">An explicit sequence number (the sender does not advance); null for the tracked one.</param>
    /// <param name="ack">An explicit acknowledgment number; null for the peer's next (0 without ACK).</param>
    /// <param name="window">An explicit window; null for the sender's default.</param>
    /// <param name="options">TCP options (see <see cref="TcpOptions"/>).</param>
    public int Write(
        Span<byte> destination,
        bool fromClient,
        TcpFlags flags,
        ReadOnlySpan<byte> payload = default,
        uint? seq = null,
        uint? ack = null,
        ushort? window = null,
        ReadOnlySpan<byte> options = default)
    {
        var (sequence, acknowledgment) = Next(fromClient, flags, payload.Length, seq, ack);
        ushort w = window ?? (fromClient ? ClientWindow : ServerWindow);
        var (sport, dport) = fromClient ? (_clientPort, _serverPort) : (_serverPort, _clientPort);
        if (_client6 is null)
        {
            var (src, dst) = fromClient ? (_client4, _server4) : (_server4, _client4);
            return PacketBuilder.Tcp4(destination, src, dst, sport, dport, flags, sequence, acknowledgment, w, payload, options);
        }

        var (src6, dst6) = fromClient ? (_client6, _server6!) : (_server6!, _client6);
        return PacketBuilder.Tcp6(destination, src6, dst6, sport, dport, flags, sequence, acknowledgment, w, payload, options);
    }
}
