using Conntrack.Host.Logs;

namespace Conntrack.Monitor;

/// <summary>
/// Counts the kernel log's table-full lines and the rate limiter's suppressed counts by netns tag as lines arrive, and
/// keeps the latest conntrack lines. A suppression summary belongs to the table-full burst before it (within
/// <see cref="KernelLogParser.BurstSeconds"/>) or, if there was none, to a table-full line right after it (within a second) — the
/// kernel prints the summary when the next window opens, just before that window's first message. Memory is bounded:
/// <see cref="RecentCapacity"/> lines and <see cref="MaxTags"/> tags (later tags are counted under none).
/// </summary>
internal sealed class KernelLogTally
{
    public const int RecentCapacity = 100;
    public const int MaxTags = 4096;
    private const long OverflowTag = -1;

    /// <summary>The summary is printed in the same call as the message that opens the next window: within a second of it.</summary>
    private const double SummaryLeadSeconds = 1;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, (long Printed, long Suppressed)> _byTag = [];
    private readonly Queue<(long Tag, KernelLogLine Line)> _recent = new();
    private readonly bool _kernelTags;
    private (long Tag, LogTime Time)? _lastTableFull;
    private (long Count, LogTime Time, KernelLogLine Line)? _pending;
    private bool _sawTag;

    /// <param name="kernelTagsNetns">The kernel tags lines outside the initial netns (6.17+).</param>
    public KernelLogTally(bool kernelTagsNetns) => _kernelTags = kernelTagsNetns;

    /// <summary>Counts one kernel message if it is conntrack's; the rest are ignored.</summary>
    public void Add(LogTime time, ReadOnlySpan<char> message, DateTimeOffset seen)
    {
        if (!KernelLogParser.TryClassify(message, time, out var ev))
            return;
        var line = new KernelLogLine(seen, time.HasMono ? time.MonoMicros / 1e6 : null, KindName(ev.Kind), Drops(ev), message.ToString());
        lock (_lock)
        {
            if (ev.Kind == LogEventKind.TableFull)
                TableFull(ev, line);
            else if (ev.Kind == LogEventKind.Suppressed)
                Suppressed(ev, line);
            else
                Remember(0, line);
        }
    }

    /// <summary>The figures of the namespace with this inode (see <see cref="LogNetns.Owns"/>).</summary>
    public KernelLogFigures For(long? inode, bool? initial)
    {
        lock (_lock)
        {
            bool tags = _kernelTags || _sawTag;
            bool Owns(long tag) => tag != OverflowTag && LogNetns.Owns(tag, inode, initial, tags);
            long printed = 0, suppressed = 0;
            foreach (var (tag, counts) in _byTag)
            {
                if (Owns(tag))
                    (printed, suppressed) = (printed + counts.Printed, suppressed + counts.Suppressed);
            }
            return new KernelLogFigures(printed, suppressed, [.. _recent.Where(r => Owns(r.Tag)).Select(r => r.Line)]);
        }
    }

    private void TableFull(LogEvent ev, KernelLogLine line)
    {
        long tag = Tag(ev.Value);
        _sawTag |= ev.Value != 0;
        Bump(tag, 1, 0);
        _lastTableFull = (tag, ev.Time);
        if (_pending is { } pending && LogTime.SecondsBetween(pending.Time, ev.Time) is null or (>= 0 and <= SummaryLeadSeconds))
        {
            Bump(tag, 0, pending.Count);
            Remember(tag, pending.Line);
        }
        _pending = null;
        Remember(tag, line);
    }

    private void Suppressed(LogEvent ev, KernelLogLine line)
    {
        if (_lastTableFull is { } last && LogTime.SecondsBetween(last.Time, ev.Time) is null or (>= 0 and <= KernelLogParser.BurstSeconds))
        {
            Bump(last.Tag, 0, ev.Value);
            Remember(last.Tag, line);
        }
        else
        {
            // net_ratelimit is shared by every networking message: counted only if a table-full line follows.
            _pending = (ev.Value, ev.Time, line);
        }
    }

    private long Tag(long netns) => _byTag.ContainsKey(netns) || _byTag.Count < MaxTags ? netns : OverflowTag;

    private void Bump(long tag, long printed, long suppressed)
    {
        var (p, s) = _byTag.GetValueOrDefault(tag);
        _byTag[tag] = (p + printed, s + suppressed);
    }

    private void Remember(long tag, KernelLogLine line)
    {
        if (_recent.Count == RecentCapacity)
            _recent.Dequeue();
        _recent.Enqueue((tag, line));
    }

    private static long Drops(LogEvent ev) => ev.Kind switch
    {
        LogEventKind.TableFull => 1,
        LogEventKind.Suppressed => ev.Value,
        _ => 0,
    };

    private static string KindName(LogEventKind kind) => kind switch
    {
        LogEventKind.TableFull => "table_full",
        LogEventKind.Suppressed => "suppressed",
        LogEventKind.AllocFailure => "alloc_failure",
        LogEventKind.PageAllocFailure => "page_alloc_failure",
        _ => "vmalloc_fallback",
    };
}

/// <summary>One namespace's share of the kernel log since the monitor started.</summary>
internal sealed record KernelLogFigures(long TableFullPrinted, long TableFullSuppressed, IReadOnlyList<KernelLogLine> Recent)
{
    public static KernelLogFigures None { get; } = new(0, 0, []);
}
