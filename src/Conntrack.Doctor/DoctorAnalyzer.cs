using Conntrack.Replay.Memory;
using Conntrack.Host;
using Conntrack.Host.Tables;
using static Conntrack.Doctor.DoctorText;
using Conntrack.Timeouts;

namespace Conntrack.Doctor;

/// <summary>
/// Turns what was read from a host into a verdict with its evidence, the table's composition and
/// memory, and recommendations with their reasons, costs and commands.
/// </summary>
public static partial class DoctorAnalyzer
{
    /// <summary>At or above this share of nf_conntrack_max, with no drops, the table is "filling".</summary>
    public const double FillingPercent = 80;

    /// <summary>Drops counted while the table is at least this full are table-full drops.</summary>
    public const double FullPercent = 90;

    /// <summary>Average chain nodes per bucket (two per entry) above which lookups walk long chains.</summary>
    public const double LongChainNodes = 8;

    public static Diagnosis Analyze(HostObservation host)
    {
        var usage = Usage(host);
        var memory = AssessMemory(host, usage);
        var (verdict, also, evidence, headline) = Judge(host, usage, memory);
        var notes = Notes(host, usage);
        var plan = Plan(host, usage, memory, verdict, also);
        return new Diagnosis
        {
            Host = host,
            Verdict = verdict,
            Headline = headline,
            Evidence = evidence,
            AlsoSeen = also,
            Usage = usage,
            Notes = notes,
            Memory = memory,
            TimeoutProjections = plan.Projections,
            ProjectedCountAfterTimeouts = plan.ProjectedCount,
            Recommendations = plan.Recommendations,
            SysctlFile = plan.SysctlFile,
            ModprobeFile = plan.ModprobeFile,
            RecommendedMax = plan.NewMax,
            RecommendedBuckets = plan.NewBuckets,
        };
    }

    private static TableUsage Usage(HostObservation host)
    {
        var s = host.Settings;
        long? count = s.Count;
        string countSource = s.SysctlName("nf_conntrack_count");
        if (count is null && host.Counters?.Entries is long statEntries)
            (count, countSource) = (statEntries, "entries column of " + host.Counters.File);
        if (count is null && host.Table is { } table)
            (count, countSource) = (table.Summary.Entries, "lines of " + table.File);
        if (count is null)
            countSource = "unknown";

        long? max = s.Max;
        string maxSource = s.SysctlName("nf_conntrack_max");
        if (max is null && host.Logs.Banner is { } banner)
            (max, maxSource) = (banner.Max, $"boot banner ({banner.Source}:{banner.Line})");
        if (max is null)
            maxSource = "unknown";

        long? buckets = s.Get("nf_conntrack_buckets");
        string bucketsSource = s.SysctlName("nf_conntrack_buckets");
        if (buckets is null && s.HashsizeParameter is long hashsize)
            (buckets, bucketsSource) = (hashsize, "hashsize module parameter");
        if (buckets is null && host.Logs.Banner is { } b)
            (buckets, bucketsSource) = (b.Buckets, $"boot banner ({b.Source}:{b.Line})");
        if (buckets is null)
            bucketsSource = "unknown";
        return new TableUsage(count, countSource, max, maxSource, buckets, bucketsSource, host.Table?.Summary.Entries, host.Counters?.Entries);
    }

