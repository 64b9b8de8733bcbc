using System.Globalization;
using Conntrack.Flows;
using Conntrack.Packets;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>The IPv6 extension-header walk the parser and the defragmenter share; the hex is annotated field by field.</summary>
public sealed class Ipv6ExtensionWalkerTests
{
    private const string Addresses =
        "20010db8000000000000000000000001" + // source 2001:db8::1
        "20010db8000000000000000000000002";  // destination 2001:db8::2

    private static string Fixed(string payloadLength, byte next) =>
        "60000000 " + payloadLength + " " + next.ToString("x2", CultureInfo.InvariantCulture) + " 40" + Addresses;

    [Fact]
    public void A_chain_of_every_kind_is_walked_to_the_upper_layer()
    {
        var packet = Hex(
            Fixed("0044", Ipv6ExtensionHeader.HopByHop) + // payload 68
            "2b 00 0104 00000000" +                        // @40 hop-by-hop: next = routing, 8 bytes, PadN
            "3c 02 00 00 00000000" +                       // @48 routing: next = destination options, hdr ext len 2 → 24 bytes
            "0000000000000000 0000000000000000" +
            "33 00 0104 00000000" +                        // @72 destination options: next = AH, 8 bytes
            "2c 01 0000 00000001 00000001" +               // @80 AH: next = fragment, payload len 1 → (1+2)*4 = 12 bytes
            "11 00 0001 0000abcd" +                        // @92 fragment: next = UDP, offset 0, M = 1, id 0xabcd
            "04d2 0035 0008 0000");                        // @100 UDP 1234 -> 53
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Reached, chain.SkipToUpperLayer(16));
        Assert.Equal(IpProtocol.Udp, chain.Current);
        Assert.Equal(100, chain.Offset);
        Assert.Equal(92, chain.NextHeaderField);
        Assert.Equal(5, chain.Count);
        Assert.True(chain.FirstFragment);
    }

    // The header's first 8 bytes end one byte past the span: the walk stops at its start.
    [Theory]
    [InlineData(Ipv6ExtensionHeader.HopByHop)]
    [InlineData(Ipv6ExtensionHeader.Routing)]
    [InlineData(Ipv6ExtensionHeader.DestinationOptions)]
    [InlineData(Ipv6ExtensionHeader.Authentication)]
    [InlineData(Ipv6ExtensionHeader.Fragment)]
    public void A_header_cut_inside_its_first_8_bytes_cuts_the_walk(byte kind)
    {
        var packet = Hex(
            Fixed("0010", Ipv6ExtensionHeader.DestinationOptions) +
            kind.ToString("x2", CultureInfo.InvariantCulture) + " 00 0104 00000000" + // @40 destination options: next = kind
            "11 00 0000 000000");                                                     // @48 kind: 7 of 8 bytes
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Cut, chain.SkipToUpperLayer(16));
        Assert.Equal(kind, chain.Current);
        Assert.Equal(48, chain.Offset);
        Assert.Equal(1, chain.Count);
        Assert.False(chain.HeaderInSpan);
    }

    [Fact]
    public void A_header_longer_than_the_span_is_stepped_over_and_the_caller_sees_where_it_ends()
    {
        // Only the first 8 of the routing header's 24 bytes are there; the next header is UDP.
        var packet = Hex(Fixed("0018", Ipv6ExtensionHeader.Routing) + "11 02 00 00 00000000"); // @40 routing: next = UDP, 24 bytes
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Reached, chain.SkipToUpperLayer(16));
        Assert.Equal(IpProtocol.Udp, chain.Current);
        Assert.Equal(64, chain.Offset);
        Assert.True(chain.Offset > packet.Length);
    }

    [Fact]
    public void An_extension_header_past_the_span_cuts_the_walk()
    {
        var packet = Hex(Fixed("0018", Ipv6ExtensionHeader.Routing) + "33 02 00 00 00000000"); // @40 routing: next = AH, 24 bytes, 8 there
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Cut, chain.SkipToUpperLayer(16));
        Assert.Equal(Ipv6ExtensionHeader.Authentication, chain.Current);
        Assert.Equal(64, chain.Offset);
    }

    // RFC 4302 §2.2: AH's length counts 4-byte units minus 2; the others count 8-byte units minus 1.
    [Theory]
    [InlineData(0, 8)]
    [InlineData(1, 12)]
    [InlineData(4, 24)]
    [InlineData(255, 1028)]
    public void Ah_length_counts_4_byte_units(byte payloadLength, int headerBytes)
    {
        var packet = new byte[40 + headerBytes + 8];
        Hex(Fixed("0000", Ipv6ExtensionHeader.Authentication)).CopyTo(packet, 0);
        packet[40] = IpProtocol.Tcp;  // AH: next = TCP
        packet[41] = payloadLength;   // AH: payload len
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Reached, chain.SkipToUpperLayer(16));
        Assert.Equal(40 + headerBytes, chain.Offset);
        Assert.Equal(IpProtocol.Tcp, chain.Current);
        Assert.Equal(headerBytes, Ipv6ExtensionHeader.Length(Ipv6ExtensionHeader.Authentication, payloadLength));
    }

    [Theory]
    [InlineData(Ipv6ExtensionHeader.HopByHop, 0, 8)]
    [InlineData(Ipv6ExtensionHeader.Routing, 2, 24)]
    [InlineData(Ipv6ExtensionHeader.DestinationOptions, 255, 2048)]
    [InlineData(Ipv6ExtensionHeader.Fragment, 255, 8)] // the fragment header's second byte is reserved
    public void Other_lengths_count_8_byte_units(byte kind, byte lengthField, int headerBytes) =>
        Assert.Equal(headerBytes, Ipv6ExtensionHeader.Length(kind, lengthField));

    private const string FragmentAfterHopByHop =
        "2c 00 0104 00000000" + // @40 hop-by-hop: next = fragment, 8 bytes
        "11 00 0009 12345678" + // @48 fragment: next = UDP, offset 1 (8 bytes), M = 1, id 0x12345678
        "0102030405060708";     // @56 8 data bytes

    [Fact]
    public void A_fragment_header_after_another_header_is_found_with_its_fields()
    {
        var packet = Hex(Fixed("0018", Ipv6ExtensionHeader.HopByHop) + FragmentAfterHopByHop);
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.True(chain.SkipHeadersBeforeFragment());
        Assert.Equal(Ipv6ExtensionHeader.Fragment, chain.Current);
        Assert.Equal(48, chain.Offset);
        Assert.Equal(40, chain.NextHeaderField);
        Assert.True(chain.HeaderInSpan);
        Assert.Equal(8, chain.FragmentOffset);
        Assert.True(chain.MoreFragments);
        Assert.Equal(0x12345678u, chain.FragmentId);
        Assert.Equal(IpProtocol.Udp, chain.Following);
    }

    [Fact]
    public void A_later_fragment_after_another_header_stops_the_walk_to_the_upper_layer()
    {
        var packet = Hex(Fixed("0018", Ipv6ExtensionHeader.HopByHop) + FragmentAfterHopByHop);
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.LaterFragment, chain.SkipToUpperLayer(16));
        Assert.Equal(48, chain.Offset);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void A_first_fragment_after_another_header_is_stepped_over()
    {
        var packet = Hex(
            Fixed("0018", Ipv6ExtensionHeader.HopByHop) +
            "2c 00 0104 00000000" + // @40 hop-by-hop: next = fragment
            "11 00 0001 12345678" + // @48 fragment: next = UDP, offset 0, M = 1
            "04d2 0035 0010 0000"); // @56 UDP
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Reached, chain.SkipToUpperLayer(16));
        Assert.Equal(56, chain.Offset);
        Assert.Equal(48, chain.NextHeaderField);
        Assert.True(chain.FirstFragment);
    }

    [Fact]
    public void A_fragment_header_cut_short_is_found_but_not_in_the_span()
    {
        var packet = Hex(Fixed("0010", Ipv6ExtensionHeader.Fragment) + "11 00 0001 123456"); // @40 fragment: 7 of 8 bytes
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.True(chain.SkipHeadersBeforeFragment());
        Assert.Equal(Ipv6ExtensionHeader.Fragment, chain.Current);
        Assert.Equal(Ipv6ExtensionHeader.FirstNextHeaderField, chain.NextHeaderField);
        Assert.False(chain.HeaderInSpan);
    }

    [Fact]
    public void The_walk_before_a_fragment_header_reports_a_cut_header()
    {
        var packet = Hex(Fixed("0010", Ipv6ExtensionHeader.Routing) + "2c 00 0000 000000"); // @40 routing: 7 of 8 bytes
        Assert.False(new Ipv6ExtensionWalker(packet).SkipHeadersBeforeFragment());
    }

    [Fact]
    public void A_chain_can_start_after_the_fragment_header()
    {
        var rest = Hex(
            "06 00 0104 00000000" + // @0 destination options (named by the caller): next = TCP
            "9c40 0050");           // @8 the first bytes of TCP
        var chain = new Ipv6ExtensionWalker(rest, Ipv6ExtensionHeader.DestinationOptions);
        Assert.True(chain.SkipHeadersBeforeFragment());
        Assert.Equal(IpProtocol.Tcp, chain.Current);
        Assert.Equal(8, chain.Offset);
        Assert.Equal(0, chain.NextHeaderField);
    }

    [Theory]
    [InlineData(Ipv6ExtensionHeader.NoNextHeader)]
    [InlineData(Ipv6ExtensionHeader.Esp)]
    public void No_next_header_and_esp_end_the_walk(byte kind)
    {
        var packet = Hex(
            Fixed("0010", Ipv6ExtensionHeader.DestinationOptions) +
            kind.ToString("x2", CultureInfo.InvariantCulture) + " 00 0104 00000000" + // @40 destination options: next = kind
            "00000001 00000001");                                                     // @48 ESP SPI and sequence number
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(Ipv6ChainEnd.Reached, chain.SkipToUpperLayer(16));
        Assert.Equal(kind, chain.Current);
        Assert.Equal(48, chain.Offset);
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(17, false)]
    public void At_most_the_allowed_number_of_headers_is_stepped_over(int headers, bool reached)
    {
        var packet = Hex(
            Fixed("0000", Ipv6ExtensionHeader.DestinationOptions) +
            string.Concat(Enumerable.Repeat("3c 00 0104 00000000", headers - 1)) + // destination options: next = destination options
            "11 00 0104 00000000" +                                                // the last: next = UDP
            "04d2 0035 0008 0000");
        var chain = new Ipv6ExtensionWalker(packet);
        Assert.Equal(reached ? Ipv6ChainEnd.Reached : Ipv6ChainEnd.Cut, chain.SkipToUpperLayer(16));
        Assert.Equal(Math.Min(headers, 16), chain.Count);
    }
}
