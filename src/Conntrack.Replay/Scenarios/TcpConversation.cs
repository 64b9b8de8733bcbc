using Conntrack.Packets;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// Keeps both sides' sequence numbers of one generated TCP connection so every segment is
/// in window for a tracker that checks (the kernel's default <c>tcp_be_liberal=0</c>).
/// </summary>
public sealed class TcpConversation
{
    private readonly uint _client;
    private readonly uint _server;
    private readonly ushort _clientPort;
    private readonly ushort _serverPort;
    private uint _clientSeq;
    private uint _serverSeq;

    public TcpConversation(uint client, ushort clientPort, uint server, ushort serverPort, uint clientIsn, uint serverIsn)
    {
        _client = client;
        _clientPort = clientPort;
        _server = server;
        _serverPort = serverPort;
        _clientSeq = clientIsn;
        _serverSeq = serverIsn;
    }

    public PacketSpec Syn(long t) => Client(t, TcpFlags.Syn, 0, ack: 0, advance: 1);

    public PacketSpec SynAck(long t) => Server(t, TcpFlags.Syn | TcpFlags.Ack, 0, advance: 1);

    public PacketSpec ClientAck(long t) => Client(t, TcpFlags.Ack, 0);

    public PacketSpec ServerAck(long t) => Server(t, TcpFlags.Ack, 0);

    public PacketSpec ClientData(long t, ushort length) => Client(t, TcpFlags.Ack | TcpFlags.Psh, length, advance: length);

    public PacketSpec ServerData(long t, ushort length) => Server(t, TcpFlags.Ack | TcpFlags.Psh, length, advance: length);

    public PacketSpec ClientFin(long t) => Client(t, TcpFlags.Fin | TcpFlags.Ack, 0, advance: 1);

    public PacketSpec ServerFin(long t) => Server(t, TcpFlags.Fin | TcpFlags.Ack, 0, advance: 1);

    public PacketSpec ClientReset(long t) => Client(t, TcpFlags.Rst, 0);

    public PacketSpec ServerReset(long t) => Server(t, TcpFlags.Rst | TcpFlags.Ack, 0);

    private PacketSpec Client(long t, TcpFlags flags, ushort length, uint? ack = null, uint advance = 0)
    {
        var spec = PacketSpec.Tcp(t, _client, _server, _clientPort, _serverPort, flags, _clientSeq, ack ?? _serverSeq, 64240, length);
        _clientSeq += advance;
        return spec;
    }

    private PacketSpec Server(long t, TcpFlags flags, ushort length, uint advance = 0)
    {
        var spec = PacketSpec.Tcp(t, _server, _client, _serverPort, _clientPort, flags, _serverSeq, _clientSeq, 65160, length);
        _serverSeq += advance;
        return spec;
    }
}
