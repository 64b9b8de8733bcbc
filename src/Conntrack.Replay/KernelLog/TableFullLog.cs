namespace Conntrack.Replay.KernelLog;

/// <summary>
/// The kernel log a run would have produced for conntrack drops: the table-full line for each
/// drop that passes the shared rate limiter, and the limiter's "suppressed" lines. Keeps the
/// first <see cref="MaxLines"/> lines and counts everything, so printed + suppressed = drops.
/// </summary>
public sealed class TableFullLog
{
    public const int MaxLines = 2000;

    private readonly LogStyle _style;
    private readonly NetRateLimiter _limiter;
    private readonly string _tableFullText;
    private readonly List<KernelLogLine> _lines = [];

    /// <param name="style">Kernel generation whose wording and limiter to follow.</param>
    /// <param name="netnsInode">The network namespace's inode for the 6.17+ "in netns N" wording; 0 = the initial namespace.</param>
    public TableFullLog(LogStyle style, long netnsInode = 0)
    {
        _style = style;
        _limiter = new NetRateLimiter(tokenBucket: style is LogStyle.Linux26 or LogStyle.IpConntrack);
        _tableFullText = style switch
        {
            LogStyle.Modern when netnsInode != 0 => $"nf_conntrack: nf_conntrack: table full in netns {netnsInode}, dropping packet",
            LogStyle.Modern => "nf_conntrack: nf_conntrack: table full, dropping packet",
            LogStyle.Linux3 => "nf_conntrack: table full, dropping packet",
            LogStyle.Linux26 => "nf_conntrack: table full, dropping packet.",
            _ => "ip_conntrack: table full, dropping packet.",
        };
    }

    /// <summary>Table-full messages that printed.</summary>
    public long Printed { get; private set; }

    /// <summary>Messages the limiter swallowed, reported or still pending.</summary>
    public long Suppressed { get; private set; }

    /// <summary>Suppressed messages not yet reported by a "suppressed" line when the run ended.</summary>
    public long SuppressedUnreported => _limiter.Missed;

    /// <summary>Allocation failures: the kernel prints nothing for them (only debug builds of old kernels did).</summary>
    public long AllocationFailures { get; private set; }

    public long FirstDrop { get; private set; } = -1;
    public long LastDrop { get; private set; } = -1;

    /// <summary>The first <see cref="MaxLines"/> lines, in order.</summary>
    public IReadOnlyList<KernelLogLine> Lines => _lines;

    /// <summary>True when lines beyond <see cref="MaxLines"/> were produced but not kept.</summary>
    public bool Truncated { get; private set; }

    public void TableFull(long now)
    {
        if (FirstDrop < 0)
            FirstDrop = now;
        LastDrop = now;
        bool print = _limiter.Allow(now, out long missed);
        if (missed > 0)
            Add(now, SuppressedText(missed));
        if (print)
        {
            Printed++;
            Add(now, _tableFullText);
        }
        else
        {
            Suppressed++;
        }
    }

    public void AllocationFailure(long now)
    {
        if (FirstDrop < 0)
            FirstDrop = now;
        LastDrop = now;
        AllocationFailures++;
    }

    private string SuppressedText(long missed) => _style switch
    {
        LogStyle.Linux26 => $"printk: {missed} messages suppressed.",
        LogStyle.IpConntrack => $"NET: {missed} messages suppressed.",
        _ => $"net_ratelimit: {missed} callbacks suppressed",
    };

    private void Add(long now, string text)
    {
        if (_lines.Count < MaxLines)
            _lines.Add(new KernelLogLine(now, text));
        else
            Truncated = true;
    }
}
