namespace Conntrack.Host.Logs;

/// <summary>
/// Combines log sources that are views of one kernel log (dmesg, kern.log, syslog, messages, a
/// journal export) without counting a line twice. A line is keyed by its wall-clock time, else its
/// seconds-since-boot, plus message and value, plus its occurrence number among identical keys in its
/// file; keys seen in several files count once (so rotated pieces add up, copies do not). A syslog
/// line that carries both clocks links its dmesg twin. Sources that share no clock (syslog without
/// kernel timestamps beside dmesg, or logs without any time) cannot be matched line by line: then the
/// group with more table-full lines is used and the others are listed as corroboration.
/// </summary>
public static class LogMerger
{
    private readonly record struct Key(byte Clock, long Time, LogEventKind Kind, long Value, int Occurrence);

    /// <param name="files">Each source as read, in reading order.</param>
    /// <param name="isThisNetns">Whether a table-full netns tag (0 = untagged) belongs to the table being diagnosed.</param>
    public static LogEvidence Merge(IReadOnlyList<LogFileResult> files, Func<long, bool> isThisNetns)
    {
        if (files.Count == 0)
            return LogEvidence.Empty;

        var wall = new Dictionary<Key, LogEvent>();
        var mono = new Dictionary<Key, LogEvent>();
        var none = new Dictionary<Key, LogEvent>();
        var bridged = new HashSet<Key>();
        bool wallWithoutMono = false;

        foreach (var file in files)
        {
            var occurrences = new Dictionary<Key, int>();
            foreach (var e in file.Events)
            {
                byte clock = e.Time.HasWall ? (byte)1 : e.Time.HasMono ? (byte)2 : (byte)0;
                long time = clock == 1 ? e.Time.WallTicks : clock == 2 ? e.Time.MonoMicros : 0;
                var bare = new Key(clock, time, e.Kind, e.Value, 0);
                int n = occurrences.GetValueOrDefault(bare);
                occurrences[bare] = n + 1;
                var key = bare with { Occurrence = n };
                var target = clock switch { 1 => wall, 2 => mono, _ => none };
                target.TryAdd(key, e);
                if (clock == 1)
                {
                    if (e.Time.HasMono)
                        bridged.Add(new Key(2, e.Time.MonoMicros, e.Kind, e.Value, 0));
                    else
                        wallWithoutMono = true;
                }
            }
        }

        var monoKept = mono.Where(p => !bridged.Contains(p.Key with { Occurrence = 0 })).Select(p => p.Value).ToList();
        List<LogEvent> chosen;
        string note;
        if (wall.Count > 0 && monoKept.Count > 0 && wallWithoutMono)
        {
            bool useWall = TableFull(wall.Values) >= TableFull(monoKept);
            chosen = useWall ? [.. wall.Values] : monoKept;
            note = useWall
                ? "syslog times and dmesg boot times cannot be matched line by line: counted the syslog files, dmesg corroborates"
                : "syslog times and dmesg boot times cannot be matched line by line: counted dmesg, which holds more table-full lines";
        }
        else
        {
            chosen = [.. wall.Values, .. monoKept];
            note = files.Count > 1 ? "lines present in several sources counted once" : "one source";
        }
        if (none.Count > 0)
        {
            if (chosen.Count == 0 || TableFull(none.Values) > TableFull(chosen))
            {
                note = chosen.Count == 0 ? note : "lines without times cannot be matched to timed ones: counted the untimed source, which holds more table-full lines";
                chosen = [.. none.Values];
            }
        }

        var counted = chosen.Where(e => e.Kind == LogEventKind.TableFull).GroupBy(e => e.Source).ToDictionary(g => g.Key, g => (long)g.Count());
        var sources = files.Select(f => new LogSourceSummary(
            f.Label, f.Lines, f.KernelLines, f.Count(LogEventKind.TableFull), f.Count(LogEventKind.Suppressed), f.Malformed, counted.GetValueOrDefault(f.Index))).ToList();

        return Summarise(chosen, isThisNetns, sources, files, note);
    }

    private static long TableFull(IEnumerable<LogEvent> events) => events.Count(e => e.Kind == LogEventKind.TableFull);