    private static (Verdict, IReadOnlyList<Verdict>, IReadOnlyList<string>, string) Judge(HostObservation host, TableUsage usage, MemoryAssessment memory)
    {
        var c = host.Counters;
        var logs = host.Logs;
        var r = DropReadings.Of(host, usage);
        var evidence = new List<string>();
        var found = new List<(Verdict Verdict, long Weight)>();
        CheckTableFull(host, r, found, evidence);
        CheckOutOfMemory(host, memory, r, found, evidence);
        CheckInsertLimit(r, found, evidence);
        CheckInsertRaces(r, found, evidence);
        CheckFilling(usage, r, found, evidence);
        CheckChainLength(usage, r, found, evidence);

        var ordered = Rank(found);
        var verdict = ordered.Count > 0 ? ordered[0] : Verdict.Healthy;
        // "Healthy" and "Filling" say no packet was dropped: not a claim to make from inputs that could not be used.
        var unusable = Unusable(host);
        if (unusable.Count > 0 && verdict is Verdict.Healthy or Verdict.Filling)
        {
            ordered.Remove(Verdict.Filling);
            verdict = Verdict.Unknown;
        }
        if (verdict == Verdict.Healthy)
        {
            evidence.Add(usage.Unlimited
                ? $"{N(usage.Count)} entries, nf_conntrack_max = 0 (no limit)"
                : $"{N(usage.Count)} of {N(usage.Max)} entries ({Percent(r.Fill)} %)" + (c is null ? "; no counters were read" : ", no drops counted"));
        }
        evidence.AddRange(unusable.Select(u => "unusable: " + u));
        evidence.AddRange(Implausible(usage).Select(i => "implausible: " + i));
        string headline = verdict == Verdict.Unknown
            ? $"Unknown: {unusable[0]}, and no verdict can rest on it"
            : Headline(verdict, usage, c is null ? logs.PacketsLost : r.OtherDrops, r.Drop, r.InsertFailed, logs.AllocFailures);
        return (verdict, ordered.Where(v => v != verdict).ToList(), evidence, headline);
    }

    /// <summary>Table full: printed lines for this table, or drops while (nearly) full, or early drops since boot.</summary>
    private static void CheckTableFull(HostObservation host, DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        var c = host.Counters;
        var logs = host.Logs;
        bool fullByCounters = r.OtherDrops > 0 && r.NearFull;
        bool fullUnknown = r.OtherDrops > 0 && r.FillUnknown && !r.FullByLogs && !r.FullInPast && r.AllocFailures == 0;
        if (!(r.FullByLogs || fullByCounters || r.FullInPast || fullUnknown))
            return;
        found.Add((Verdict.DroppingFull, logs.TableFullPrinted + (fullByCounters ? r.OtherDrops : 0) + 1));
        if (fullByCounters)
            evidence.Add($"drop = {N(r.Drop)} (summed over {c!.CpuRows} CPU row{(c.CpuRows == 1 ? "" : "s")} of {c.File}) with the table {Percent(r.Fill)} % full");
        if (r.FullByLogs)
        {
            string when = logs.First.IsKnown ? $", first {logs.First}, last {logs.Last}" : "";
            evidence.Add($"{N(logs.TableFullPrinted)} 'table full, dropping packet' lines printed and {N(logs.TableFullSuppressed)} suppressed by the rate limiter = {N(logs.PacketsLost)} packets dropped{when}");
        }
        if (r.FullInPast)
            evidence.Add($"drop = {N(r.Drop)} and early_drop = {N(r.EarlyDrop)}: the table has been full since the counters started, although it holds {Percent(r.Fill)} % now");
        if (fullUnknown)
            evidence.Add($"drop = {N(r.Drop)}, but the count or nf_conntrack_max could not be read, so the counters cannot tell a full table from failed allocations; a full table is the usual cause");
    }

