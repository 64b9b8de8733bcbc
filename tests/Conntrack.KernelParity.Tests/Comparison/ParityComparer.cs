using System.Globalization;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>
/// Compares two /proc/net/nf_conntrack dumps entry by entry, keyed by the original tuple: protocol
/// state, [ASSURED], [UNREPLIED], the reply tuple, mark, zone, the packet and byte counters
/// (nf_conntrack_acct), and the remaining timeout and delta-time (nf_conntrack_timestamp) within a
/// tolerance that absorbs tcpreplay's pacing and the read latency.
/// </summary>
internal static class ParityComparer
{
    /// <summary>How far the remaining timeouts may differ, in seconds.</summary>
    public const long TimeoutToleranceSeconds = 2;

    public static ParityReport Compare(string scenario, IEnumerable<string> kernelLines, IEnumerable<string> engineLines, ConntrackCounters kernelCounters, ConntrackCounters engineCounters)
    {
        var kernel = Index(ProcEntry.ParseAll(kernelLines), "kernel");
        var engine = Index(ProcEntry.ParseAll(engineLines), "engine");
        var mismatches = new List<EntryMismatch>();
        var expiring = new List<string>();
        int equal = 0, total = 0;

        foreach (string key in kernel.Keys.Union(engine.Keys).Order(StringComparer.Ordinal))
        {
            kernel.TryGetValue(key, out var k);
            engine.TryGetValue(key, out var e);
            if (k is null || e is null)
            {
                var present = (k ?? e)!;
                // An entry a second or two from expiry may be gone on one side only because the two
                // reads are not at the same instant to the millisecond.
                if (present.TimeoutSeconds <= TimeoutToleranceSeconds)
                {
                    expiring.Add((k is null ? "engine only: " : "kernel only: ") + present.Line);
                    continue;
                }
                total++;
                mismatches.Add(new EntryMismatch(key, k is null ? "only in the engine" : "only in the kernel", k?.Line, e?.Line));
                continue;
            }
            total++;
            var differences = Differences(k, e);
            if (differences.Count == 0)
                equal++;
            else
                mismatches.Add(new EntryMismatch(key, "differs in " + string.Join(", ", differences), k.Line, e.Line));
        }

        return new ParityReport
        {
            Scenario = scenario,
            EqualEntries = equal,
            TotalEntries = total,
            KernelCounters = kernelCounters,
            EngineCounters = engineCounters,
            Mismatches = mismatches,
            ExpiringAtRead = expiring,
        };
    }

    private static List<string> Differences(ProcEntry k, ProcEntry e)
    {
        var d = new List<string>();
        if (k.State != e.State)
            d.Add($"state ({k.State ?? "-"} vs {e.State ?? "-"})");
        if (k.Assured != e.Assured)
            d.Add($"[ASSURED] ({k.Assured} vs {e.Assured})");
        if (k.Unreplied != e.Unreplied)
            d.Add($"[UNREPLIED] ({k.Unreplied} vs {e.Unreplied})");
        if (k.ReplyTuple != e.ReplyTuple)
            d.Add("reply tuple");
        if (Math.Abs(k.TimeoutSeconds - e.TimeoutSeconds) > TimeoutToleranceSeconds)
            d.Add($"timeout ({k.TimeoutSeconds} vs {e.TimeoutSeconds})");
        if (k.Mark != e.Mark || k.Zone != e.Zone)
            d.Add($"mark/zone ({k.Mark}/{k.Zone} vs {e.Mark}/{e.Zone})");
        if (k.OriginalCounters != e.OriginalCounters || k.ReplyCounters != e.ReplyCounters)
            d.Add($"packets/bytes ({k.OriginalCounters?.ToString() ?? "-"} {k.ReplyCounters?.ToString() ?? "-"} vs {e.OriginalCounters?.ToString() ?? "-"} {e.ReplyCounters?.ToString() ?? "-"})");
        if (k.DeltaTime.HasValue != e.DeltaTime.HasValue || Math.Abs((k.DeltaTime ?? 0) - (e.DeltaTime ?? 0)) > TimeoutToleranceSeconds)
            d.Add($"delta-time ({k.DeltaTime?.ToString(CultureInfo.InvariantCulture) ?? "-"} vs {e.DeltaTime?.ToString(CultureInfo.InvariantCulture) ?? "-"})");
        return d;
    }

    private static Dictionary<string, ProcEntry> Index(List<ProcEntry> entries, string side)
    {
        var index = new Dictionary<string, ProcEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!index.TryAdd(entry.Key, entry))
                throw new InvalidOperationException($"the {side} table holds two entries with one original tuple:\n  {index[entry.Key].Line}\n  {entry.Line}");
        }
        return index;
    }
}
