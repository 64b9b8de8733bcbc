namespace Conntrack.Host.Logs;

/// <summary>One bucket of the table-full timeline.</summary>
public sealed record TimelineBucket(LogTime Start, long Printed, long Suppressed);

/// <summary>
/// One log source as read. <see cref="TableFullCounted"/> is how many of its table-full lines were
/// counted after merging (lines already counted from another source, or from a source whose clock
/// cannot be matched, are not).
/// </summary>
public sealed record LogSourceSummary(string Label, long Lines, long KernelLines, long TableFullLines, long SuppressedLines, long Malformed, long TableFullCounted);

/// <summary>
/// Kernel log evidence after merging every source (see <see cref="LogMerger"/>), split into what
/// concerns the table being diagnosed and what other network namespaces logged.
/// </summary>
public sealed class LogEvidence
{
    public static LogEvidence Empty { get; } = new() { Sources = [], Timeline = [], ByNetns = new Dictionary<long, long>(), Note = "no kernel log was read" };

    public required IReadOnlyList<LogSourceSummary> Sources { get; init; }

    /// <summary>Printed table-full lines for this table.</summary>
    public long TableFullPrinted { get; init; }

    /// <summary>Messages the rate limiter suppressed in this table's table-full bursts.</summary>
    public long TableFullSuppressed { get; init; }

    /// <summary>Printed + suppressed: each one a packet dropped for lack of room.</summary>
    public long PacketsLost => TableFullPrinted + TableFullSuppressed;

    /// <summary>Printed table-full lines tagged with another netns (or untagged when this is not the initial netns).</summary>
    public long OtherNetnsPrinted { get; init; }
    public long OtherNetnsSuppressed { get; init; }

    /// <summary>Printed table-full lines by netns tag (0 = untagged: the initial netns on 6.17+, any netns before).</summary>
    public required IReadOnlyDictionary<long, long> ByNetns { get; init; }

    /// <summary>Suppression counts not next to a table-full line (other networking warnings share the limiter).</summary>
    public long UnattributedSuppressed { get; init; }
    public long AllocFailures { get; init; }
    public long PageAllocFailures { get; init; }
    public long VmallocFallbacks { get; init; }

    /// <summary>True when lines came in the 2.4/2.6 forms (<c>ip_conntrack:</c>, trailing period, <c>NET:</c>/<c>printk:</c>).</summary>
    public bool Historic { get; init; }

    public LogTime First { get; init; } = LogTime.None;
    public LogTime Last { get; init; } = LogTime.None;
    public LogTime FirstAllocFailure { get; init; } = LogTime.None;
    public LogTime LastAllocFailure { get; init; } = LogTime.None;

    /// <summary>Non-empty buckets of printed and suppressed table-full messages; empty when times are missing or mixed.</summary>
    public required IReadOnlyList<TimelineBucket> Timeline { get; init; }

    /// <summary>Width of a timeline bucket.</summary>
    public TimeSpan BucketWidth { get; init; }

    /// <summary>The latest boot banner seen.</summary>
    public BootBanner? Banner { get; init; }

    /// <summary>How sources were combined (deduplicated, or one chosen).</summary>
    public required string Note { get; init; }
}
