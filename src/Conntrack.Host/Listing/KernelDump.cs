using Conntrack.Flows;
using Conntrack.Host.Netlink;

namespace Conntrack.Host.Listing;

/// <summary>Turns the conntrack filter into the dump request the kernel can apply itself; the rest stays for <see cref="EntryMatcher"/>.</summary>
public static class KernelDump
{
    /// <summary>
    /// Family, mark/mask, status/mask and a non-zero zone always; exact addresses, the protocol, and TCP/UDP
    /// ports as a CTA_FILTER tuple (the kernel compares ports of TCP and UDP only, and no prefixes).
    /// </summary>
    public static DumpRequest Request(EntryFilter f) => new()
    {
        Family = f.ImpliedFamily ?? IpFamily.None,
        Mark = f.Mark is uint mark ? mark & f.MarkMask : null,
        MarkMask = f.MarkMask,
        Status = f.StatusMask != 0 ? f.StatusValue : null,
        StatusMask = f.StatusMask != 0 ? f.StatusMask : null,
        Zone = f.Zone is > 0 ? f.Zone : null,
        Original = Tuple(f, f.OriginalSource, f.OriginalDestination, f.OriginalSourcePort, f.OriginalDestinationPort),
        Reply = Tuple(f, f.ReplySource, f.ReplyDestination, f.ReplySourcePort, f.ReplyDestinationPort),
    };

    private static TupleFilter? Tuple(EntryFilter f, AddressPrefix? src, AddressPrefix? dst, ushort? sport, ushort? dport)
    {
        var fields = TupleFields.None;
        AddressPrefix? exactSrc = Exact(src), exactDst = Exact(dst);
        if (exactSrc is not null)
            fields |= TupleFields.SourceAddress;
        if (exactDst is not null)
            fields |= TupleFields.DestinationAddress;
        bool ports = f.Protocol is IpProtocol.Tcp or IpProtocol.Udp;
        if (ports && sport is not null)
            fields |= TupleFields.SourcePort;
        if (ports && dport is not null)
            fields |= TupleFields.DestinationPort;
        // CTA_FILTER needs one family in the request: with ports but no address or -f, both families must come back.
        if (fields == TupleFields.None || f.ImpliedFamily is null)
            return null;
        if (f.Protocol is not null)
            fields |= TupleFields.Protocol;
        var family = f.ImpliedFamily.Value;
        var s = exactSrc?.Address ?? default;
        var d = exactDst?.Address ?? default;
        byte protocol = f.Protocol ?? 0;
        ushort sp = ports ? sport ?? 0 : (ushort)0, dp = ports ? dport ?? 0 : (ushort)0;
        var values = family == IpFamily.V6
            ? FlowTuple.V6(s.Hi, s.Lo, d.Hi, d.Lo, protocol, sp, dp)
            : FlowTuple.V4((uint)s.Lo, (uint)d.Lo, protocol, sp, dp);
        return new TupleFilter(values, fields);
    }

    /// <summary>
    /// Full-length IPv4 addresses only: an exact IPv6 address sent in CTA_FILTER selected nothing on this
    /// machine's kernel (6.x, netlink-lib 037c51e), so IPv6 addresses are left to the user-space check.
    /// </summary>
    private static AddressPrefix? Exact(AddressPrefix? prefix) =>
        prefix is { } p && !p.Address.IsV6 && p.Length == 32 ? p : null;
}
