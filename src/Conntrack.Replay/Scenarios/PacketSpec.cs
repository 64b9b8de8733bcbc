using Conntrack.Packets;
using Conntrack.Capture;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// One generated IPv4 packet, described rather than built, so flows can be produced lazily and
/// merged by time without holding packets in memory.
/// </summary>
public readonly record struct PacketSpec(
    long Time,
    byte Protocol,
    uint Source,
    uint Destination,
    ushort SourcePort,
    ushort DestinationPort,
    TcpFlags Flags = TcpFlags.None,
    uint Seq = 0,
    uint Ack = 0,
    ushort Window = 0,
    ushort PayloadLength = 0)
{
    private static readonly byte[] Zeros = new byte[1500];

    /// <summary>Builds the IPv4 packet into <paramref name="destination"/>; returns its length.</summary>
    public int Build(Span<byte> destination)
    {
        var payload = Zeros.AsSpan(0, Math.Min(PayloadLength, (ushort)Zeros.Length));
        return Protocol switch
        {
            6 => PacketBuilder.Tcp4(destination, Source, Destination, SourcePort, DestinationPort, Flags, Seq, Ack, Window, payload),
            17 => PacketBuilder.Udp4(destination, Source, Destination, SourcePort, DestinationPort, payload),
            // ICMP: SourcePort carries the echo id, DestinationPort type << 8 | code, Seq the sequence number.
            1 => PacketBuilder.Icmp4(destination, Source, Destination, (byte)(DestinationPort >> 8), (byte)DestinationPort, SourcePort, (ushort)Seq, payload),
            _ => PacketBuilder.Generic4(destination, Source, Destination, Protocol, payload),
        };
    }

    public static PacketSpec Tcp(long time, uint src, uint dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, ushort window = 64240, ushort payload = 0) =>
        new(time, 6, src, dst, sport, dport, flags, seq, ack, window, payload);

    public static PacketSpec Udp(long time, uint src, uint dst, ushort sport, ushort dport, ushort payload) =>
        new(time, 17, src, dst, sport, dport, PayloadLength: payload);

    public static PacketSpec Icmp(long time, uint src, uint dst, byte type, ushort id, ushort seq, ushort payload = 56) =>
        new(time, 1, src, dst, id, (ushort)(type << 8), Seq: seq, PayloadLength: payload);
}