    /// <summary>No memory: conntrack's own allocation-failure lines, or drops with room left and memory short.</summary>
    private static void CheckOutOfMemory(HostObservation host, MemoryAssessment memory, DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        var logs = host.Logs;
        bool memoryByLogs = logs.AllocFailures > 0;
        bool memoryByCounters = r.OtherDrops > 0 && !r.NearFull && !r.FullByLogs && !r.FullInPast && !r.FillUnknown;
        if (!(memoryByLogs || memoryByCounters))
            return;
        found.Add((Verdict.DroppingMemory, (logs.AllocFailures * 2) + (memoryByCounters ? r.OtherDrops : 0) + 1));
        if (memoryByLogs)
        {
            string when = logs.FirstAllocFailure.IsKnown ? $" (first {logs.FirstAllocFailure}, last {logs.LastAllocFailure})" : "";
            evidence.Add($"{N(logs.AllocFailures)} conntrack allocation failures in the kernel log{when}");
        }
        if (memoryByCounters)
            evidence.Add($"drop = {N(r.Drop)} while the table is only {Percent(r.Fill)} % full and no table-full line was logged: on current kernels a failed entry allocation drops the packet without a message");
        if (logs.PageAllocFailures > 0)
            evidence.Add($"{N(logs.PageAllocFailures)} page/slab allocation failures in the kernel log");
        if (memory.Pressure)
            evidence.Add(memory.PressureReason!);
        if (host.Memory?.SlabUnreclaimable is long unreclaimable && memory.MemTotal is long total && unreclaimable > total / 4)
            evidence.Add($"unreclaimable kernel slab holds {Bytes(unreclaimable)} ({Percent(100.0 * unreclaimable / total)} % of memory): a kernel cache or leak is eating the memory conntrack needs (see slabtop)");
    }

    /// <summary>Long chains, as counted by the kernel: inserts refused at its chain-length limit.</summary>
    private static void CheckInsertLimit(DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        if (r.ChainTooLong <= 0)
            return;
        found.Add((Verdict.LongChains, 0));
        evidence.Add($"chaintoolong = {N(r.ChainTooLong)}: inserts refused because a hash chain exceeded the kernel's limit");
    }

    private static void CheckInsertRaces(DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        if (r.InsertFailed <= r.ChainTooLong)
            return;
        found.Add((Verdict.InsertRaces, 0));
        evidence.Add($"insert_failed = {N(r.InsertFailed)} (clash_resolve = {N(r.ClashResolve)}): packets of new flows lost races at confirmation");
    }

    private static void CheckFilling(TableUsage usage, DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        if (!(r.Fill >= FillingPercent) || found.Any(f => f.Verdict == Verdict.DroppingFull))
            return;
        found.Add((Verdict.Filling, 0));
        evidence.Add($"{N(usage.Count)} of {N(usage.Max)} entries ({Percent(r.Fill)} %)");
    }

    /// <summary>Long chains, as computed from the table's size when the kernel counted no refusals.</summary>
    private static void CheckChainLength(TableUsage usage, DropReadings r, List<(Verdict Verdict, long Weight)> found, List<string> evidence)
    {
        if (usage.AverageChain is not double chain || !(chain >= LongChainNodes) || r.ChainTooLong != 0)
            return;
        found.Add((Verdict.LongChains, 0));
        evidence.Add($"{chain:0.#} chain nodes per bucket on average ({N(usage.Count)} entries × 2 / {N(usage.Buckets)} buckets)");
    }

    /// <summary>Drops first (the heavier cause leads), then long chains that refuse inserts, races, filling, slow lookups.</summary>
    private static List<Verdict> Rank(List<(Verdict Verdict, long Weight)> found)
    {
        var drops = found.Where(f => f.Verdict is Verdict.DroppingFull or Verdict.DroppingMemory).OrderByDescending(f => f.Weight).Select(f => f.Verdict);
        return drops.Concat(found.Where(f => f.Verdict is not (Verdict.DroppingFull or Verdict.DroppingMemory)).Select(f => f.Verdict)).Distinct().ToList();
    }

