using System.Globalization;
using System.Text;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.TestData.Netlink;

/// <summary>
/// A decoded entry as <c>conntrack -L -o extended,id</c> prints it, without the two fields that move between
/// two reads (the timeout and delta-time), so tests can compare every decoded attribute with conntrack's text.
/// </summary>
public static class KernelEntryText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Stable(in KernelEntry e)
    {
        var sb = new StringBuilder(256);
        sb.Append(e.Family == IpFamily.V6 ? "ipv6     10 " : "ipv4     2 ");
        sb.Append(Inv, $"{IpProtocol.Name(e.Original.Protocol),-8} {e.Original.Protocol} ");
        if (e.State != StateId.Absent)
            sb.Append(StateNames.Name(e.State)).Append(' ');
        Direction(sb, e, e.Original, EntryAttributes.OriginalZone, "zone-orig", e.Has(EntryAttributes.CountersOriginal), e.PacketsOriginal, e.BytesOriginal);
        if (e.Has(EntryAttributes.Status) && (e.Status & EntryStatus.SeenReply) == 0)
            sb.Append("[UNREPLIED] ");
        Direction(sb, e, e.Reply, EntryAttributes.ReplyZone, "zone-reply", e.Has(EntryAttributes.CountersReply), e.PacketsReply, e.BytesReply);
        if ((e.Status & EntryStatus.HwOffload) != 0)
            sb.Append("[HW_OFFLOAD] ");
        else if ((e.Status & EntryStatus.Offload) != 0)
            sb.Append("[OFFLOAD] ");
        else if ((e.Status & EntryStatus.Assured) != 0)
            sb.Append("[ASSURED] ");
        if (e.Has(EntryAttributes.Mark))
            sb.Append(Inv, $"mark={e.Mark} ");
        if (e.Has(EntryAttributes.SecContext))
            sb.Append(Inv, $"secctx={e.SecContext} ");
        if (e.Has(EntryAttributes.Zone))
            sb.Append(Inv, $"zone={e.Zone} ");
        if (e.Has(EntryAttributes.Helper))
            sb.Append(Inv, $"helper={e.Helper} ");
        if (e.Has(EntryAttributes.Use))
            sb.Append(Inv, $"use={e.Use} ");
        if (e.Has(EntryAttributes.Id))
            sb.Append(Inv, $"id={e.Id} ");
        return sb.ToString().TrimEnd();
    }

    /// <summary>A conntrack -L -o extended,id line with its timeout and delta-time removed.</summary>
    public static string StableLine(string line)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        // ipv4 2 tcp 6 [timeout] ...: the timeout is the fifth token when it is a number.
        if (tokens.Count > 4 && uint.TryParse(tokens[4], NumberStyles.None, Inv, out _))
            tokens.RemoveAt(4);
        tokens.RemoveAll(t => t.StartsWith("delta-time=", StringComparison.Ordinal));
        var sb = new StringBuilder();
        sb.Append(Inv, $"{tokens[0],-8} {tokens[1]} {tokens[2],-8} {tokens[3]} ");
        sb.AppendJoin(' ', tokens.Skip(4));
        return sb.ToString();
    }

    /// <summary>The lines of a <c>conntrack -L -o extended,id</c> output by their id.</summary>
    public static Dictionary<uint, string> LinesById(IEnumerable<string> lines) =>
        lines.Where(l => l.Contains(" id=", StringComparison.Ordinal))
            .ToDictionary(l => uint.Parse(l[(l.LastIndexOf(" id=", StringComparison.Ordinal) + 4)..].Trim(), Inv), StableLine);

    private static void Direction(StringBuilder sb, in KernelEntry e, in FlowTuple tuple, EntryAttributes zone, string zoneName, bool counters, ulong packets, ulong bytes)
    {
        TupleText.Append(sb, tuple, compressIpv6: true);
        if (sb[^1] != ' ')
            sb.Append(' ');
        if (e.Has(zone))
            sb.Append(Inv, $"{zoneName}={tuple.Zone} ");
        if (counters)
            sb.Append(Inv, $"packets={packets} bytes={bytes} ");
    }
}
