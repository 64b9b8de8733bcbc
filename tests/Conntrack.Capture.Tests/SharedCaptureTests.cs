using System.Buffers.Binary;

namespace Conntrack.Capture.Tests;

/// <summary>
/// Real captures written by other tools. Expected counts were taken from tcpdump/capinfos/tshark
/// (tcpdump -r FILE | wc -l; tshark -T fields -e ip.version -e ipv6.version -e vlan.id).
/// </summary>
public class SharedCaptureTests
{
    [Theory]
    //          file                                                             format  link  records  IPv4  IPv6  not IP  tagged  outer VLAN
    [InlineData("ndpi_dns_fragmented.pcap", false, 1, 66, 22, 44, 0, 0, 0)]
    [InlineData("ndpi_http_ipv6.pcap", false, 1, 193, 0, 193, 0, 0, 0)]
    [InlineData("ndpi_icmp-tunnel.pcap", false, 1, 961, 863, 0, 98, 0, 0)]
    [InlineData("ndpi_synscan.pcap", false, 1, 2011, 2011, 0, 0, 0, 0)]
    [InlineData("suricata__syn_retransmit_with_ts.pcap", false, 1, 254, 254, 0, 0, 106, 3136)]
    [InlineData("suricata_decode-sctp-01_input.pcap", false, 1, 1, 1, 0, 0, 0, 0)]
    [InlineData("suricata_decode-sll2-01_input.pcap", false, 276, 5, 5, 0, 0, 0, 0)]
    [InlineData("suricata_defrag-eth-vlan-ipv6-tcp_frag-eth-vlan-ipv6-tcp.pcap", false, 1, 3, 0, 3, 0, 3, 6)]
    [InlineData("suricata_defrag-ipv4-tcp-syn_frag-ip-tcp-syn.pcap", false, 228, 3, 3, 0, 0, 0, 0)]
    [InlineData("suricata_tcp-rst-with-data_tcp-rst-with-data.pcap", false, 1, 8, 8, 0, 0, 8, 6)]
    [InlineData("zeek_tcp_fin_retransmission.pcap", false, 1, 5, 5, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_no-handshake.pcap", false, 1, 1, 1, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_option-sack.pcap", false, 1, 4, 4, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_payload-synack.pcap", false, 101, 6, 6, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_retransmit-timeout.pcapng", true, 1, 3, 3, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_single-rst.pcap", false, 1, 1, 1, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_syn-synack.pcap", false, 1, 2, 2, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_syn-then-rst.pcap", false, 1, 2, 2, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_tcp-fast-open.pcap", false, 1, 16, 16, 0, 0, 0, 0)]
    [InlineData("zeek_tcp_window-scale-range.pcap", false, 1, 5, 5, 0, 0, 0, 0)]
    public void Reads_every_record_and_finds_the_ip_layer(string file, bool pcapng, int linkType, int records, int ipv4, int ipv6, int notIp, int tagged, int vlan)
    {
        using var reader = CaptureReader.Open(SharedCaptures.PathOf(file));
        Assert.Equal(pcapng ? CaptureFormat.PcapNg : CaptureFormat.Pcap, reader.Format);

        int count = 0, v4 = 0, v6 = 0, other = 0, withTags = 0;
        long previousNumber = 0;
        while (reader.TryReadNext(out CaptureRecord record))
        {
            count++;
            Assert.Equal(previousNumber + 1, record.PacketNumber);
            previousNumber = record.PacketNumber;
            Assert.Equal((LinkType)linkType, record.LinkType);
            Assert.True(record.Data.Length <= record.OriginalLength);

            LinkDecodeStatus status = LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out NetworkLayer network);
            if (status == LinkDecodeStatus.NotIp)
            {
                other++;
                continue;
            }

            Assert.Equal(LinkDecodeStatus.Ok, status);
            Assert.Equal(record.Data.Length, network.Offset + network.Length);
            Assert.Equal(network.IpVersion, record.Data[network.Offset] >> 4); // the link layer and the IP header agree
            if (network.IpVersion == 4)
            {
                v4++;
            }
            else
            {
                v6++;
            }

            if (network.VlanTagCount > 0)
            {
                withTags++;
                Assert.Equal(1, network.VlanTagCount);
                Assert.Equal(vlan, network.OuterVlanId);
            }
        }