    /// <summary>The counters and fill level the drop checks share.</summary>
    private readonly record struct DropReadings(long Drop, long InsertFailed, long ChainTooLong, long ClashResolve, long EarlyDrop, long AllocFailures, double Fill, bool NearFull, bool FillUnknown, bool FullByLogs)
    {
        /// <summary>Drops that were not insert failures: the table was full or an allocation failed.</summary>
        public long OtherDrops => Math.Max(0, Drop - InsertFailed);

        /// <summary>Drops with room left now, but early drops since boot and no allocation failure logged.</summary>
        public bool FullInPast => OtherDrops > 0 && !NearFull && EarlyDrop > 0 && AllocFailures == 0;

        public static DropReadings Of(HostObservation host, TableUsage usage)
        {
            var c = host.Counters;
            double fill = usage.FillPercent ?? 0;
            return new DropReadings(
                Drop: c?.Get("drop") ?? 0,
                InsertFailed: c?.Get("insert_failed") ?? 0,
                ChainTooLong: c?.Get("chaintoolong") ?? 0,
                ClashResolve: c?.Get("clash_resolve") ?? 0,
                EarlyDrop: c?.Get("early_drop") ?? 0,
                AllocFailures: host.Logs.AllocFailures,
                Fill: fill,
                NearFull: fill >= FullPercent,
                FillUnknown: usage.FillPercent is null && !usage.Unlimited,
                FullByLogs: host.Logs.TableFullPrinted > 0);
        }
    }

    private static string Headline(Verdict verdict, TableUsage usage, long lost, long drop, long insertFailed, long allocFailures)
    {
        string fill = usage.FillPercent is double f ? $"{N(usage.Count)} of {N(usage.Max)} entries ({Percent(f)} %)" : $"{N(usage.Count)} entries";
        return verdict switch
        {
            Verdict.DroppingFull => $"Dropping packets because the table is full: {fill}; {N(lost)} packets dropped",
            Verdict.DroppingMemory => $"Dropping packets because the kernel cannot allocate entries: {fill}; {N(drop)} drops, {N(allocFailures)} allocation failures logged",
            Verdict.InsertRaces => $"New flows lose insert races: insert_failed = {N(insertFailed)}; {fill}",
            Verdict.LongChains => $"Hash chains are long: {usage.AverageChain:0.#} nodes per bucket; {fill}",
            Verdict.Filling => $"Filling up: {fill}, no drops yet",
            _ => $"Healthy: {fill}",
        };
    }

    private static List<string> Notes(HostObservation host, TableUsage usage)
    {
        var notes = new List<string>();
        if (host.Live && host.InitialNetns == false)
            notes.Add($"This is network namespace {host.NetnsInode}, not the initial one: the count and counters are this namespace's; nf_conntrack_max is global and limits every namespace separately (it can only be changed from the initial namespace).");
        var logs = host.Logs;
        if (logs.OtherNetnsPrinted > 0)
        {
            var others = logs.ByNetns.Where(p => p.Key != 0 && p.Key != host.NetnsInode).Select(p => $"netns {p.Key}: {N(p.Value)}").Take(5);
            notes.Add($"{N(logs.OtherNetnsPrinted)} table-full lines (+{N(logs.OtherNetnsSuppressed)} suppressed) came from other network namespaces ({string.Join(", ", others)}): run the doctor inside them (ip netns exec NAME ctnet doctor, or nsenter --net=/proc/PID/ns/net ctnet doctor).");
        }
        if (logs.OtherNetnsPrinted > 0 && logs.TableFullSuppressed > 0)
            notes.Add("Other namespaces were dropping too: the rate limiter's suppressed counts cover every namespace's messages, so the part credited to this table is approximate (the drop counter is exact).");
        if (logs.UnattributedSuppressed > 0)
            notes.Add($"{N(logs.UnattributedSuppressed)} rate-limited messages were suppressed away from any table-full burst (the limiter is shared by all networking warnings): not counted as drops.");
        if (logs.VmallocFallbacks > 0)
            notes.Add($"The hash table was allocated with vmalloc ({N(logs.VmallocFallbacks)}× 'falling back to vmalloc'): memory was too fragmented for one contiguous block when it was sized.");
        if (host.Table is { } table)
        {
            if (usage.Count is long count && table.Summary.Entries != count)
                notes.Add($"The table file holds {N(table.Summary.Entries)} entries and the count is {N(count)}: they were read at different moments (or the count includes unconfirmed and expired-but-not-reaped entries).");
            var zones = table.Summary.Zones.Where(z => z.Key != 0).ToList();
            if (zones.Count > 0)
                notes.Add($"{N(zones.Sum(z => z.Value))} entries are in conntrack zones other than 0 ({zones.Count} zones): zones share the namespace's limit.");
            if (table.Summary.RemainingAboveTimeout > 0)
                notes.Add($"{N(table.Summary.RemainingAboveTimeout)} entries have more time left than their current timeout: the timeouts were lowered after they were refreshed.");
        }
        if (host.Settings.Max == 0)
            notes.Add("nf_conntrack_max = 0 means no limit on kernels up to 6.18; newer kernels dropped that special case.");
        return notes;
    }

