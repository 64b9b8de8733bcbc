namespace Conntrack.Host.Logs;

/// <summary>What one log source held, before sources are merged.</summary>
public sealed class LogFileResult
{
    public required string Label { get; init; }
    public required int Index { get; init; }
    public long Lines { get; internal set; }
    public long KernelLines { get; internal set; }

    /// <summary>Lines whose time prefix was recognised (syslog, dmesg, journal).</summary>
    public long TimedLines { get; internal set; }
    public long Malformed { get; internal set; }
    public List<LogEvent> Events { get; } = [];
    public List<BootBanner> Banners { get; } = [];

    public long Count(LogEventKind kind) => Events.Count(e => e.Kind == kind);
}