        Assert.Equal(0, reader.Issues.Total);
        Assert.Equal(reader.Length, reader.Position);
        Assert.Equal((records, ipv4, ipv6, notIp, tagged), (count, v4, v6, other, withTags));
    }

    [Fact]
    public void Sll2_capture_headers_and_timestamps()
    {
        using var reader = CaptureReader.Open(SharedCaptures.PathOf("suricata_decode-sll2-01_input.pcap"));
        var records = CaptureAssert.ReadAll(reader);
        Assert.Equal(
            [1_736_381_483_613_927_000, 1_736_381_483_614_884_000, 1_736_381_483_614_954_000, 1_736_381_483_615_043_000, 1_736_381_483_615_602_000],
            records.Select(r => r.Timestamp));
        Assert.Equal([80, 80, 72, 154, 72], records.Select(r => r.Data.Length));
        Assert.All(records, r =>
        {
            Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(r.Data));       // protocol
            Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(r.Data.AsSpan(4)));   // interface index
            Assert.Equal(6, r.Data[6 + 5]);                                          // address length
            Assert.Equal(6, r.Data[20 + 9]);                                         // IPv4 protocol: TCP
        });
        Assert.Equal([4, 0, 4, 4, 0], records.Select(r => (int)r.Data[10]));         // packet type: outgoing / to us
    }

    [Fact]
    public void Pcapng_capture_interfaces_and_timestamps()
    {
        using var reader = CaptureReader.Open(SharedCaptures.PathOf("zeek_tcp_retransmit-timeout.pcapng"));
        var records = CaptureAssert.ReadAll(reader);

        // Merged by mergecap on macOS: one interface, default microsecond resolution, SHB with options.
        Assert.Equal([629_503_200_000_030_000, 629_503_200_000_040_000, 629_503_500_000_040_000], records.Select(r => r.Timestamp));
        Assert.Equal([72, 54, 72], records.Select(r => r.Data.Length));
        Assert.All(records, r => Assert.Equal(0, r.InterfaceId));
        Assert.Equal([0x9CL, 0x104L, 0x15CL], records.Select(r => r.FileOffset)); // after a 136-byte SHB and a 20-byte IDB
    }

    [Fact]
    public void Vlan_capture_carries_fragmented_ipv6()
    {
        using var reader = CaptureReader.Open(SharedCaptures.PathOf("suricata_defrag-eth-vlan-ipv6-tcp_frag-eth-vlan-ipv6-tcp.pcap"));
        foreach (var r in CaptureAssert.ReadAll(reader))
        {
            Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(r.LinkType, r.Data, out NetworkLayer n));
            Assert.Equal(new NetworkLayer(18, r.Data.Length - 18, 6, 6, 1), n);
            Assert.Equal(44, r.Data[n.Offset + 6]); // next header: Fragment
        }
    }

    [Fact]
    public void Sctp_and_arp_are_what_they_claim()
    {
        using (var reader = CaptureReader.Open(SharedCaptures.PathOf("suricata_decode-sctp-01_input.pcap")))
        {
            var only = Assert.Single(CaptureAssert.ReadAll(reader));
            Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(only.LinkType, only.Data, out NetworkLayer n));
            Assert.Equal(132, only.Data[n.Offset + 9]); // IPv4 protocol: SCTP
        }

        using (var reader = CaptureReader.Open(SharedCaptures.PathOf("ndpi_icmp-tunnel.pcap")))
        {
            foreach (var r in CaptureAssert.ReadAll(reader))
            {
                if (LinkLayer.TryGetNetworkLayer(r.LinkType, r.Data, out NetworkLayer n) == LinkDecodeStatus.NotIp)
                {
                    Assert.Equal(0x0806, BinaryPrimitives.ReadUInt16BigEndian(r.Data.AsSpan(12))); // ARP
                }
                else
                {
                    Assert.Equal(1, r.Data[n.Offset + 9]); // IPv4 protocol: ICMP
                }
            }
        }
    }

    [Fact]
    public void Every_capture_in_the_shared_folder_reads_cleanly()
    {
        string[] files = Directory.GetFiles(SharedCaptures.Folder, "*.pcap*");
        Assert.True(files.Length >= 20, $"expected at least 20 captures in {SharedCaptures.Folder}, found {files.Length}");
        foreach (string file in files)
        {
            using var reader = CaptureReader.Open(file);
            int count = CaptureAssert.ReadAll(reader).Count;
            Assert.True(count > 0, $"{file}: no records");
            Assert.True(reader.Issues.Total == 0, $"{file}: {string.Join("; ", reader.Issues.First)}");
        }
    }
}
