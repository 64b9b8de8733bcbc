using System.Net;
using Conntrack.Capture;
using Conntrack.Flows;
using Conntrack.Packets;

namespace Conntrack.TestData;

/// <summary>
/// One TCP connection for tests, over Conntrack.Capture's <see cref="TcpConversation"/> (which keeps the
/// sequence numbers), returning each segment as a fresh IPv4 or IPv6 packet. Two ways to send:
/// <see cref="Client"/>/<see cref="Server"/> take the tracked numbers unless told otherwise;
/// <see cref="C"/>/<see cref="S"/> take every number from the caller and advance nothing.
/// </summary>
public sealed class TcpConn
{
    private const int MaxPacket = 9000;

    private readonly TcpConversation _conversation;

    public TcpConn(IPAddress client, ushort clientPort, IPAddress server, ushort serverPort, uint clientIsn = 1000, uint serverIsn = 5000,
        ushort serverWindow = TcpConversation.DefaultServerWindow)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        _conversation = client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new TcpConversation(client.GetAddressBytes(), clientPort, server.GetAddressBytes(), serverPort, clientIsn, serverIsn) { ServerWindow = serverWindow }
            : new TcpConversation(HostOrder(client), clientPort, HostOrder(server), serverPort, clientIsn, serverIsn) { ServerWindow = serverWindow };
    }

    public TcpConn(string client, ushort clientPort, string server, ushort serverPort)
        : this(IPAddress.Parse(client), clientPort, IPAddress.Parse(server), serverPort)
    {
    }

    /// <summary>The data a segment of n bytes carries (by default n × 'x').</summary>
    public Func<int, byte[]> Payload { get; init; } = n => Payloads.Repeated(n, (byte)'x');

    /// <summary>The client's next sequence number (what the server acknowledges).</summary>
    public uint ClientNext
    {
        get => _conversation.ClientNext;
        set => _conversation.ClientNext = value;
    }

    /// <summary>The server's next sequence number.</summary>
    public uint ServerNext
    {
        get => _conversation.ServerNext;
        set => _conversation.ServerNext = value;
    }

    public FlowTuple Tuple => Pkt.TupleOf(C(TcpFlags.Syn));

    /// <summary>A packet from the client (<paramref name="fromClient"/>) or the server; numbers not given are the tracked ones.</summary>
    public byte[] Send(bool fromClient, TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort? window = null, byte[]? options = null)
    {
        // Super-segments (TSO/GRO-sized payloads) get a buffer of their own.
        Span<byte> buffer = payload + 128 <= MaxPacket ? stackalloc byte[MaxPacket] : new byte[payload + 128];
        int length = _conversation.Write(buffer, fromClient, flags, Payload(payload), seq, ack, window, options);
        return buffer[..length].ToArray();
    }

    public byte[] Client(TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort? window = null, byte[]? options = null) =>
        Send(fromClient: true, flags, payload, seq, ack, window, options);

    public byte[] Server(TcpFlags flags, int payload = 0, uint? seq = null, uint? ack = null, ushort? window = null, byte[]? options = null) =>
        Send(fromClient: false, flags, payload, seq, ack, window, options);

    /// <summary>From the client, with the numbers given (nothing advances).</summary>
    public byte[] C(TcpFlags flags, uint seq = 0, uint ack = 0, ushort? window = null, int payload = 0, byte[]? options = null) =>
        Send(fromClient: true, flags, payload, seq, ack, window, options);

    /// <summary>From the server, with the numbers given (nothing advances).</summary>
    public byte[] S(TcpFlags flags, uint seq = 0, uint ack = 0, ushort? window = null, int payload = 0, byte[]? options = null) =>
        Send(fromClient: false, flags, payload, seq, ack, window, options);

    // A conventional exchange with fixed numbers: client ISN 1000, server ISN 5000.
    public byte[] Syn() => C(TcpFlags.Syn, 1000);
    public byte[] SynAck() => S(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001);
    public byte[] HandshakeAck() => C(TcpFlags.Ack, 1001, 5001);

    // The sequences below are built eagerly, statement by statement: each packet's numbers depend on
    // the ones before, and a lazy iterator spread into a collection expression would interleave badly.

    /// <summary>SYN, SYN/ACK, ACK with the tracked numbers.</summary>
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

    internal static uint HostOrder(IPAddress address) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}
