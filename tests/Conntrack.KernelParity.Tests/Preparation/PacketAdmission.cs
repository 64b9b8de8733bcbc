using System.Buffers.Binary;

namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// Decides whether the kernel in B would carry an IP packet as far as conntrack's confirmation, given
/// B's setup (forwarding on, no addresses on b0, default routes to C, only the all-nodes and all-routers
/// multicast groups joined). The rules are the kernel's own: ip_rcv_core / ip6_rcv_core sanity checks,
/// ip_route_input's martian checks, and ip6_forward's refusal of link-local and unspecified sources.
/// </summary>
internal static class PacketAdmission
{
    private const uint TopologyNet4 = 0x0ACAFF00; // 10.202.255.0/30: the B–C link
    private const uint AllHosts4 = 0xE0000001;    // 224.0.0.1, joined by every IPv4 interface
    private const uint LimitedBroadcast = 0xFFFFFFFF;
    private static readonly byte[] TopologyNet6 = [0xFD, 0x00, 0x02, 0x02, 0, 0, 0, 0]; // fd00:202::/64

    /// <summary>
    /// Checks the IP packet at the start of <paramref name="captured"/>. On admission returns null and the
    /// packet's own length (link-layer padding excluded); otherwise the reason it cannot be compared.
    /// </summary>
    public static PacketSkip? Examine(ReadOnlySpan<byte> captured, out int ipLength)
    {
        ipLength = 0;
        if (captured.IsEmpty)
            return PacketSkip.Truncated;
        return (captured[0] >> 4) switch
        {
            4 => Examine4(captured, out ipLength),
            6 => Examine6(captured, out ipLength),
            _ => PacketSkip.Malformed,
        };
    }

    private static PacketSkip? Examine4(ReadOnlySpan<byte> p, out int ipLength)
    {
        ipLength = 0;
        if (p.Length < 20)
            return PacketSkip.Truncated;
        int headerLength = (p[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
        if (headerLength < 20 || total < headerLength)
            return PacketSkip.Malformed;
        if (total > p.Length)
            return PacketSkip.Truncated;
        ipLength = total;

        uint src = BinaryPrimitives.ReadUInt32BigEndian(p[12..]);
        uint dst = BinaryPrimitives.ReadUInt32BigEndian(p[16..]);
        if ((src & 0xFFFFFFFC) == TopologyNet4 || (dst & 0xFFFFFFFC) == TopologyNet4)
            return PacketSkip.TopologyAddress;
        if (IsMulticast4(src) || src == LimitedBroadcast)
            return PacketSkip.MartianSource;
        if (IsMulticast4(dst))
            return dst != AllHosts4 ? PacketSkip.UnjoinedMulticast : IsLoopback4(src) ? PacketSkip.MartianSource : null;
        if (dst == LimitedBroadcast)
            return IsLoopback4(src) ? PacketSkip.MartianSource : null; // 0.0.0.0 → broadcast (DHCP) is delivered
        if ((src >> 24) == 0 || IsLoopback4(src))
            return PacketSkip.MartianSource;
        if ((dst >> 24) == 0 || IsLoopback4(dst))
            return PacketSkip.MartianDestination;
        return null;
    }

    private static PacketSkip? Examine6(ReadOnlySpan<byte> p, out int ipLength)
    {
        ipLength = 0;
        if (p.Length < 40)
            return PacketSkip.Truncated;
        int payload = BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
        if (payload == 0 && p[6] == 0)
            return PacketSkip.Malformed; // jumbogram: never on a 64 KiB MTU veth
        if (40 + payload > p.Length)
            return PacketSkip.Truncated;
        ipLength = 40 + payload;

        ReadOnlySpan<byte> src = p.Slice(8, 16);
        ReadOnlySpan<byte> dst = p.Slice(24, 16);
        if (src[..8].SequenceEqual(TopologyNet6) || dst[..8].SequenceEqual(TopologyNet6))
            return PacketSkip.TopologyAddress;
        if (src[0] == 0xFF)
            return PacketSkip.MartianSource;
        if (IsLoopback6(src) || IsLoopback6(dst))
            return PacketSkip.Ipv6LoopbackOrUnspecified;
        if (dst[0] == 0xFF)
            return IsJoinedGroup6(dst) ? null : PacketSkip.UnjoinedMulticast; // delivered locally: any source will do
        if (IsUnspecified6(src))
            return PacketSkip.Ipv6LoopbackOrUnspecified;
        if (IsLinkLocal6(src) || IsLinkLocal6(dst))
            return PacketSkip.Ipv6LinkLocal;
        return null;
    }

    private static bool IsMulticast4(uint address) => (address >> 28) == 0xE;

    private static bool IsLoopback4(uint address) => (address >> 24) == 127;

    private static bool IsLoopback6(ReadOnlySpan<byte> a) => a[..15].IndexOfAnyExcept((byte)0) < 0 && a[15] == 1;

    private static bool IsUnspecified6(ReadOnlySpan<byte> a) => a.IndexOfAnyExcept((byte)0) < 0;

    private static bool IsLinkLocal6(ReadOnlySpan<byte> a) => a[0] == 0xFE && (a[1] & 0xC0) == 0x80;

    /// <summary>ff02::1 (all nodes) on every interface; ff02::2 and ff05::2 (all routers) because B forwards.</summary>
    private static bool IsJoinedGroup6(ReadOnlySpan<byte> a) =>
        (a[1] == 0x02 || a[1] == 0x05) && a[2..15].IndexOfAnyExcept((byte)0) < 0 && (a[15] == 2 || (a[15] == 1 && a[1] == 0x02));
}
