using Conntrack.Flows;
using Conntrack.Packets;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>PacketParser on hand-built packets; the hex is annotated field by field.</summary>
public sealed class PacketParserTests
{
    private const uint Ten1 = 0x0A000001, Ten2 = 0x0A000002;

    private static PacketInfo Parse(byte[] packet)
    {
        PacketParser.Parse(packet, 0, out var info);
        return info;
    }

    // A plain IPv4/TCP ACK, 40 bytes, used as a base for header mutations.
    private const string V4Header = "45 00 0028 0001 4000 40 06 0000 0a000001 0a000002"; // IHL 5, total 40, DF, TCP
    private const string TcpAck = "9c40 0050 00000001 00000002 50 10 ffff 0000 0000";    // 40000 -> 80, doff 5, ACK, win 65535

    [Fact]
    public void Ipv4_with_options_puts_l4_after_the_options()
    {
        var p = Parse(Hex(
            "46 00 0024 0001 0000 40 11 0000 0a000001 0a000002" + // IHL 6 (24 bytes), total 36, UDP
            "94 04 0000" +                                       // option: router alert
            "04d2 0035 000c 0000" +                              // UDP 1234 -> 53, length 12
            "deadbeef"));                                        // 4 payload bytes
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(24, p.L4Offset);
        Assert.Equal(12, p.L4Length);
        Assert.Equal(36, p.IpLength);
        Assert.Equal(4, p.PayloadLength);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, IpProtocol.Udp, 1234, 53), p.Tuple);
    }

    // Reference §1.2: bad header length → rejected.
    [Theory]
    [InlineData("44 00 0028 0001 4000 40 06 0000 0a000001 0a000002", ParseStatus.BadHeader)] // IHL 4 (16 bytes)
    [InlineData("40 00 0028 0001 4000 40 06 0000 0a000001 0a000002", ParseStatus.BadHeader)] // IHL 0
    [InlineData("45 00 0010 0001 4000 40 06 0000 0a000001 0a000002", ParseStatus.BadHeader)] // total 16 < IHL 20
    [InlineData("4f 00 0050 0001 4000 40 06 0000 0a000001 0a000002", ParseStatus.Truncated)] // IHL 15 = 60 > 40 bytes captured (total 80)
    [InlineData("55 00 0028 0001 4000 40 06 0000 0a000001 0a000002", ParseStatus.BadHeader)] // version 5
    public void Bad_ipv4_headers_are_rejected(string header, ParseStatus expected) =>
        Assert.Equal(expected, Parse(Hex(header + TcpAck)).Status);

    [Theory]
    [InlineData("")]
    [InlineData("45")]
    [InlineData("45 00 0028 0001 4000 40 06 0000 0a000001 0a0000")] // 19 bytes
    [InlineData("60 000000 0000 3b 40 00000000")]                  // IPv6, 12 of 40 header bytes
    public void Too_short_for_an_ip_header_is_truncated(string hex) =>
        Assert.Equal(ParseStatus.Truncated, Parse(Hex(hex)).Status);

    [Fact]
    public void Ethernet_padding_after_a_short_packet_is_not_l4_data()
    {
        // 40-byte IPv4/TCP ACK followed by 6 bytes of Ethernet padding (46-byte minimum frame payload).
        var p = Parse(Hex(V4Header + TcpAck + "000000000000"));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(40, p.IpLength);
        Assert.Equal(20, p.L4Length);
        Assert.Equal(0, p.PayloadLength);
        Assert.False(p.Truncated);
    }

    [Fact]
    public void Udp_with_padding_uses_declared_length()
    {
        var p = Parse(Hex(
            "45 00 001c 0001 4000 40 11 0000 0a000001 0a000002" + // total 28
            "04d2 0035 0008 0000" +                              // UDP length 8
            "ffffffffffffffffffffffffffffffffffff"));            // 18 bytes of padding
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(8, p.L4Length);
        Assert.Equal(0, p.PayloadLength);
    }

    [Fact]
    public void Capture_cut_short_keeps_declared_lengths()
    {
        // Declared total 140 (100 bytes TCP payload) but only the 40 header bytes were captured.
        var p = Parse(Hex("45 00 008c 0001 4000 40 06 0000 0a000001 0a000002" + TcpAck));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.True(p.Truncated);
        Assert.Equal(140, p.IpLength);
        Assert.Equal(120, p.L4Length);
        Assert.Equal(100, p.PayloadLength);
    }

    // Reference §1.2: IPv4 packets with a non-zero fragment offset are rejected.
    [Theory]
    [InlineData("00b9")] // offset 185 (1480 bytes), last fragment
    [InlineData("20b9")] // offset 185, more fragments
    [InlineData("0001")] // offset 1 (8 bytes)
    public void Non_first_ipv4_fragment_is_a_fragment(string flagsAndOffset)
    {
        var p = Parse(Hex("45 00 001c 0001 " + flagsAndOffset + " 40 11 0000 0a000001 0a000002" + "0102030405060708"));
        Assert.Equal(ParseStatus.Fragment, p.Status);
    }

    [Fact]
    public void First_ipv4_fragment_is_parsed_with_its_ports()
    {
        var p = Parse(Hex(
            "45 00 0024 0001 2000 40 11 0000 0a000001 0a000002" + // MF set, offset 0, total 36
            "04d2 0035 05c8 0000" +                              // UDP length 1480: the whole datagram
            "0000000000000000"));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.True(p.FirstFragment);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, IpProtocol.Udp, 1234, 53), p.Tuple);
        // The kernel sees the reassembled datagram, whose length matches the UDP header.
        Assert.Equal(L4Status.Ok, p.L4Status);
    }

    private const string V6Src = "20010db8000000000000000000000001"; // 2001:db8::1
    private const string V6Dst = "20010db8000000000000000000000002"; // 2001:db8::2

    [Fact]
    public void Ipv6_extension_headers_are_skipped()
    {
        var p = Parse(Hex(
            "60000000 0024 00 40" + V6Src + V6Dst + // payload 36, next = hop-by-hop
            "3c 00 0104 00000000" +                 // hop-by-hop: next = destination options, 8 bytes, PadN
            "2c 00 0104 00000000" +                 // destination options: next = fragment
            "11 00 0001 0000abcd" +                 // fragment: next = UDP, offset 0, M = 1, id 0xabcd
            "04d2 0035 000c 0000 deadbeef"));       // UDP 1234 -> 53, length 12
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(64, p.L4Offset);
        Assert.Equal(12, p.L4Length);
        Assert.Equal(76, p.IpLength);
        Assert.True(p.FirstFragment);
        Assert.Equal(IpFamily.V6, p.Tuple.Family);
        Assert.Equal(IpProtocol.Udp, p.Tuple.Protocol);
        Assert.Equal(1234, p.Tuple.SrcId);
        Assert.Equal(53, p.Tuple.DstId);
        Assert.Equal(0x20010db800000000UL, p.Tuple.SrcHi);
        Assert.Equal(1UL, p.Tuple.SrcLo);
        Assert.Equal(2UL, p.Tuple.DstLo);
    }

    [Fact]
    public void Ipv6_routing_and_ah_headers_are_skipped()
    {
        var p = Parse(Hex(
            "60000000 0034 2b 40" + V6Src + V6Dst + // payload 52, next = routing
            "33 02 00 00 00000000" +                // routing: next = AH, hdr ext len 2 (24 bytes)
            "0000000000000000 0000000000000000" +
            "06 01 0000 00000001" +                 // AH: next = TCP, payload len 1 → (1+2)*4 = 12 bytes
            "00000001" +
            "04d2 0050 00000001"));                 // 8 bytes of TCP (too short for a header)
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(40 + 24 + 12, p.L4Offset);
        Assert.Equal(IpProtocol.Tcp, p.Tuple.Protocol);
        Assert.Equal(L4Status.TooShort, p.L4Status);
    }

    [Theory]
    [InlineData("0008")] // offset 1 (8 bytes), M = 0
    [InlineData("05c9")] // offset 185, M = 1
    public void Non_first_ipv6_fragment_is_a_fragment(string offsetField)
    {
        var p = Parse(Hex(
            "60000000 0010 2c 40" + V6Src + V6Dst +
            "11 00 " + offsetField + " 0000abcd" +
            "0102030405060708"));
        Assert.Equal(ParseStatus.Fragment, p.Status);
    }

    [Fact]
    public void Ipv6_atomic_fragment_is_not_a_first_fragment()
    {
        var p = Parse(Hex(
            "60000000 0010 2c 40" + V6Src + V6Dst +
            "11 00 0000 0000abcd" +              // offset 0, M = 0
            "04d2 0035 0008 0000"));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.False(p.FirstFragment);
        Assert.Equal(1234, p.Tuple.SrcId);
    }

    // ipv6_skip_exthdr fails on NEXTHDR_NONE → invalid.
    [Theory]
    [InlineData("60000000 0000 3b 40" + V6Src + V6Dst)]
    [InlineData("60000000 0008 00 40" + V6Src + V6Dst + "3b 00 0104 00000000")]
    public void No_next_header_is_rejected(string hex) =>
        Assert.Equal(ParseStatus.BadExtensionHeader, Parse(Hex(hex)).Status);

    [Fact]
    public void Ipv6_extension_header_running_past_the_payload_is_rejected()
    {
        // Hop-by-hop claims 16 bytes but the payload is 8.
        var p = Parse(Hex("60000000 0008 00 40" + V6Src + V6Dst + "11 01 0104 00000000"));
        Assert.NotEqual(ParseStatus.Ok, p.Status);
    }

    [Fact]
    public void Tcp_syn_options_window_scale_is_clamped_to_14()
    {
        var p = Parse(Hex(
            "45 00 003c 0001 4000 40 06 0000 0a000001 0a000002" + // total 60
            "9c40 0050 000003e8 00000000 a0 02 faf0 0000 0000" +  // doff 10 (40 bytes), SYN, seq 1000, win 64240
            "020405b4" +                                          // MSS 1460
            "0402" +                                              // SACK permitted
            "080a 00000001 00000000" +                            // timestamps
            "01" +                                                // NOP
            "03030f"));                                           // window scale 15 → clamped to 14
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(TcpFlags.Syn, p.TcpFlags);
        Assert.Equal(1000u, p.Seq);
        Assert.Equal(64240, p.Window);
        Assert.Equal(40, p.TcpHeaderLength);
        Assert.Equal(0, p.PayloadLength);
        Assert.Equal(14, p.WindowScale);
        Assert.True(p.SackPermitted);
        Assert.False(p.HasSack);
    }

    [Fact]
    public void Tcp_without_options_has_no_window_scale()
    {
        var p = Parse(Hex(V4Header + TcpAck));
        Assert.Equal(-1, p.WindowScale);
        Assert.False(p.SackPermitted);
        Assert.Equal(1u, p.Seq);
        Assert.Equal(2u, p.Ack);
        Assert.Equal(TcpFlags.Ack, p.TcpFlags);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, IpProtocol.Tcp, 40000, 80), p.Tuple);
    }

    [Theory]
    [InlineData("00001000 00002000", "00002800 00003000", 0x3000u)] // highest right edge of two blocks
    [InlineData("00002800 00003000", "00001000 00002000", 0x3000u)] // order does not matter
    [InlineData("ffffff00 ffffff80", "00000000 00000100", 0x100u)]  // sequence-space "after" across wrap
    public void Tcp_sack_blocks_give_the_highest_right_edge(string block1, string block2, uint expected)
    {
        var p = Parse(Hex(
            "45 00 003c 0001 4000 40 06 0000 0a000001 0a000002" + // total 60
            "9c40 0050 00000001 00000002 a0 10 ffff 0000 0000" +  // doff 10, ACK
            "0101" +                                              // NOP NOP
            "0512" + block1 + block2));                           // SACK, length 18: two blocks
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.True(p.HasSack);
        Assert.Equal(expected, p.SackRightEdge);
    }

    // tcp_error: "truncated packet" when the data offset is below 20 or beyond the segment.
    [Theory]
    [InlineData("f0")] // doff 15 = 60 bytes > 20 present
    [InlineData("60")] // doff 6 = 24 bytes > 20 present
    [InlineData("40")] // doff 4 = 16 bytes < 20
    public void Tcp_data_offset_out_of_bounds_is_malformed(string doff)
    {
        var p = Parse(Hex(V4Header + "9c40 0050 00000001 00000002 " + doff + " 10 ffff 0000 0000"));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Malformed, p.L4Status);
    }

    // udp_error: length field beyond the packet or below 8 → malformed.
    [Theory]
    [InlineData("0100", L4Status.Malformed)] // 256 > 12
    [InlineData("000d", L4Status.Malformed)] // 13 > 12
    [InlineData("0007", L4Status.Malformed)] // below the header size
    [InlineData("0000", L4Status.Malformed)]
    [InlineData("000c", L4Status.Ok)]
    [InlineData("0009", L4Status.Ok)]        // shorter than the IP payload is allowed
    public void Udp_length_field_is_checked(string length, L4Status expected)
    {
        var p = Parse(Hex("45 00 0020 0001 4000 40 11 0000 0a000001 0a000002" + "04d2 0035 " + length + " 0000 deadbeef"));
        Assert.Equal(expected, p.L4Status);
    }

    [Theory]
    [InlineData("45 00 001e 0001 4000 40 06 0000 0a000001 0a000002 9c40 0050 00000001 0000")] // TCP: 10 of 20 bytes declared
    [InlineData("45 00 0018 0001 4000 40 11 0000 0a000001 0a000002 04d2 0035")]               // UDP: 4 of 8
    [InlineData("45 00 0018 0001 4000 40 01 0000 0a000001 0a000002 0800 0000")]               // ICMP: 4 of 8
    public void Truncated_l4_header_is_too_short(string hex)
    {
        var p = Parse(Hex(hex));
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.TooShort, p.L4Status);
    }

    [Fact]
    public void A_tcp_header_the_capture_cut_before_the_flags_is_unseen_not_short()
    {
        // The IP header declares 20 TCP bytes (the kernel had them); the capture kept 8.
        var p = Parse(Hex("45 00 0028 0001 4000 40 06 0000 0a000001 0a000002 9c40 0050 00000001"));
        Assert.True(p.Truncated);
        Assert.Equal(L4Status.Unseen, p.L4Status);
    }

    [Fact]
    public void A_tcp_header_cut_after_the_flags_is_tracked_with_an_open_window()
    {
        // 14 of 20 bytes: ports, seq, ack, data offset and flags (ACK); window and checksum cut.
        var p = Parse(Hex("45 00 0028 0001 4000 40 06 0000 0a000001 0a000002 9c40 0050 00000001 00000002 5010"));
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.True(p.TcpHeaderCut);
        Assert.Equal(TcpFlags.Ack, p.TcpFlags);
        Assert.Equal(2u, p.Ack);
        Assert.Equal(ushort.MaxValue, p.Window);
    }

    [Fact]
    public void A_syn_whose_options_the_capture_cut_takes_the_largest_window_scale()
    {
        // Data offset 6 (one 4-byte option) declared, only the 20-byte base header captured.
        var p = Parse(Hex("45 00 002c 0001 4000 40 06 0000 0a000001 0a000002 9c40 0050 00000001 00000000 6002 faf0 0000 0000"));
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.True(p.TcpHeaderCut);
        Assert.Equal(0xfaf0, p.Window);
        Assert.Equal(14, p.WindowScale);
    }

    [Fact]
    public void Icmp_echo_puts_id_and_type_code_in_the_tuple()
    {
        var p = Parse(Hex(
            "45 00 0020 0001 4000 40 01 0000 0a000001 0a000002" +
            "08 00 0000 1234 0001" +                              // echo request, id 0x1234, seq 1
            "61626364"));
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(8, p.IcmpType);
        Assert.Equal(0, p.IcmpCode);
        Assert.False(p.IsIcmpError);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, IpProtocol.Icmp, 0x1234, 0x0800), p.Tuple);
        Assert.Equal(8, p.Tuple.IcmpType);
    }

    [Fact]
    public void Icmp_error_quoting_udp_yields_the_inner_tuple()
    {
        var p = Parse(Hex(
            "45 00 0038 0002 0000 40 01 0000 0a000002 0a000001" + // 10.0.0.2 → 10.0.0.1, total 56
            "03 03 0000 00000000" +                               // destination unreachable, port unreachable
            "45 00 0021 0001 4000 40 11 0000 0a000001 0a000002" + // quoted IPv4: 10.0.0.1 → 10.0.0.2 UDP
            "1388 0035 000d 0000"));                              // quoted UDP 5000 → 53 (payload not quoted)
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.True(p.IsIcmpError);
        Assert.Equal(3, p.IcmpType);
        Assert.Equal(3, p.IcmpCode);
        Assert.True(p.InnerValid);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, IpProtocol.Udp, 5000, 53), p.InnerTuple);
    }

    [Fact]
    public void Icmp_error_with_a_short_quote_has_no_inner_tuple()
    {
        var p = Parse(Hex(
            "45 00 0030 0002 0000 40 01 0000 0a000002 0a000001" + // total 48
            "0b 00 0000 00000000" +                               // time exceeded
            "45 00 0021 0001 4000 40 11 0000 0a000001 0a000002")); // quoted IP header, no L4 bytes
        Assert.True(p.IsIcmpError);
        Assert.False(p.InnerValid);
    }

    [Fact]
    public void Icmpv6_error_yields_the_inner_tuple()
    {
        var p = Parse(Hex(
            "60000000 0038 3a 40" + V6Dst + V6Src +  // 2001:db8::2 → 2001:db8::1, ICMPv6, payload 56
            "01 04 0000 00000000" +                  // destination unreachable, port unreachable
            "60000000 0008 11 40" + V6Src + V6Dst +  // quoted IPv6 UDP
            "1388 0035 0008 0000"));
        Assert.True(p.IsIcmpError);
        Assert.Equal(1, p.IcmpType);
        Assert.Equal(4, p.IcmpCode);
        Assert.True(p.InnerValid);
        Assert.Equal(IpFamily.V6, p.InnerTuple.Family);
        Assert.Equal(IpProtocol.Udp, p.InnerTuple.Protocol);
        Assert.Equal(5000, p.InnerTuple.SrcId);
        Assert.Equal(53, p.InnerTuple.DstId);
        Assert.Equal(1UL, p.InnerTuple.SrcLo);
        Assert.Equal(2UL, p.InnerTuple.DstLo);
    }

    [Fact]
    public void Icmpv6_echo_request()
    {
        var p = Parse(Hex("60000000 0008 3a 40" + V6Src + V6Dst + "80 00 0000 00ff 0001"));
        Assert.False(p.IsIcmpError);
        Assert.Equal(128, p.IcmpType);
        Assert.Equal(0xff, p.Tuple.SrcId);
        Assert.Equal(128 << 8, p.Tuple.DstId);
    }

    [Fact]
    public void Generic_protocol_has_no_ids()
    {
        var p = Parse(Hex("45 00 0020 0001 4000 40 32 0000 0a000001 0a000002 00001234 00000001 0000000000000000")); // ESP
        Assert.Equal(ParseStatus.Ok, p.Status);
        Assert.Equal(L4Status.Ok, p.L4Status);
        Assert.Equal(FlowTuple.V4(Ten1, Ten2, 50, 0, 0), p.Tuple);
    }

    [Fact]
    public void Zone_is_carried_into_the_tuple()
    {
        PacketParser.Parse(Hex(V4Header + TcpAck), 7, out var p);
        Assert.Equal(7, p.Tuple.Zone);
    }
}
