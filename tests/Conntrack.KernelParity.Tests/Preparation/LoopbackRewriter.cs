using System.Buffers.Binary;
using System.Net;
using Conntrack.Capture;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// Moves loopback conversations into the suite's test ranges so B can forward them. A capture taken on
/// <c>lo</c> (127.0.0.1 ↔ 127.0.0.1, ::1 ↔ ::1) would otherwise be refused by ip_rcv / ip_route_input
/// and compare nothing. Only packets whose source and destination are both loopback are rewritten: a
/// loopback address beside an ordinary one is a martian on a wire and stays left out.
/// <para>
/// Each loopback address gets one replacement for the whole capture (10.201.127.1, .2, … and
/// fd00:201::7f00:1, :2, …, skipping any address the capture already uses), also inside the packet an
/// ICMP / ICMPv6 error quotes. Checksums that cover the addresses are updated incrementally (RFC 1624):
/// the IPv4 header, TCP / UDP / UDP-Lite / DCCP / ICMPv6 through their pseudo-header, and an ICMP
/// message whose quoted packet changed. A checksum that was right stays right and one that was wrong
/// (offloaded captures) stays just as wrong; an IPv4 UDP checksum of 0 (none) stays 0.
/// </para>
/// </summary>
internal sealed class LoopbackRewriter
{
    private const uint FirstV4 = 0x0AC97F01; // 10.201.127.1
    private static readonly UInt128 FirstV6 = BinaryPrimitives.ReadUInt128BigEndian(IPAddress.Parse("fd00:201::7f00:1").GetAddressBytes());
    private static readonly UInt128 Loopback6 = UInt128.One;

    private readonly HashSet<uint> _present4;
    private readonly HashSet<UInt128> _present6;
    private readonly Dictionary<uint, uint> _map4 = [];
    private readonly Dictionary<UInt128, UInt128> _map6 = [];
    private uint _next4 = FirstV4;
    private UInt128 _next6 = FirstV6;

    private LoopbackRewriter(HashSet<uint> present4, HashSet<UInt128> present6)
    {
        _present4 = present4;
        _present6 = present6;
    }

