using Conntrack.Host;
using static Conntrack.Doctor.DoctorText;

namespace Conntrack.Doctor;

/// <summary>Which inputs the verdict cannot rest on, and which values no kernel would show.</summary>
public static partial class DoctorAnalyzer
{
    /// <summary>The roles whose absence of evidence would otherwise read as "no problem".</summary>
    private static readonly string[] DecisiveRoles = ["settings", "table", "counters"];

    /// <summary>Inputs that were there but gave nothing usable: refused, or not one line of them could be parsed.</summary>
    private static List<string> Unusable(HostObservation host)
    {
        var unusable = new List<string>();
        foreach (var input in host.Inputs)
        {
            if (input.Status == InputStatus.Refused && DecisiveRoles.Contains(input.Role))
                unusable.Add($"{input.Role} {input.Path} {input.Detail}");
        }
        if (host.Counters is { CpuRows: 0 } counters)
            unusable.Add($"counters {counters.File} have no usable row ({N(host.Issues.CountFor(counters.File))} malformed)");
        if (host.Table is { Summary.Entries: 0, Malformed: > 0 } table)
            unusable.Add($"table {table.File} has no usable entry ({N(table.Malformed)} malformed lines)");
        return unusable;
    }

    /// <summary>Values a kernel would not show, or not without a reason worth checking.</summary>
    private static List<string> Implausible(TableUsage usage)
    {
        var implausible = new List<string>();
        // The kernel lets the count pass max only when max is lowered below it (entries are never evicted for that).
        if (usage.Count is long count && usage.Max is long max && max > 0 && count > max)
            implausible.Add($"the count {N(count)} ({usage.CountSource}) exceeds nf_conntrack_max {N(max)} ({usage.MaxSource}): max was lowered below the count, or the files were read at different moments");
        if (usage.Buckets == 0)
            implausible.Add($"0 hash buckets ({usage.BucketsSource}): the kernel always allocates at least one page of them; chain lengths are unknown");
        if (usage.Max == 0)
            implausible.Add($"nf_conntrack_max = 0 ({usage.MaxSource}): no limit on kernels up to 6.18, rare on a real host; check the file");
        return implausible;
    }
}
