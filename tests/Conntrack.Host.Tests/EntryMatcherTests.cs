using Conntrack.Flows;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;
using Conntrack.Table;

namespace Conntrack.Host.Tests;

/// <summary>The user-space filter on the entry kinds conntrack 1.4.7 was checked against by hand (directional zones, status, marks).</summary>
public class EntryMatcherTests
{
    private static KernelEntry Udp(uint src, EntryAttributes extra = 0, ushort origZone = 0, ushort replyZone = 0, ushort zone = 0) => new()
    {
        Family = IpFamily.V4,
        Original = FlowTuple.V4(src, 0x0A000006, IpProtocol.Udp, 1, 2, origZone != 0 ? origZone : zone),
        Reply = FlowTuple.V4(0x0A000006, src, IpProtocol.Udp, 2, 1, replyZone != 0 ? replyZone : zone),
        Zone = zone,
        Status = EntryStatus.Confirmed,
        Mark = 0x105,
        Present = EntryAttributes.OriginalTuple | EntryAttributes.ReplyTuple | EntryAttributes.Status | EntryAttributes.Mark | extra,
    };

    // conntrack -I --orig-zone 3, --reply-zone 4, -w 3: conntrack -L --orig-zone 0 lists the last two.
    private static readonly KernelEntry OrigOnly = Udp(0x0A000005, EntryAttributes.OriginalZone, origZone: 3);
    private static readonly KernelEntry ReplyOnly = Udp(0x0A000007, EntryAttributes.ReplyZone, replyZone: 4);
    private static readonly KernelEntry Both = Udp(0x0A000008, EntryAttributes.Zone, zone: 3);

    private static bool[] Select(EntryFilter filter)
    {
        var m = new EntryMatcher(filter);
        return [m.Matches(OrigOnly), m.Matches(ReplyOnly), m.Matches(Both)];
    }

    [Fact]
    public void Directional_zones_are_the_tuples_zones_and_absent_ones_are_zero()
    {
        Assert.Equal([true, false, false], Select(new EntryFilter { OriginalZone = 3 }));
        Assert.Equal([false, true, true], Select(new EntryFilter { OriginalZone = 0 }));
        Assert.Equal([false, true, false], Select(new EntryFilter { ReplyZone = 4 }));
        Assert.Equal([true, false, true], Select(new EntryFilter { ReplyZone = 0 }));
        Assert.Equal([false, false, true], Select(new EntryFilter { Zone = 3 }));
        Assert.Equal([true, true, false], Select(new EntryFilter { Zone = 0 }));
    }

    [Fact]
    public void Marks_compare_under_the_mask_and_unreplied_is_seen_reply_clear()
    {
        Assert.Equal([true, true, true], Select(new EntryFilter { Mark = 5, MarkMask = 0xff }));
        Assert.Equal([false, false, false], Select(new EntryFilter { Mark = 5 }));
        Assert.Equal([true, true, true], Select(new EntryFilter { StatusMask = EntryStatus.SeenReply, StatusValue = 0 }));
        Assert.Equal([false, false, false], Select(new EntryFilter { StatusMask = EntryStatus.SeenReply, StatusValue = EntryStatus.SeenReply }));
        Assert.Equal([false, false, false], Select(new EntryFilter { Family = IpFamily.V6 }));
        Assert.True(EntryFilter.All.IsEmpty);
        Assert.False(new EntryFilter { Zone = 0 }.IsEmpty);
    }
}
