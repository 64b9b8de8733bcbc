using Conntrack.Packets;
using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// One TCP connection between <see cref="ScenarioHost.Client"/> (the original direction) and the server, keeping
/// each side's next sequence number so scenarios say only what is special about a packet. A packet sent
/// with the default sequence number advances the sender by its payload plus one for SYN and for FIN;
/// one with an explicit sequence number (a retransmission, an out-of-window probe) advances nothing.
/// By default an ACK acknowledges everything the peer has sent.
/// </summary>
internal sealed class TcpConversation
{
    public const ushort DefaultWindow = 64240;

    private readonly ScenarioHost _client;
    private readonly ScenarioHost _server;
    private readonly ushort _clientPort;
    private readonly ushort _serverPort;

    public TcpConversation(bool ipv6 = false, ushort clientPort = 40000, ushort serverPort = 80, uint clientIsn = 1_000_000, uint serverIsn = 5_000_000)
    {
        _client = ipv6 ? ScenarioHost.Client6 : ScenarioHost.Client;
        _server = ipv6 ? ScenarioHost.Server6 : ScenarioHost.Server;
        _clientPort = clientPort;
        _serverPort = serverPort;
        ClientNext = clientIsn;
        ServerNext = serverIsn;
    }

    /// <summary>The client's next sequence number (what the server acknowledges).</summary>
    public uint ClientNext { get; set; }

    /// <summary>The server's next sequence number.</summary>
    public uint ServerNext { get; set; }

    public byte[] Client(TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort window = DefaultWindow, byte[]? options = null) =>
        Send(fromClient: true, flags, payload, seq, ack, window, options);

    public byte[] Server(TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort window = DefaultWindow, byte[]? options = null) =>
        Send(fromClient: false, flags, payload, seq, ack, window, options);

    /// <summary>A packet from the client (<paramref name="fromClient"/>) or the server.</summary>
    public byte[] Send(bool fromClient, TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort window = DefaultWindow, byte[]? options = null)
    {
        uint next = fromClient ? ClientNext : ServerNext;
        uint peerNext = fromClient ? ServerNext : ClientNext;
        uint sequence = seq ?? next;
        uint acknowledgment = ack ?? ((flags & TcpFlags.Ack) != 0 ? peerNext : 0);
        if (seq is null)
        {
            uint advance = (uint)payload + ((flags & TcpFlags.Syn) != 0 ? 1u : 0) + ((flags & TcpFlags.Fin) != 0 ? 1u : 0);
            if (fromClient)
                ClientNext += advance;
            else
                ServerNext += advance;
        }
        return fromClient
            ? ScenarioPackets.Tcp(_client, _server, _clientPort, _serverPort, flags, sequence, acknowledgment, window, payload, options)
            : ScenarioPackets.Tcp(_server, _client, _serverPort, _clientPort, flags, sequence, acknowledgment, window, payload, options);
    }

    // The sequences below are built eagerly, statement by statement: each packet's numbers depend on
    // the ones before, and a lazy iterator spread into a collection expression would interleave badly.

    /// <summary>SYN, SYN/ACK, ACK.</summary>
    public byte[][] Handshake()
    {
        byte[] syn = Client(TcpFlags.Syn);
        byte[] synAck = Server(TcpFlags.Syn | TcpFlags.Ack);
        byte[] ack = Client(TcpFlags.Ack);
        return [syn, synAck, ack];
    }

    /// <summary>Handshake, then <paramref name="bytes"/> of data each way with their ACKs.</summary>
    public byte[][] Established(int bytes = 100)
    {
        var packets = new List<byte[]>(Handshake());
        packets.Add(Client(TcpFlags.Psh | TcpFlags.Ack, bytes));
        packets.Add(Server(TcpFlags.Ack));
        packets.Add(Server(TcpFlags.Psh | TcpFlags.Ack, bytes));
        packets.Add(Client(TcpFlags.Ack));
        return [.. packets];
    }

    /// <summary>Client FIN, server ACK, server FIN, client ACK: from ESTABLISHED to TIME_WAIT.</summary>
    public byte[][] Close()
    {
        byte[] fin = Client(TcpFlags.Fin | TcpFlags.Ack);
        byte[] finAck = Server(TcpFlags.Ack);
        byte[] serverFin = Server(TcpFlags.Fin | TcpFlags.Ack);
        byte[] lastAck = Client(TcpFlags.Ack);
        return [fin, finAck, serverFin, lastAck];
    }

    /// <summary>Options: MSS 1460, then window scale <paramref name="windowScale"/> and SACK-permitted where asked.</summary>
    public static byte[] SynOptions(byte? windowScale = null, bool sackPermitted = false)
    {
        Span<byte> o = stackalloc byte[40];
        int n = TcpOptions.Mss(o, 1460);
        if (sackPermitted)
            n += TcpOptions.SackPermitted(o[n..]);
        if (windowScale is { } shift)
        {
            n += TcpOptions.Nop(o[n..]);
            n += TcpOptions.WindowScale(o[n..], shift);
        }
        return o[..n].ToArray();
    }

    /// <summary>A SACK option (after two NOPs) with one block.</summary>
    public static byte[] SackOption(uint left, uint right)
    {
        Span<byte> o = stackalloc byte[40];
        int n = TcpOptions.Nop(o);
        n += TcpOptions.Nop(o[n..]);
        n += TcpOptions.Sack(o[n..], [(left, right)]);
        return o[..n].ToArray();
    }
}
