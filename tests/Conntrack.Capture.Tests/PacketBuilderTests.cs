using Conntrack.Packets;
using System.Buffers.Binary;

namespace Conntrack.Capture.Tests;

public class PacketBuilderTests
{
    private const uint A = 0x0A000001; // 10.0.0.1
    private const uint B = 0xC0A80102; // 192.168.1.2
    private static readonly byte[] A6 = Convert.FromHexString("20010db8000000000000000000000001");
    private static readonly byte[] B6 = Convert.FromHexString("20010db8000000000000000000000002");
    private static readonly byte[] Payload = "hello, world"u8.ToArray();

    private static void AssertIpv4HeaderChecksum(ReadOnlySpan<byte> packet)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        Assert.Equal(0xFFFF, Checksum.Sum(packet[..headerLength].ToArray()));
    }

    private static void AssertTransportChecksum4(ReadOnlySpan<byte> packet, byte protocol)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        byte[] l4 = packet[headerLength..].ToArray();
        Assert.Equal(0xFFFF, Checksum.Sum(Checksum.PseudoHeader4(packet, protocol, l4.Length), l4));
    }

    private static void AssertTransportChecksum6(ReadOnlySpan<byte> packet, int l4Offset, byte nextHeader)
    {
        byte[] l4 = packet[l4Offset..].ToArray();
        Assert.Equal(0xFFFF, Checksum.Sum(Checksum.PseudoHeader6(packet, nextHeader, l4.Length), l4));
    }

    [Fact]
    public void Tcp4_fields_and_checksums()
    {
        Span<byte> options = stackalloc byte[40];
        int o = TcpOptions.Mss(options, 1460);
        o += TcpOptions.SackPermitted(options[o..]);
        o += TcpOptions.Timestamps(options[o..], 0x01020304, 0x05060708);
        o += TcpOptions.Nop(options[o..]);
        o += TcpOptions.WindowScale(options[o..], 7);
        Assert.Equal(20, o);

        byte[] buffer = new byte[200];
        int length = PacketBuilder.Tcp4(buffer, A, B, 40000, 80, TcpFlags.Syn | TcpFlags.Ack, 0x11223344, 0x55667788, 29200, Payload, options[..o], ttl: 3, id: 0xBEEF);
        Assert.Equal(20 + 40 + Payload.Length, length);
        byte[] p = buffer[..length];

        Assert.Equal(0x45, p[0]);
        Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)));
        Assert.Equal(0xBEEF, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)));
        Assert.Equal(0x4000, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(6))); // DF, offset 0
        Assert.Equal(3, p[8]);
        Assert.Equal(6, p[9]);
        Assert.Equal("0a000001c0a80102", Hex.Format(p.AsSpan(12, 8)));
        Assert.Equal("9c400050" + "11223344" + "55667788", Hex.Format(p.AsSpan(20, 12)));
        Assert.Equal(0xA0, p[32]);                                    // data offset 10 words
        Assert.Equal((byte)(TcpFlags.Syn | TcpFlags.Ack), p[33]);
        Assert.Equal(29200, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(34)));
        Assert.Equal("020405b4 0402 080a0102030405060708 01 030307".Replace(" ", "", StringComparison.Ordinal), Hex.Format(p.AsSpan(40, 20)));
        Assert.Equal(Payload, p[60..]);
        AssertIpv4HeaderChecksum(p);
        AssertTransportChecksum4(p, 6);
    }

    [Fact]
    public void Tcp4_pads_options_to_a_word_with_end_of_list()
    {
        Span<byte> options = stackalloc byte[3];
        TcpOptions.WindowScale(options, 2);
        byte[] p = new byte[100];
        int length = PacketBuilder.Tcp4(p, A, B, 1, 2, TcpFlags.Syn, 0, 0, 1024, options: options);
        Assert.Equal(44, length);
        Assert.Equal(0x60, p[32]);
        Assert.Equal("03030200", Hex.Format(p.AsSpan(40, 4)));
        AssertTransportChecksum4(p.AsSpan(0, length), 6);
    }

    [Fact]
    public void Tcp_sack_option_layout()
    {
        byte[] options = new byte[40];
        int n = TcpOptions.Sack(options, [(1000u, 2000u), (3000u, 4000u)]);
        Assert.Equal("0512 000003e8 000007d0 00000bb8 00000fa0".Replace(" ", "", StringComparison.Ordinal), Hex.Format(options.AsSpan(0, n)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TcpOptions.Sack(options, []));
    }

    [Fact]
    public void Tcp6_fields_and_checksum()
    {
        byte[] p = new byte[200];
        int length = PacketBuilder.Tcp6(p, A6, B6, 443, 50000, TcpFlags.Fin | TcpFlags.Ack, 7, 8, 100, Payload, hopLimit: 9);
        Assert.Equal(40 + 20 + Payload.Length, length);
        Assert.Equal(0x60, p[0]);
        Assert.Equal(20 + Payload.Length, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)));
        Assert.Equal(6, p[6]);
        Assert.Equal(9, p[7]);
        Assert.Equal(A6, p[8..24]);
        Assert.Equal(B6, p[24..40]);
        Assert.Equal("01bbc350", Hex.Format(p.AsSpan(40, 4)));
        AssertTransportChecksum6(p.AsSpan(0, length), 40, 6);
    }

    [Fact]
    public void Udp_checksums_and_lengths()
    {
        byte[] p = new byte[200];
        int length = PacketBuilder.Udp4(p, A, B, 5353, 53, Payload);
        Assert.Equal(28 + Payload.Length, length);
        Assert.Equal(17, p[9]);
        Assert.Equal(8 + Payload.Length, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(24)));
        AssertIpv4HeaderChecksum(p);
        AssertTransportChecksum4(p.AsSpan(0, length), 17);

        length = PacketBuilder.Udp6(p, A6, B6, 5353, 53, Payload);
        Assert.Equal(48 + Payload.Length, length);
        Assert.Equal(17, p[6]);
        AssertTransportChecksum6(p.AsSpan(0, length), 40, 17);
    }

    [Fact]
    public void Udp_checksum_of_zero_is_sent_as_ffff()
    {
        // Choose the payload so the checksum would come out as 0: make the folded sum 0xFFFF.
        byte[] p = new byte[100];
        int length = PacketBuilder.Udp4(p, A, B, 1, 2, [0, 0]);
        ushort natural = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(26));
        byte[] adjust = [(byte)(natural >> 8), (byte)natural];
        length = PacketBuilder.Udp4(p, A, B, 1, 2, adjust);
        Assert.Equal(0xFFFF, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(26)));
        AssertTransportChecksum4(p.AsSpan(0, length), 17);
    }

    [Fact]
    public void Icmp_checksums()
    {
        byte[] p = new byte[200];
        int length = PacketBuilder.Icmp4(p, A, B, 8, 0, 0x1234, 7, Payload);
        Assert.Equal(28 + Payload.Length, length);
        Assert.Equal(1, p[9]);
        Assert.Equal("0800", Hex.Format(p.AsSpan(20, 2)));
        Assert.Equal("12340007", Hex.Format(p.AsSpan(24, 4)));
        AssertIpv4HeaderChecksum(p);
        Assert.Equal(0xFFFF, Checksum.Sum(p[20..length]));      // no pseudo-header for ICMPv4

        length = PacketBuilder.Icmp6(p, A6, B6, 128, 0, 0x1234, 7, Payload);
        Assert.Equal(58, p[6]);
        Assert.Equal(128, p[40]);
        AssertTransportChecksum6(p.AsSpan(0, length), 40, 58);
    }

    [Fact]
    public void Ipv4_options_flags_and_fragment_fields()
    {
        byte[] p = new byte[100];
        int length = PacketBuilder.Ipv4(p, A, B, 132, Payload, ttl: 1, id: 0x0102, dontFragment: false, fragmentOffset8: 0x0123, moreFragments: true, options: [0x94, 0x04, 0x00]);
        Assert.Equal(24 + Payload.Length, length);
        Assert.Equal(0x46, p[0]);                                      // IHL 6: 3 option bytes padded to 4
        Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)));
        Assert.Equal(0x2123, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(6)));
        Assert.Equal("94040000", Hex.Format(p.AsSpan(20, 4)));
        Assert.Equal(Payload, p[24..length]);
        AssertIpv4HeaderChecksum(p);

        length = PacketBuilder.Generic4(p, A, B, 47, Payload);
        Assert.Equal(0x45, p[0]);
        Assert.Equal(47, p[9]);
        Assert.Equal(0x4000, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(6)));
        AssertIpv4HeaderChecksum(p);

        length = PacketBuilder.Generic6(p, A6, B6, 59, Payload);
        Assert.Equal(40 + Payload.Length, length);
        Assert.Equal(59, p[6]);
    }

    [Fact]
    public void Builder_rejects_bad_arguments()
    {
        byte[] p = new byte[30];
        Assert.Throws<ArgumentException>(() => PacketBuilder.Tcp4(p, A, B, 1, 2, TcpFlags.Syn, 0, 0, 0, Payload));
        Assert.Throws<ArgumentException>(() => PacketBuilder.Tcp6(new byte[100], A6.AsSpan(0, 4), B6, 1, 2, TcpFlags.Syn, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => PacketBuilder.Ipv4(new byte[100], A, B, 6, [], options: new byte[41]));
    }

    [Fact]
    public void Ethernet_with_vlans_and_padding()
    {
        byte[] ip = new byte[100];
        int ipLength = PacketBuilder.Udp4(ip, A, B, 1, 2);
        byte[] frame = new byte[200];

        int length = PacketBuilder.Ethernet(frame, 0x0800, ip.AsSpan(0, ipLength), 100);
        Assert.Equal("020000000002 020000000001 8100 0064 0800".Replace(" ", "", StringComparison.Ordinal), Hex.Format(frame.AsSpan(0, 18)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.Ethernet, frame.AsSpan(0, length), out var n));
        Assert.Equal(new NetworkLayer(18, ipLength, 4, 100, 1), n);

        length = PacketBuilder.Ethernet(frame, 0x0800, ip.AsSpan(0, ipLength), 200, 10);
        Assert.Equal("88a8 00c8 8100 000a 0800".Replace(" ", "", StringComparison.Ordinal), Hex.Format(frame.AsSpan(12, 10)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.Ethernet, frame.AsSpan(0, length), out n));
        Assert.Equal(new NetworkLayer(22, ipLength, 4, 200, 2), n);

        length = PacketBuilder.Ethernet(frame, 0xAABBCCDDEEFF, 0x112233445566, 0x86DD, [0x60], minimumLength: 60);
        Assert.Equal(60, length);
        Assert.Equal("aabbccddeeff11223344556686dd60", Hex.Format(frame.AsSpan(0, 15)));
        Assert.All(frame[15..60], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Cooked_and_null_frames_decode_back()
    {
        byte[] ip = new byte[100];
        int ipLength = PacketBuilder.Tcp6(ip, A6, B6, 1, 2, TcpFlags.Syn, 0, 0, 0);
        byte[] frame = new byte[200];

        int length = PacketBuilder.LinuxSll(frame, 0x86DD, ip.AsSpan(0, ipLength), packetType: 4);
        Assert.Equal("0004 0001 0006 0200000000010000 86dd".Replace(" ", "", StringComparison.Ordinal), Hex.Format(frame.AsSpan(0, 16)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.LinuxSll, frame.AsSpan(0, length), out var n));
        Assert.Equal(new NetworkLayer(16, ipLength, 6, 0, 0), n);

        length = PacketBuilder.LinuxSll2(frame, 0x86DD, ip.AsSpan(0, ipLength), interfaceIndex: 2, packetType: 4);
        Assert.Equal("86dd 0000 00000002 0001 04 06 0200000000010000".Replace(" ", "", StringComparison.Ordinal), Hex.Format(frame.AsSpan(0, 20)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.LinuxSll2, frame.AsSpan(0, length), out n));
        Assert.Equal(new NetworkLayer(20, ipLength, 6, 0, 0), n);

        length = PacketBuilder.BsdNull(frame, 30, ip.AsSpan(0, ipLength));
        Assert.Equal("1e000000", Hex.Format(frame.AsSpan(0, 4)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.Null, frame.AsSpan(0, length), out n));
        Assert.Equal(6, n.IpVersion);

        length = PacketBuilder.BsdNull(frame, 2, ip.AsSpan(0, ipLength), bigEndian: true);
        Assert.Equal("00000002", Hex.Format(frame.AsSpan(0, 4)));
        Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(LinkType.Loop, frame.AsSpan(0, length), out n));
        Assert.Equal(4, n.IpVersion);
    }

    [Fact]
    public void Ipv6_extension_headers_are_chained_before_the_upper_layer()
    {
        byte[] p = new byte[300];
        int length = PacketBuilder.Tcp6(p, A6, B6, 1, 2, TcpFlags.Ack, 5, 6, 7, Payload);
        int tcpLength = length - 40;
        length = PacketBuilder.AddIpv6HopByHop(p, length, [0x05, 0x02, 0x00, 0x00]);     // router alert
        length = PacketBuilder.AddIpv6Routing(p, length, routingType: 0, segmentsLeft: 0, new byte[20]);
        length = PacketBuilder.AddIpv6DestinationOptions(p, length);
        length = PacketBuilder.AddIpv6Fragment(p, length, identification: 0x01020304);

        Assert.Equal(40 + 8 + 24 + 8 + 8 + tcpLength, length);
        Assert.Equal(length - 40, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)));
        Assert.Equal(0, p[6]);                                                    // fixed header → hop-by-hop
        Assert.Equal("2b00 05020000 0100".Replace(" ", "", StringComparison.Ordinal), Hex.Format(p.AsSpan(40, 8))); // → routing; RA; PadN(0)
        Assert.Equal("3c02 0000", Hex.Format(p.AsSpan(48, 4)).Insert(4, " "));    // → dest opts, 24 bytes, type 0, segments 0
        Assert.Equal("2c00 0104 00000000".Replace(" ", "", StringComparison.Ordinal), Hex.Format(p.AsSpan(72, 8))); // → fragment; PadN(4)
        Assert.Equal("0600 0000 01020304".Replace(" ", "", StringComparison.Ordinal), Hex.Format(p.AsSpan(80, 8))); // → TCP, offset 0, M 0
        AssertTransportChecksum6(p.AsSpan(0, length), 88, 6);
    }

    [Fact]
    public void Fragment4_splits_and_keeps_only_copied_options_after_the_first()
    {
        byte[] data = new byte[300];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }

        // A UDP datagram with a valid checksum, taken from a plain IPv4 build.
        byte[] packet = new byte[400];
        int udpLength = PacketBuilder.Udp4(packet, A, B, 1111, 2222, data) - 20;
        byte[] udp = packet.AsSpan(20, udpLength).ToArray();

        // Options: router alert (0x94, copied) and record route (0x07, not copied).
        byte[] options = [0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x00];
        int length = PacketBuilder.Ipv4(packet, A, B, 17, udp, id: 4242, options: options);

        byte[] destination = new byte[1000];
        var ranges = new Range[10];
        int count = PacketBuilder.Fragment4(packet.AsSpan(0, length), 100, destination, ranges);
        Assert.Equal(4, count); // 308 bytes in 96-byte pieces: 96, 96, 96, 20

        var reassembled = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            byte[] f = destination[ranges[i]];
            int headerLength = (f[0] & 0x0F) * 4;
            Assert.Equal(i == 0 ? 32 : 24, headerLength);
            Assert.Equal(f.Length, BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(2)));
            Assert.Equal(4242, BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(4)));
            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(6));
            Assert.Equal(i < count - 1, (flags & 0x2000) != 0);
            Assert.Equal(0, flags & 0x4000);
            Assert.Equal(i * 12, flags & 0x1FFF);
            if (i > 0)
            {
                Assert.Equal("94040000", Hex.Format(f.AsSpan(20, 4)));
            }

            AssertIpv4HeaderChecksum(f);
            reassembled.AddRange(f[headerLength..]);
        }

        Assert.Equal(udp, reassembled);
    }

    [Fact]
    public void Fragment4_needs_room_for_all_fragments()
    {
        byte[] packet = new byte[400];
        int length = PacketBuilder.Udp4(packet, A, B, 1, 2, new byte[300]);
        Assert.Throws<ArgumentException>(() => PacketBuilder.Fragment4(packet.AsSpan(0, length), 100, new byte[1000], new Range[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketBuilder.Fragment4(packet.AsSpan(0, length), 7, new byte[1000], new Range[99]));
    }

    [Fact]
    public void Fragment6_repeats_per_fragment_headers_and_splits_the_rest()
    {
        byte[] data = new byte[300];
        new Random(5).NextBytes(data);
        byte[] packet = new byte[500];
        int length = PacketBuilder.Udp6(packet, A6, B6, 1111, 2222, data);
        length = PacketBuilder.AddIpv6HopByHop(packet, length);
        length = PacketBuilder.AddIpv6DestinationOptions(packet, length);  // after hop-by-hop, no routing: fragmentable
        byte[] fragmentable = packet[48..length];

        byte[] destination = new byte[1000];
        var ranges = new Range[10];
        int count = PacketBuilder.Fragment6(packet.AsSpan(0, length), 128, 0xABCDEF, destination, ranges);
        Assert.Equal(3, count); // 8 + 308 = 316 bytes: 128, 128, 60

        var reassembled = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            byte[] f = destination[ranges[i]];
            Assert.Equal(f.Length - 40, BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(4)));
            Assert.Equal(0, f[6]);                      // hop-by-hop repeated
            Assert.Equal(44, f[40]);                    // ... now pointing at the fragment header
            Assert.Equal(60, f[48]);                    // fragment header → destination options
            ushort offsetAndFlag = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(50));
            Assert.Equal(i * 128, offsetAndFlag & 0xFFF8);
            Assert.Equal(i < count - 1 ? 1 : 0, offsetAndFlag & 1);
            Assert.Equal(0xABCDEFu, BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(52)));
            reassembled.AddRange(f[56..]);
        }

        Assert.Equal(fragmentable, reassembled);
    }

    [Fact]
    public void Building_packets_does_not_allocate()
    {
        byte[] buffer = new byte[2000];
        byte[] frame = new byte[2000];
        byte[] destination = new byte[4000];
        var ranges = new Range[40];
        Build(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Build();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Build()
        {
            Span<byte> options = stackalloc byte[16];
            int o = TcpOptions.Mss(options, 1460) + TcpOptions.Timestamps(options[4..], 1, 2);
            int n = PacketBuilder.Tcp4(buffer, A, B, 1, 2, TcpFlags.Syn, 0, 0, 100, Payload, options[..o]);
            n = PacketBuilder.Ethernet(frame, 0x0800, buffer.AsSpan(0, n), 5, 6);
            n = PacketBuilder.Udp6(buffer, A6, B6, 1, 2, Payload);
            n = PacketBuilder.AddIpv6HopByHop(buffer, n);
            PacketBuilder.Fragment6(buffer.AsSpan(0, n), 16, 1, destination, ranges);
        }
    }
}