    /// <summary>Idle-time ageing (the remaining-time arithmetic): how many entries of a class a shorter timeout would already have expired.</summary>
    public static TimeoutChange Project(TableSummary table, TimeoutClass timeout, long current, long proposed)
    {
        var ages = table.Ages.GetValueOrDefault(timeout);
        long inClass = ages?.Total ?? 0;
        long gone = ages is null ? 0 : ages.CountAtLeast(proposed);
        return new TimeoutChange(timeout, current, proposed, inClass, gone, AgeHistogram.IsExactAt(proposed));
    }

    private static MemoryAssessment AssessMemory(HostObservation host, TableUsage usage)
    {
        var settings = host.Settings;
        var slab = host.Slab?.Combined;
        MemoryProfile profile;
        string source;
        if (slab is not null)
        {
            profile = MemoryProfiles.ForHostCache(slab.Name, slab.ObjectSize, slab.ObjectsPerSlab, slab.PagesPerSlab, host.PageSize);
            source = "/proc/slabinfo";
        }
        else if (host.Logs.Banner?.BytesPerConntrack is int bytes && bytes > 0)
        {
            profile = MemoryProfiles.ForObjectSize(bytes, host.PageSize);
            source = $"boot banner ({bytes} bytes per conntrack)";
        }
        else
        {
            profile = settings.LegacyNames ? MemoryProfiles.IpConntrack228 : MemoryProfiles.Linux618;
            source = $"assumed ({profile.Description}); no slabinfo was read";
        }
        bool extensions = ConntrackMemoryModel.UsesExtensions(
            settings.Get("nf_conntrack_acct") ?? 0, settings.Get("nf_conntrack_timestamp") ?? 0, settings.Get("nf_conntrack_events") ?? 2);
        long buckets = usage.Buckets ?? 0;
        var mem = host.Memory;
        long? total = mem?.Total;
        long? available = mem?.Available;
        string availableSource = mem is null ? "unknown" : mem.AvailableIsEstimate ? "MemFree + Buffers + Cached (no MemAvailable before 3.14)" : "MemAvailable";
        if (mem?.LowTotal is long lowTotal && mem.LowFree is long lowFree && total is long t && lowTotal < t)
        {
            (total, available, availableSource) = (lowTotal, lowFree, "LowFree (32-bit: the slab lives in low memory)");
        }
        bool pressure = false;
        string? reason = null;
        if (total is long tot && available is long av && tot > 0 && av < tot / 10)
        {
            pressure = true;
            reason = $"memory is short: {availableSource} {Bytes(av)} of {Bytes(tot)} ({Percent(100.0 * av / tot)} %)";
        }
        return new MemoryAssessment
        {
            Profile = profile,
            ProfileSource = source,
            Extensions = extensions,
            PageSizeAssumed = host.PageSizeAssumed,
            Now = usage.Count is long count ? ConntrackMemoryModel.Estimate(count, buckets, profile, extensions) : null,
            AtMax = usage.Max is long max && max > 0 ? ConntrackMemoryModel.Estimate(max, buckets, profile, extensions) : null,
            Observed = slab,
            ObservedBytes = slab?.BytesHeld(host.PageSize),
            MemTotal = total,
            Available = available,
            AvailableSource = availableSource,
            Pressure = pressure,
            PressureReason = reason,
        };
    }
}