    private static LogEvidence Summarise(List<LogEvent> events, Func<long, bool> isThisNetns, List<LogSourceSummary> sources, IReadOnlyList<LogFileResult> files, string note)
    {
        long printed = 0, suppressed = 0, otherPrinted = 0, otherSuppressed = 0, unattributed = 0, alloc = 0, page = 0, vmalloc = 0;
        bool historic = false;
        var byNetns = new SortedDictionary<long, long>();
        var ours = new List<LogEvent>();
        LogTime firstAlloc = LogTime.None, lastAlloc = LogTime.None;
        foreach (var e in Ordered(events))
        {
            switch (e.Kind)
            {
                case LogEventKind.TableFull:
                    historic |= e.Historic;
                    byNetns[e.Value] = byNetns.GetValueOrDefault(e.Value) + 1;
                    if (isThisNetns(e.Value))
                    {
                        printed++;
                        ours.Add(e);
                    }
                    else
                    {
                        otherPrinted++;
                    }
                    break;
                case LogEventKind.Suppressed:
                    if (!e.AttributedToTableFull)
                        unattributed += e.Value;
                    else if (isThisNetns(e.BurstNetns))
                    {
                        suppressed += e.Value;
                        ours.Add(e);
                    }
                    else
                        otherSuppressed += e.Value;
                    break;
                case LogEventKind.AllocFailure:
                    alloc++;
                    if (!firstAlloc.IsKnown)
                        firstAlloc = e.Time;
                    lastAlloc = e.Time;
                    break;
                case LogEventKind.PageAllocFailure:
                    page++;
                    break;
                case LogEventKind.VmallocFallback:
                    vmalloc++;
                    break;
            }
        }
        var tableFull = ours.Where(e => e.Kind == LogEventKind.TableFull).ToList();
        var (timeline, width) = Timeline(ours);
        BootBanner? banner = files.SelectMany(f => f.Banners).LastOrDefault();
        return new LogEvidence
        {
            Sources = sources,
            TableFullPrinted = printed,
            TableFullSuppressed = suppressed,
            OtherNetnsPrinted = otherPrinted,
            OtherNetnsSuppressed = otherSuppressed,
            ByNetns = byNetns,
            UnattributedSuppressed = unattributed,
            AllocFailures = alloc,
            PageAllocFailures = page,
            VmallocFallbacks = vmalloc,
            Historic = historic,
            First = tableFull.Count > 0 ? tableFull[0].Time : LogTime.None,
            Last = tableFull.Count > 0 ? tableFull[^1].Time : LogTime.None,
            FirstAllocFailure = firstAlloc,
            LastAllocFailure = lastAlloc,
            Timeline = timeline,
            BucketWidth = width,
            Banner = banner,
            Note = note,
        };
    }

    /// <summary>By wall clock when every event has one, else by boot time when every event has one, else as read.</summary>
    private static IEnumerable<LogEvent> Ordered(List<LogEvent> events)
    {
        if (events.TrueForAll(e => e.Time.HasWall))
            return events.OrderBy(e => e.Time.WallTicks).ThenBy(e => e.Source).ThenBy(e => e.Line);
        if (events.TrueForAll(e => e.Time.HasMono))
            return events.OrderBy(e => e.Time.MonoMicros).ThenBy(e => e.Source).ThenBy(e => e.Line);
        return events.OrderBy(e => e.Source).ThenBy(e => e.Line);
    }

    private static readonly TimeSpan[] Widths =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30),
    ];

    private const int MaxBuckets = 24;

    private static (IReadOnlyList<TimelineBucket>, TimeSpan) Timeline(List<LogEvent> events)
    {
        if (events.Count == 0)
            return ([], TimeSpan.Zero);
        bool wall = events.TrueForAll(e => e.Time.HasWall);
        if (!wall && !events.TrueForAll(e => e.Time.HasMono))
            return ([], TimeSpan.Zero);
        long Ticks(LogEvent e) => wall ? e.Time.WallTicks : e.Time.MonoMicros * 10;
        long first = events.Min(Ticks), last = events.Max(Ticks);
        var width = Widths[^1];
        foreach (var w in Widths)
        {
            if ((last / w.Ticks) - (first / w.Ticks) < MaxBuckets)
            {
                width = w;
                break;
            }
        }
        var buckets = new SortedDictionary<long, (long Printed, long Suppressed)>();
        foreach (var e in events)
        {
            long start = Ticks(e) / width.Ticks * width.Ticks;
            var (p, s) = buckets.GetValueOrDefault(start);
            buckets[start] = e.Kind == LogEventKind.TableFull ? (p + 1, s) : (p, s + e.Value);
        }
        bool hasYear = wall && events[0].Time.HasYear;
        return ([.. buckets.Select(b => new TimelineBucket(wall ? new LogTime(b.Key, hasYear, -1) : new LogTime(0, false, b.Key / 10), b.Value.Printed, b.Value.Suppressed))], width);
    }
}
