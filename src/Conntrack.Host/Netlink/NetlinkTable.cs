using Conntrack.Flows;
using Conntrack.Host.Tables;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>
/// The doctor's table input (<see cref="TableEntry"/>, <see cref="TableSummary"/>) from a ctnetlink dump, so the
/// doctor keeps one input model: each entry is what its /proc/net/nf_conntrack line would give.
/// </summary>
public static class NetlinkTable
{
    /// <summary>The <see cref="TableReadResult.Format"/> of a table read over ctnetlink.</summary>
    public const string Format = "ctnetlink";

    public static TableReadResult Read(ConntrackClient client, ConntrackSettings timeouts, string label)
    {
        var result = new TableReadResult { File = label, Summary = new TableSummary(timeouts), Source = Format };
        var summary = result.Summary;
        var dump = client.Dump(DumpRequest.All, (in KernelEntry e) => summary.Add(ToTableEntry(e)));
        result.Lines = dump.Entries + dump.Malformed;
        result.Malformed = dump.Malformed;
        return result;
    }

    /// <summary>
    /// The entry as the /proc line would show it: <c>zone=</c> is printed unless the zone is limited to one
    /// direction (then /proc prints <c>zone-orig=</c>/<c>zone-reply=</c> instead, and the doctor's zone is 0).
    /// </summary>
    public static TableEntry ToTableEntry(in KernelEntry e)
    {
        var original = e.Original;
        bool ports = FlowTuple.HasPorts(original.Protocol);
        return new TableEntry
        {
            Family = (byte)e.Family,
            Protocol = original.Protocol,
            Timeout = e.Has(EntryAttributes.Timeout) ? e.Timeout : -1,
            State = e.State,
            Source = Address(original, source: true),
            Destination = Address(original, source: false),
            SourcePort = ports ? original.SrcId : -1,
            DestinationPort = ports ? original.DstId : -1,
            // /proc prints [OFFLOAD] in place of [ASSURED], and the line parser counts it as both.
            Assured = (e.Status & (EntryStatus.Assured | EntryStatus.Offload | EntryStatus.HwOffload)) != 0,
            Unreplied = (e.Status & EntryStatus.SeenReply) == 0,
            Offloaded = (e.Status & (EntryStatus.Offload | EntryStatus.HwOffload)) != 0,
            Zone = e.Zone,
            HasL3Prefix = true,
            HasZoneField = (e.Present & (EntryAttributes.OriginalZone | EntryAttributes.ReplyZone)) == 0,
            HasMark = true,
        };
    }

    private static AddressKey Address(in FlowTuple t, bool source) =>
        t.Family == IpFamily.V6
            ? new AddressKey(source ? t.SrcHi : t.DstHi, source ? t.SrcLo : t.DstLo, true)
            : new AddressKey(0, source ? t.SrcV4 : t.DstV4, false);
}
