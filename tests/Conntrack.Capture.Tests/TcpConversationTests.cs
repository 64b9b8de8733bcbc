using Conntrack.Packets;
using System.Buffers.Binary;

namespace Conntrack.Capture.Tests;

public class TcpConversationTests
{
    private static (uint Seq, uint Ack, ushort Window) Numbers(ReadOnlySpan<byte> packet, int ipHeader) =>
        (BinaryPrimitives.ReadUInt32BigEndian(packet[(ipHeader + 4)..]),
         BinaryPrimitives.ReadUInt32BigEndian(packet[(ipHeader + 8)..]),
         BinaryPrimitives.ReadUInt16BigEndian(packet[(ipHeader + 14)..]));

    [Fact]
    public void Handshake_data_and_close_keep_both_sides_in_sequence()
    {
        var c = new TcpConversation(0x0A000001, 40000, 0xC0A80102, 80, 1000, 5000);
        byte[] p = new byte[200];
        var seen = new List<(uint, uint, ushort)>();
        void Send(bool fromClient, TcpFlags flags, int payload = 0)
        {
            int n = c.Write(p, fromClient, flags, new byte[payload]);
            seen.Add(Numbers(p.AsSpan(0, n), 20));
        }

        Send(true, TcpFlags.Syn);
        Send(false, TcpFlags.Syn | TcpFlags.Ack);
        Send(true, TcpFlags.Ack);
        Send(true, TcpFlags.Psh | TcpFlags.Ack, 100);
        Send(false, TcpFlags.Fin | TcpFlags.Ack);
        Send(true, TcpFlags.Ack);

        Assert.Equal(
            [(1000u, 0u, (ushort)64240), (5000u, 1001u, (ushort)65160), (1001u, 5001u, (ushort)64240),
             (1001u, 5001u, (ushort)64240), (5001u, 1101u, (ushort)65160), (1101u, 5002u, (ushort)64240)],
            seen);
    }

    [Fact]
    public void An_explicit_sequence_number_advances_nothing_and_a_segment_without_ack_acknowledges_nothing()
    {
        var c = new TcpConversation(0x0A000001, 40000, 0xC0A80102, 80, 1000, 5000);
        c.Next(fromClient: true, TcpFlags.Syn);
        c.Next(fromClient: false, TcpFlags.Syn | TcpFlags.Ack);

        Assert.Equal((7u, 5001u), c.Next(fromClient: true, TcpFlags.Ack, 50, seq: 7));
        Assert.Equal((1001u, 0u), c.Next(fromClient: true, TcpFlags.Rst));
        Assert.Equal((1001u, 99u), c.Next(fromClient: true, TcpFlags.Ack, ack: 99));
        Assert.Equal(1001u, c.ClientNext);
    }

    [Fact]
    public void Ipv6_segments_carry_the_addresses_ports_options_and_a_valid_checksum()
    {
        byte[] client = Convert.FromHexString("20010db8000000000000000000000001");
        byte[] server = Convert.FromHexString("20010db8000000000000000000000002");
        var c = new TcpConversation(client, 40000, server, 443, 1, 2) { ServerWindow = 1024 };
        Span<byte> options = stackalloc byte[4];
        TcpOptions.Mss(options, 1440);
        Span<byte> p = stackalloc byte[200];
        c.Write(p, fromClient: true, TcpFlags.Syn);
        int n = c.Write(p, fromClient: false, TcpFlags.Syn | TcpFlags.Ack, options: options);

        Assert.True(c.IsIpv6);
        Assert.Equal(server, p[8..24].ToArray());
        Assert.Equal(client, p[24..40].ToArray());
        Assert.Equal(443, BinaryPrimitives.ReadUInt16BigEndian(p[40..]));
        Assert.Equal((2u, 2u, (ushort)1024), Numbers(p[..n], 40));
        Assert.Equal(options.ToArray(), p[60..64].ToArray());
        byte[] l4 = p[40..n].ToArray();
        Assert.Equal(0xFFFF, Checksum.Sum(Checksum.PseudoHeader6(p[..n], 6, l4.Length), l4));
    }
}
