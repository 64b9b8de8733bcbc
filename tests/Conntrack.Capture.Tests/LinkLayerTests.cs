namespace Conntrack.Capture.Tests;

public class LinkLayerTests
{
    private static (LinkDecodeStatus Status, NetworkLayer Network) Decode(LinkType type, string hex)
    {
        byte[] frame = Hex.Parse(hex);
        LinkDecodeStatus status = LinkLayer.TryGetNetworkLayer(type, frame, out NetworkLayer network);
        return (status, network);
    }

    [Fact]
    public void Ethernet_ipv4()
    {
        var (status, n) = Decode(LinkType.Ethernet, """
            02 00 00 00 00 02  02 00 00 00 00 01  08 00   // dst mac, src mac, ethertype IPv4
            45 00 00 14 00 00 40 00 40 06                  // start of an IPv4 header
            """);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(14, 10, 4, 0, 0), n);
    }

    [Fact]
    public void Ethernet_ipv6()
    {
        var (status, n) = Decode(LinkType.Ethernet, "020000000002 020000000001 86dd | 60 00 00 00");
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(14, 4, 6, 0, 0), n);
    }

    [Fact]
    public void Ethernet_8021q_tag_reports_vlan_id_without_priority_bits()
    {
        var (status, n) = Decode(LinkType.Ethernet, """
            020000000002 020000000001
            81 00 | a0 64      // TPID 802.1Q, TCI: priority 5, VLAN 100
            08 00 | 45 00      // IPv4
            """);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(18, 2, 4, 100, 1), n);
    }

    [Theory]
    [InlineData("88a8")]
    [InlineData("9100")]
    public void Ethernet_qinq_reports_outer_tag_and_depth(string outerTpid)
    {
        var (status, n) = Decode(LinkType.Ethernet, $"""
            020000000002 020000000001
            {outerTpid} | 00 c8      // service tag, VLAN 200
            81 00 | 00 0a            // customer tag, VLAN 10
            86 dd | 60 00 00 00      // IPv6
            """);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(22, 4, 6, 200, 2), n);
    }

    [Fact]
    public void Ethernet_accepts_eight_tags_and_rejects_nine()
    {
        string eight = string.Concat(Enumerable.Repeat("8100 0001 ", 8));
        var (status, n) = Decode(LinkType.Ethernet, $"020000000002 020000000001 {eight} 0800 45");
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(14 + 32, 1, 4, 1, 8), n);

        (status, _) = Decode(LinkType.Ethernet, $"020000000002 020000000001 {eight} 8100 0001 0800 45");
        Assert.Equal(LinkDecodeStatus.NotIp, status);
    }

    [Theory]
    [InlineData("020000000002 020000000001 0806 0001 0800", LinkDecodeStatus.NotIp)]        // ARP
    [InlineData("020000000002 020000000001 0026 4242 03", LinkDecodeStatus.NotIp)]          // 802.3 length + LLC
    [InlineData("020000000002 020000000001 08", LinkDecodeStatus.Truncated)]                // 13 bytes
    [InlineData("020000000002 020000000001 0800", LinkDecodeStatus.Truncated)]              // header only
    [InlineData("020000000002 020000000001 8100 00", LinkDecodeStatus.Truncated)]           // cut inside the tag
    [InlineData("020000000002 020000000001 8100 0064 0800", LinkDecodeStatus.Truncated)]    // tag, no IP
    public void Ethernet_non_ip_and_truncated(string hex, LinkDecodeStatus expected)
    {
        Assert.Equal(expected, Decode(LinkType.Ethernet, hex).Status);
    }

    [Fact]
    public void Linux_sll()
    {
        var (status, n) = Decode(LinkType.LinuxSll, """
            00 00             // packet type: to us
            00 01             // ARPHRD_ETHER
            00 06             // address length
            02 00 00 00 00 01 00 00   // address, padded to 8
            08 00             // protocol IPv4
            45 00 00 14
            """);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(16, 4, 4, 0, 0), n);
    }

    [Fact]
    public void Linux_sll_with_vlan_protocol_follows_the_tag()
    {
        var (status, n) = Decode(LinkType.LinuxSll, "0000 0001 0006 0200000000010000 8100 | 0007 86dd | 60");
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(20, 1, 6, 7, 1), n);
    }

    [Fact]
    public void Linux_sll2()
    {
        // Header of the first frame in suricata's decode-sll2-01 capture.
        var (status, n) = Decode(LinkType.LinuxSll2, """
            08 00             // protocol IPv4
            00 00             // reserved
            00 00 00 02       // interface index 2
            00 01             // ARPHRD_ETHER
            04                // packet type: outgoing
            06                // address length
            aa 76 30 71 b0 e7 00 00   // address
            45 00 00 3c
            """);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(20, 4, 4, 0, 0), n);
    }

    [Theory]
    [InlineData("86dd 0000 00000001 0001 00 06 0200000000010000 60", LinkDecodeStatus.Ok)]
    [InlineData("0806 0000 00000001 0001 00 06 0200000000010000 00", LinkDecodeStatus.NotIp)]
    [InlineData("0800 0000 00000001 0001 00 06 02000000", LinkDecodeStatus.Truncated)]
    public void Linux_sll2_protocols(string hex, LinkDecodeStatus expected)
    {
        Assert.Equal(expected, Decode(LinkType.LinuxSll2, hex).Status);
    }

    [Theory]
    [InlineData(LinkType.Raw, "45 00 00 14", 4)]
    [InlineData(LinkType.Raw, "60 00 00 00", 6)]
    [InlineData(LinkType.Ipv4, "45 00", 4)]
    [InlineData(LinkType.Ipv6, "60 00", 6)]
    public void Raw_ip(LinkType type, string hex, int version)
    {
        var (status, n) = Decode(type, hex);
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(0, Hex.Parse(hex).Length, (byte)version, 0, 0), n);
    }

    [Theory]
    [InlineData(LinkType.Raw, "55 00", LinkDecodeStatus.NotIp)]
    [InlineData(LinkType.Raw, "", LinkDecodeStatus.Truncated)]
    [InlineData(LinkType.Ipv4, "", LinkDecodeStatus.Truncated)]
    public void Raw_ip_failures(LinkType type, string hex, LinkDecodeStatus expected)
    {
        Assert.Equal(expected, Decode(type, hex).Status);
    }

    [Theory]
    [InlineData(LinkType.Null, "02 00 00 00", 4)]   // AF_INET, little-endian host
    [InlineData(LinkType.Null, "00 00 00 02", 4)]   // AF_INET, big-endian host
    [InlineData(LinkType.Null, "1e 00 00 00", 6)]   // AF_INET6 = 30 (macOS)
    [InlineData(LinkType.Null, "00 00 00 1c", 6)]   // AF_INET6 = 28 (FreeBSD), big-endian
    [InlineData(LinkType.Null, "18 00 00 00", 6)]   // AF_INET6 = 24 (OpenBSD/NetBSD)
    [InlineData(LinkType.Null, "0a 00 00 00", 6)]   // AF_INET6 = 10 (Linux)
    [InlineData(LinkType.Loop, "00 00 00 02", 4)]   // LOOP is network order
    [InlineData(LinkType.Loop, "00 00 00 18", 6)]
    public void Bsd_null_and_loop(LinkType type, string family, int version)
    {
        var (status, n) = Decode(type, family + " | 45 00 00 14 00 00");
        Assert.Equal(LinkDecodeStatus.Ok, status);
        Assert.Equal(new NetworkLayer(4, 6, (byte)version, 0, 0), n);
    }

    [Theory]
    [InlineData("07 00 00 00 45", LinkDecodeStatus.NotIp)]
    [InlineData("02 00 00", LinkDecodeStatus.Truncated)]
    [InlineData("02 00 00 00", LinkDecodeStatus.Truncated)]
    public void Bsd_null_failures(string hex, LinkDecodeStatus expected)
    {
        Assert.Equal(expected, Decode(LinkType.Null, hex).Status);
    }

    [Fact]
    public void Unknown_link_type_is_reported()
    {
        Assert.Equal(LinkDecodeStatus.UnsupportedLinkType, Decode((LinkType)105, "45 00 00 14").Status);
    }
}
