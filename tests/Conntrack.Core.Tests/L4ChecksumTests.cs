using Conntrack.Packets;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>nf_checksum as the trackers apply it at PRE_ROUTING (reference §4.2, §5.1, §5.2).</summary>
public sealed class L4ChecksumTests
{
    public static TheoryData<string, byte[]> Packets() => new()
    {
        { "tcp4", Tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack | TcpFlags.Psh, 1, 2, payload: 33) },
        { "tcp4-odd", Tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack, 1, 2, payload: 1) },
        { "tcp6", Tcp("2001:db8::1", 40000, "2001:db8::2", 80, TcpFlags.Syn, 1, options: Hex("020405b4 0402 01 030307")) },
        { "udp4", Udp("10.0.0.1", 5000, "10.0.0.2", 53, payload: 29) },
        { "udp6", Udp("::1", 50233, "::1", 9998, payload: 1) },
        { "icmp4", Icmp("10.0.0.1", "10.0.0.2", 8, 0, 0x1234, 1, Hex("6162636465")) },
        { "icmp6", Icmp("2001:db8::1", "2001:db8::2", 128, 0, 7, 1, Hex("616263")) },
    };

    private static PacketInfo Parse(byte[] packet)
    {
        PacketParser.Parse(packet, 0, out var info);
        Assert.Equal(ParseStatus.Ok, info.Status);
        return info;
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void Correct_checksum_is_accepted(string name, byte[] packet)
    {
        _ = name;
        Assert.True(L4Checksum.IsValid(packet, Parse(packet)));
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void Any_flipped_l4_bit_is_rejected(string name, byte[] packet)
    {
        _ = name;
        var info = Parse(packet);
        // Flip a bit in the last L4 byte, then in a port / type byte.
        foreach (int at in new[] { packet.Length - 1, info.L4Offset, info.L4Offset + 1 })
        {
            var copy = (byte[])packet.Clone();
            copy[at] ^= 0x10;
            PacketParser.Parse(copy, 0, out var corrupted);
            Assert.False(L4Checksum.IsValid(copy, corrupted), $"byte {at} flipped");
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void Pseudo_header_address_is_covered(string protocol)
    {
        // Same segment, but the IP destination changed: the pseudo-header no longer matches.
        var packet = protocol == "tcp"
            ? Tcp("10.0.0.1", 1, "10.0.0.2", 2, TcpFlags.Ack, 5, 6)
            : Udp("10.0.0.1", 1, "10.0.0.2", 2, payload: 4);
        packet[19] ^= 0x01; // 10.0.0.2 -> 10.0.0.3 (IP header checksum is not the tracker's concern)
        Assert.False(L4Checksum.IsValid(packet, Parse(packet)));
    }

    [Fact]
    public void Icmpv4_checksum_has_no_pseudo_header()
    {
        var packet = Icmp("10.0.0.1", "10.0.0.2", 8, 0, 1, 1);
        packet[19] ^= 0x01; // different destination, same ICMP bytes
        Assert.True(L4Checksum.IsValid(packet, Parse(packet)));
    }

    // udp_error: "checksum 0 is accepted" (no checksum was computed by the sender).
    [Fact]
    public void Udp_zero_checksum_is_accepted()
    {
        var packet = Udp("10.0.0.1", 5000, "10.0.0.2", 53, payload: 12);
        packet[26] = 0;
        packet[27] = 0;
        packet[^1] ^= 0xFF; // payload would no longer match any checksum
        Assert.True(L4Checksum.IsValid(packet, Parse(packet)));
    }

    [Fact]
    public void Ethernet_padding_is_not_summed()
    {
        var packet = Tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack, 1, 2);
        var padded = packet.Concat(new byte[] { 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF }).ToArray();
        Assert.True(L4Checksum.IsValid(padded, Parse(padded)));
    }

    [Fact]
    public void Packet_cut_short_by_the_capture_is_given_the_benefit_of_the_doubt()
    {
        var packet = Tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Ack, 1, 2, payload: 100);
        var cut = packet[..60];
        var info = Parse(cut);
        Assert.True(info.Truncated);
        Assert.True(L4Checksum.IsValid(cut, info));
    }
}