    /// <summary>Reads <paramref name="source"/> once for the addresses it uses, so no replacement collides with one of them.</summary>
    public static LoopbackRewriter ForCapture(string source)
    {
        var present4 = new HashSet<uint>();
        var present6 = new HashSet<UInt128>();
        using var reader = CaptureReader.Open(source);
        while (reader.TryReadNext(out var record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network) != LinkDecodeStatus.Ok)
                continue;
            var ip = record.Data.Slice(network.Offset, network.Length);
            if (ip.Length >= 20 && ip[0] >> 4 == 4)
            {
                present4.Add(BinaryPrimitives.ReadUInt32BigEndian(ip[12..]));
                present4.Add(BinaryPrimitives.ReadUInt32BigEndian(ip[16..]));
            }
            else if (ip.Length >= 40 && ip[0] >> 4 == 6)
            {
                present6.Add(BinaryPrimitives.ReadUInt128BigEndian(ip[8..]));
                present6.Add(BinaryPrimitives.ReadUInt128BigEndian(ip[24..]));
            }
        }
        return new LoopbackRewriter(present4, present6);
    }

    /// <summary>Every replacement made so far, as "old→new", in the order they were first needed.</summary>
    public IReadOnlyList<string> Mapping =>
    [
        .. _map4.Select(p => $"{Text4(p.Key)}→{Text4(p.Value)}"),
        .. _map6.Select(p => $"{Text6(p.Key)}→{Text6(p.Value)}"),
    ];

    /// <summary>True when both addresses of the IP header at the start of <paramref name="ip"/> are loopback.</summary>
    public static bool IsLoopbackConversation(ReadOnlySpan<byte> ip)
    {
        if (ip.Length >= 20 && ip[0] >> 4 == 4)
            return IsLoopback4(BinaryPrimitives.ReadUInt32BigEndian(ip[12..])) && IsLoopback4(BinaryPrimitives.ReadUInt32BigEndian(ip[16..]));
        if (ip.Length >= 40 && ip[0] >> 4 == 6)
            return BinaryPrimitives.ReadUInt128BigEndian(ip[8..]) == Loopback6 && BinaryPrimitives.ReadUInt128BigEndian(ip[24..]) == Loopback6;
        return false;
    }

    /// <summary>
    /// Rewrites a loopback conversation's packet in place (<paramref name="ip"/>: the captured bytes from
    /// the IP header on, possibly cut by the snap length or followed by link padding). False, and nothing
    /// changed, when it is not one or its IP header is not all there.
    /// </summary>
    public bool TryRewrite(Span<byte> ip)
    {
        if (!IsLoopbackConversation(ip))
            return false;
        return ip[0] >> 4 == 4 ? Rewrite4(ip) : Rewrite6(ip);
    }

    private bool Rewrite4(Span<byte> ip)
    {
        int headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < 20 || headerLength > ip.Length)
            return false;
        var (protocol, l4) = Transport4(ip, headerLength);
        var checksum = L4ChecksumField(protocol, ipv6: false);
        ulong before = checksum is { } c ? L4Sum(ip, l4, c.Offset, c.PseudoHeader, ipv6: false) : 0;

        ReplaceAddresses4(ip, headerLength);
        if (protocol == 1 && l4.End.Value - l4.Start.Value >= 8 + 20 && IsIcmpError4(ip[l4.Start.Value]))
            RewriteQuoted4(ip[(l4.Start.Value + 8)..l4.End.Value]);

        if (checksum is { } field)
            PatchL4(ip, l4, field.Offset, protocol, before, L4Sum(ip, l4, field.Offset, field.PseudoHeader, ipv6: false), ipv6: false);
        return true;
    }

    private bool Rewrite6(Span<byte> ip)
    {
        var (protocol, l4) = Transport6(ip);
        var checksum = protocol is { } p ? L4ChecksumField(p, ipv6: true) : null;
        ulong before = checksum is { } c ? L4Sum(ip, l4, c.Offset, c.PseudoHeader, ipv6: true) : 0;

        Map6(BinaryPrimitives.ReadUInt128BigEndian(ip[8..])).CopyTo(ip[8..24]);
        Map6(BinaryPrimitives.ReadUInt128BigEndian(ip[24..])).CopyTo(ip[24..40]);
        if (protocol == 58 && l4.End.Value - l4.Start.Value >= 8 + 40 && ip[l4.Start.Value] < 128)
            RewriteQuoted6(ip[(l4.Start.Value + 8)..l4.End.Value]);

        if (checksum is { } field)
            PatchL4(ip, l4, field.Offset, protocol!.Value, before, L4Sum(ip, l4, field.Offset, field.PseudoHeader, ipv6: true), ipv6: true);
        return true;
    }

    /// <summary>The IPv4 header's addresses, with its checksum updated for the change.</summary>
    private void ReplaceAddresses4(Span<byte> header, int headerLength)
    {
        ulong before = HeaderSum(header[..headerLength]);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], Map4(BinaryPrimitives.ReadUInt32BigEndian(header[12..])));
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], Map4(BinaryPrimitives.ReadUInt32BigEndian(header[16..])));
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(header[10..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], Adjust(old, before, HeaderSum(header[..headerLength])));
    }

    /// <summary>The packet an ICMP error quotes (its header at the start of <paramref name="quoted"/>): its loopback addresses, mapped alike.</summary>
    private void RewriteQuoted4(Span<byte> quoted)
    {
        if (quoted[0] >> 4 != 4)
            return;
        int headerLength = (quoted[0] & 0x0F) * 4;
        if (headerLength < 20 || headerLength > quoted.Length)
            return;
        if (!IsLoopback4(BinaryPrimitives.ReadUInt32BigEndian(quoted[12..])) && !IsLoopback4(BinaryPrimitives.ReadUInt32BigEndian(quoted[16..])))
            return;
        ulong before = HeaderSum(quoted[..headerLength]);
        ulong addressesBefore = InternetChecksum.Add(0, quoted[12..20]);
        for (int offset = 12; offset <= 16; offset += 4)
        {
            uint address = BinaryPrimitives.ReadUInt32BigEndian(quoted[offset..]);
            if (IsLoopback4(address))
                BinaryPrimitives.WriteUInt32BigEndian(quoted[offset..], Map4(address));
        }
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(quoted[10..]);
        BinaryPrimitives.WriteUInt16BigEndian(quoted[10..], Adjust(old, before, HeaderSum(quoted[..headerLength])));
        var (protocol, l4) = Transport4(quoted, headerLength);
        AdjustQuotedL4(quoted[l4], protocol, addressesBefore, InternetChecksum.Add(0, quoted[12..20]), ipv6: false);
    }

    private void RewriteQuoted6(Span<byte> quoted)
    {
        if (quoted[0] >> 4 != 6)
            return;
        ulong addressesBefore = InternetChecksum.Add(0, quoted[8..40]);
        for (int offset = 8; offset <= 24; offset += 16)
        {
            if (BinaryPrimitives.ReadUInt128BigEndian(quoted[offset..]) == Loopback6)
                Map6(Loopback6).CopyTo(quoted.Slice(offset, 16));
        }
        var (protocol, l4) = Transport6(quoted);
        if (protocol is { } p)
            AdjustQuotedL4(quoted[l4], p, addressesBefore, InternetChecksum.Add(0, quoted[8..40]), ipv6: true);
    }

    /// <summary>
    /// The quoted packet's own transport checksum, as far as the quote holds it: only its pseudo-header
    /// changed, so the quote carries what the rewritten original packet carried.
    /// </summary>
    private static void AdjustQuotedL4(Span<byte> l4, byte protocol, ulong addressesBefore, ulong addressesAfter, bool ipv6)
    {
        if (L4ChecksumField(protocol, ipv6) is not { PseudoHeader: true } field || l4.Length < field.Offset + 2)
            return;
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(l4[field.Offset..]);
        if (protocol == 17 && !ipv6 && old == 0)
            return;
        ushort updated = Adjust(old, addressesBefore, addressesAfter);
        if (protocol == 17 && updated == 0)
            updated = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(l4[field.Offset..], updated);
    }

    private uint Map4(uint address)
    {
        if (!IsLoopback4(address))
            return address;
        if (!_map4.TryGetValue(address, out uint mapped))
        {
            while (_present4.Contains(_next4) || (_next4 & 0xFF) is 0 or 0xFF)
                _next4++;
            mapped = _next4++;
            _map4[address] = mapped;
        }
        return mapped;
    }

    private byte[] Map6(UInt128 address)
    {
        if (address != Loopback6)
            return Bytes6(address);
        if (!_map6.TryGetValue(address, out var mapped))
        {
            while (_present6.Contains(_next6))
                _next6++;
            mapped = _next6++;
            _map6[address] = mapped;
        }
        return Bytes6(mapped);
    }

    /// <summary>The transport protocol and its bytes in the capture; an empty range for a non-first fragment.</summary>
    private static (byte Protocol, Range L4) Transport4(ReadOnlySpan<byte> ip, int headerLength)
    {
        int total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ip[2..]), ip.Length);
        bool laterFragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF) != 0;
        int end = Math.Max(total, headerLength);
        return (ip[9], laterFragment ? headerLength..headerLength : headerLength..end);
    }

    /// <summary>Walks the IPv6 extension headers to the transport header; null protocol for a non-first fragment or a chain cut short.</summary>
    private static (byte? Protocol, Range L4) Transport6(ReadOnlySpan<byte> ip)
    {
        int end = Math.Min(40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), ip.Length);
        var chain = new Ipv6ExtensionWalker(ip[..end]);
        if (chain.SkipToUpperLayer(int.MaxValue) != Ipv6ChainEnd.Reached || chain.Offset > end)
            return (null, 0..0);
        return (chain.Current, chain.Offset..end);
    }

    /// <summary>Where the transport checksum sits and whether it covers the pseudo-header; null when no checksum covers the addresses or the quoted packet.</summary>
    private static (int Offset, bool PseudoHeader)? L4ChecksumField(byte protocol, bool ipv6) => protocol switch
    {
        6 => (16, true),                // TCP
        17 or 136 or 33 => (6, true),   // UDP, UDP-Lite, DCCP
        58 => (2, true),                // ICMPv6
        1 when !ipv6 => (2, false),     // ICMP: only its quoted packet can change
        _ => null,
    };

    /// <summary>
    /// The unfolded one's-complement sum of what the checksum covers as far as the capture holds it, with
    /// the checksum field itself taken as zero; lengths and bytes the rewrite leaves alone cancel out.
    /// </summary>
    private static ulong L4Sum(ReadOnlySpan<byte> ip, Range l4, int checksumOffset, bool pseudoHeader, bool ipv6)
    {
        var segment = ip[l4];
        if (segment.Length < checksumOffset + 2)
            return 0;
        ulong sum = 0;
        if (pseudoHeader)
            sum = ipv6 ? InternetChecksum.Add(InternetChecksum.Add(0, ip[8..24]), ip[24..40]) : InternetChecksum.Add(0, ip[12..20]);
        sum = InternetChecksum.Add(sum, segment[..checksumOffset]);
        return InternetChecksum.Add(sum, segment[(checksumOffset + 2)..]);
    }

    private static void PatchL4(Span<byte> ip, Range l4, int checksumOffset, byte protocol, ulong before, ulong after, bool ipv6)
    {
        var segment = ip[l4];
        if (segment.Length < checksumOffset + 2)
            return;
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
        if (protocol == 17 && !ipv6 && old == 0)
            return; // IPv4 UDP without a checksum
        ushort updated = Adjust(old, before, after);
        if (protocol == 17 && updated == 0)
            updated = 0xFFFF; // 0 would mean "no checksum"
        BinaryPrimitives.WriteUInt16BigEndian(segment[checksumOffset..], updated);
    }

    /// <summary>RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with m and m' the sums of what the checksum covers before and after.</summary>
    internal static ushort Adjust(ushort checksum, ulong before, ulong after)
    {
        ulong sum = (ushort)~checksum + (ulong)(ushort)~InternetChecksum.Fold(before) + InternetChecksum.Fold(after);
        return (ushort)~InternetChecksum.Fold(sum);
    }

    private static ulong HeaderSum(ReadOnlySpan<byte> header) => InternetChecksum.Add(InternetChecksum.Add(0, header[..10]), header[12..]);

    private static bool IsIcmpError4(byte type) => type is 3 or 4 or 5 or 11 or 12;

    private static bool IsLoopback4(uint address) => (address >> 24) == 127;

    private static byte[] Bytes6(UInt128 address)
    {
        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return bytes;
    }

    private static string Text4(uint address)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }

    private static string Text6(UInt128 address) => new IPAddress(Bytes6(address)).ToString();
}
