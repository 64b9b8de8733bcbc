using System.Globalization;
using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;

namespace Conntrack.Host.Listing;

/// <summary>
/// Counts entries per group in one streaming pass (<c>ctnet count --by</c>): one dictionary slot per
/// distinct group, nothing per entry, so memory follows the number of groups, not of entries.
/// </summary>
public sealed class EntryGroups(GroupBy by)
{
    private readonly Dictionary<GroupKey, long> _counts = [];

    public GroupBy By { get; } = by;
    public long Total { get; private set; }
    public int Count => _counts.Count;

    /// <summary>One group's identity; fields not grouped by stay 0.</summary>
    public readonly record struct GroupKey(
        ulong SrcHi, ulong SrcLo, ulong DstHi, ulong DstLo, uint Mark, ushort Dport, ushort Zone, byte Protocol, StateId State, IpFamily Family);

    public void Add(in KernelEntry e)
    {
        ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, KeyOf(By, e), out _);
        count++;
        Total++;
    }

    /// <summary>The group <paramref name="e"/> falls in when grouping by <paramref name="by"/>.</summary>
    public static GroupKey KeyOf(GroupBy by, in KernelEntry e)
    {
        var o = e.Original;
        bool src = (by & GroupBy.Src) != 0, dst = (by & GroupBy.Dst) != 0;
        return new GroupKey(
            src ? o.SrcHi : 0, src ? o.SrcLo : 0, dst ? o.DstHi : 0, dst ? o.DstLo : 0,
            (by & GroupBy.Mark) != 0 ? e.Mark : 0,
            (by & GroupBy.Dport) != 0 && FlowTuple.HasPorts(o.Protocol) ? o.DstId : (ushort)0,
            (by & GroupBy.Zone) != 0 ? e.Zone : (ushort)0,
            (by & GroupBy.Proto) != 0 ? o.Protocol : (byte)0,
            (by & GroupBy.State) != 0 ? e.State : StateId.Absent,
            src || dst ? e.Family : 0);
    }

    /// <summary>The groups, largest first (ties in key order, so the output is stable); <paramref name="top"/> 0 = all.</summary>
    public IReadOnlyList<(GroupKey Key, long Count)> Largest(int top)
    {
        var rows = _counts.Select(kv => (kv.Key, Count: kv.Value))
            .OrderByDescending(r => r.Count).ThenBy(r => Label(r.Key), StringComparer.Ordinal);
        return (top > 0 ? rows.Take(top) : rows).ToList();
    }

    /// <summary>The grouped fields of a key as text, in the order of <see cref="GroupBy"/>, separated by tabs.</summary>
    public string Label(GroupKey key) => string.Join('\t', Columns(key).Select(c => c.Value));

    /// <summary>Column name and value of each grouped field (state "-" for protocols without states).</summary>
    public IEnumerable<(string Name, string Value)> Columns(GroupKey key)
    {
        if ((By & GroupBy.State) != 0)
            yield return ("state", key.State == StateId.Absent ? "-" : StateNames.Name(key.State));
        if ((By & GroupBy.Proto) != 0)
            yield return ("proto", IpProtocol.Name(key.Protocol) is "unknown" ? key.Protocol.ToString(CultureInfo.InvariantCulture) : IpProtocol.Name(key.Protocol));
        if ((By & GroupBy.Src) != 0)
            yield return ("src", AddressText(key.Family, key.SrcHi, key.SrcLo));
        if ((By & GroupBy.Dst) != 0)
            yield return ("dst", AddressText(key.Family, key.DstHi, key.DstLo));
        if ((By & GroupBy.Dport) != 0)
            yield return ("dport", key.Dport.ToString(CultureInfo.InvariantCulture));
        if ((By & GroupBy.Zone) != 0)
            yield return ("zone", key.Zone.ToString(CultureInfo.InvariantCulture));
        if ((By & GroupBy.Mark) != 0)
            yield return ("mark", key.Mark.ToString(CultureInfo.InvariantCulture));
    }

    private static string AddressText(IpFamily family, ulong hi, ulong lo)
    {
        var tuple = family == IpFamily.V6 ? FlowTuple.V6(hi, lo, 0, 0, 0, 0, 0) : FlowTuple.V4((uint)lo, 0, 0, 0, 0);
        Span<byte> text = stackalloc byte[64];
        int n = ConntrackLine.Address(text, tuple, source: true);
        return System.Text.Encoding.ASCII.GetString(text[..n]);
    }
}
