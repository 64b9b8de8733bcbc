using System.Buffers.Binary;
using Conntrack.Capture;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// Turns any capture the project can read (pcap/pcapng, any supported link type) into the Ethernet
/// pcap that tcpreplay sends from a0 and the engine replays: one frame per admitted IP packet,
/// addressed a0 → b0, on a shared timeline. Loopback conversations are first moved into the test
/// ranges (<see cref="LoopbackRewriter"/>), so captures taken on <c>lo</c> compare real entries.
/// </summary>
internal static class CapturePreparer
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const int EthernetHeaderLength = 14;

    public static PreparedCapture Prepare(string source, string destination, ulong senderMac, ulong routerMac, ReplayTiming timing, int maxPackets = int.MaxValue)
    {
        var skipped = new Dictionary<PacketSkip, List<long>>();
        int written = 0, hopLimitsRaised = 0, checksumsRepaired = 0, untagged = 0, readdressed = 0, fragments = 0;
        long first = 0, last = 0, sourceFirst = 0;
        byte[] packet = new byte[70_000];
        byte[] frame = new byte[packet.Length + EthernetHeaderLength];
        var loopback = LoopbackRewriter.ForCapture(source);

        using var reader = CaptureReader.Open(source);
        using var output = new BufferedStream(File.Create(destination));
        var writer = new PcapWriter(output, LinkType.Ethernet);
        while (reader.TryReadNext(out var record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network) != LinkDecodeStatus.Ok)
            {
                Skip(skipped, PacketSkip.NotIp, record.PacketNumber);
                continue;
            }
            ReadOnlySpan<byte> ip = record.Data.Slice(network.Offset, network.Length);
            bool rewritten = false;
            if (LoopbackRewriter.IsLoopbackConversation(ip))
            {
                // Rewritten in the scratch buffer (the captured bytes, padding included), then judged
                // like any other packet: the kernel sees only the new addresses.
                var scratch = packet.AsSpan(0, Math.Min(ip.Length, packet.Length));
                ip[..scratch.Length].CopyTo(scratch);
                if (loopback.TryRewrite(scratch))
                {
                    ip = scratch;
                    rewritten = true;
                }
            }
            if (PacketAdmission.Examine(ip, out int ipLength) is { } reason)
            {
                Skip(skipped, reason, record.PacketNumber);
                continue;
            }
            if (written == maxPackets)
            {
                Skip(skipped, PacketSkip.OverCap, record.PacketNumber);
                continue;
            }

            var copy = packet.AsSpan(0, ipLength);
            if (!rewritten)
                ip[..ipLength].CopyTo(copy);
            else
                readdressed++;
            bool ipv4 = copy[0] >> 4 == 4;
            if (ipv4 && HeaderSum(copy) != 0xFFFF)
                checksumsRepaired++;
            if (IsFragment(copy))
                fragments++;
            if (RaiseHopLimit(copy))
                hopLimitsRaised++;
            if (ipv4)
                SetHeaderChecksum(copy);

            // VLAN tags are dropped: b0 has no VLAN device, so a tagged frame would never reach IP,
            // while the kernel (and the engine) track the inner IP packet either way.
            if (network.VlanTagCount > 0)
                untagged++;

            long timestamp;
            if (written == 0)
            {
                sourceFirst = record.TimestampNanoseconds;
                timestamp = sourceFirst;
                first = timestamp;
            }
            else if (timing.Spacing is { } spacing)
            {
                timestamp = first + (written * spacing.Ticks * 100);
            }
            else
            {
                // Original timing, rebased to the first packet and never running backwards.
                timestamp = Math.Max(last, first + (record.TimestampNanoseconds - sourceFirst));
            }

            ushort etherType = ipv4 ? EtherTypeIpv4 : EtherTypeIpv6;
            int length = PacketBuilder.Ethernet(frame, routerMac, senderMac, etherType, copy);
            writer.Write(timestamp, frame.AsSpan(0, length));
            last = timestamp;
            written++;
        }

        return new PreparedCapture
        {
            Path = destination,
            Timing = timing,
            Packets = written,
            FirstTimestamp = first,
            LastTimestamp = last,
            Skipped = skipped,
            HopLimitsRaised = hopLimitsRaised,
            HeaderChecksumsRepaired = checksumsRepaired,
            VlanTagsRemoved = untagged,
            LoopbackReaddressed = readdressed,
            AddressMap = loopback.Mapping,
            Fragments = fragments,
        };
    }

    private static bool IsFragment(ReadOnlySpan<byte> ip)
    {
        PacketParser.Parse(ip, 0, out var info);
        return info.Status == ParseStatus.Fragment || info.FirstFragment || info.HasFragmentHeader;
    }

    /// <summary>
    /// B forwards: a TTL / hop limit of 0 or 1 would die there (before confirmation) with an ICMP
    /// time-exceeded, so such packets get 64. Conntrack does not look at this field.
    /// </summary>
    private static bool RaiseHopLimit(Span<byte> ip)
    {
        int field = ip[0] >> 4 == 4 ? 8 : 7;
        if (ip[field] > 1)
            return false;
        ip[field] = 64;
        return true;
    }

    /// <summary>
    /// Writes the IPv4 header checksum, which the TTL change invalidates and which captures taken with
    /// checksum offload may carry wrong: ip_rcv would drop such a packet before conntrack saw it.
    /// </summary>
    private static void SetHeaderChecksum(Span<byte> ip)
    {
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~HeaderSum(ip));
    }

    /// <summary>The folded one's-complement sum of the IPv4 header: 0xFFFF when its checksum is right.</summary>
    private static ushort HeaderSum(ReadOnlySpan<byte> ip)
    {
        int headerLength = (ip[0] & 0x0F) * 4;
        return InternetChecksum.Fold(InternetChecksum.Add(0, ip[..headerLength]));
    }

    private static void Skip(Dictionary<PacketSkip, List<long>> skipped, PacketSkip reason, long packetNumber)
    {
        if (!skipped.TryGetValue(reason, out var list))
            skipped[reason] = list = [];
        list.Add(packetNumber);
    }
}
