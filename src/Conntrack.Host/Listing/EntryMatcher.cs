using Conntrack.Flows;
using Conntrack.Host.Netlink;

namespace Conntrack.Host.Listing;

/// <summary>
/// The user-space half of an <see cref="EntryFilter"/>: every field checked, as conntrack's own filter
/// callback does after the kernel's filter, since a kernel older than the filter attribute returns everything.
/// </summary>
public sealed class EntryMatcher(EntryFilter filter)
{
    private readonly EntryFilter _f = filter;
    private readonly IpFamily? _family = filter.ImpliedFamily;

    public EntryFilter Filter => _f;

    public bool Matches(in KernelEntry e)
    {
        var o = e.Original;
        var r = e.Reply;
        return (_family is null || e.Family == _family)
            && (_f.Protocol is null || o.Protocol == _f.Protocol)
            && Address(_f.OriginalSource, o.SrcHi, o.SrcLo)
            && Address(_f.OriginalDestination, o.DstHi, o.DstLo)
            && Address(_f.ReplySource, r.SrcHi, r.SrcLo)
            && Address(_f.ReplyDestination, r.DstHi, r.DstLo)
            && (_f.OriginalSourcePort is null || o.SrcId == _f.OriginalSourcePort)
            && (_f.OriginalDestinationPort is null || o.DstId == _f.OriginalDestinationPort)
            && (_f.ReplySourcePort is null || r.SrcId == _f.ReplySourcePort)
            && (_f.ReplyDestinationPort is null || r.DstId == _f.ReplyDestinationPort)
            && (_f.State is null || e.State == _f.State)
            && (_f.Mark is null || (e.Mark & _f.MarkMask) == (_f.Mark & _f.MarkMask))
            && (e.Status & _f.StatusMask) == _f.StatusValue
            && (_f.Zone is null || e.Zone == _f.Zone)
            && (_f.OriginalZone is null || DirectionZone(e, EntryAttributes.OriginalZone, o) == _f.OriginalZone)
            && (_f.ReplyZone is null || DirectionZone(e, EntryAttributes.ReplyZone, r) == _f.ReplyZone);
    }

    /// <summary>The zone the tuple carried (CTA_TUPLE_ZONE), 0 without one, as conntrack reads an absent attribute.</summary>
    private static ushort DirectionZone(in KernelEntry e, EntryAttributes attribute, in FlowTuple t) => e.Has(attribute) ? t.Zone : (ushort)0;

    private static bool Address(AddressPrefix? prefix, ulong hi, ulong lo) => prefix is not { } p || p.Contains(hi, lo);
}
