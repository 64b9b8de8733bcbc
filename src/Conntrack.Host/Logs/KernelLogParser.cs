using System.Runtime.CompilerServices;
using System.Globalization;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Logs;

/// <summary>
/// Finds conntrack's messages in one kernel log: every generation of the table-full line
/// (<c>ip_conntrack: table full, dropping packet.</c>, <c>nf_conntrack: table full, dropping packet</c>,
/// the doubled <c>nf_conntrack: nf_conntrack: …</c>, <c>… table full in netns N, dropping packet</c>), the
/// rate-limit summaries (<c>net_ratelimit: N callbacks suppressed</c>, <c>NET: N messages suppressed.</c>,
/// <c>printk: N messages suppressed.</c>), allocation failures, vmalloc fallback and the boot banner.
/// </summary>
public static class KernelLogParser
{
    /// <summary>A suppression line within this many seconds after a table-full line belongs to its burst.</summary>
    public const double BurstSeconds = 60;

    /// <summary>When lines carry no comparable time: the same, in lines.</summary>
    public const int BurstLines = 50;

    private static readonly (string Tag, string What)[] SuppressionForms =
    [
        ("net_ratelimit:", "callbacks suppressed"),
        ("NET:", "messages suppressed"),
        ("printk:", "messages suppressed"),
    ];

    public static LogFileResult Read(Stream stream, string label, int index, ParseIssueLog issues)
    {
        using var reader = new LineReader(stream);
        return Read(reader, label, index, issues);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LogFileResult Read(LineReader reader, string label, int index, ParseIssueLog issues)
    {
        var result = new LogFileResult { Label = label, Index = index };
        var pending = new PendingLines();
        while (reader.TryReadLine(out var line))
        {
            result.Lines++;
            if (reader.Truncated || Tokens.LooksBinary(line))
            {
                result.Malformed++;
                issues.Add(label, reader.LineNumber, reader.Truncated ? "a log line shorter than 16 KiB" : "a text log line", line);
                continue;
            }
            var kind = LogLinePrefix.Split(line, out var time, out var message, out bool hadPrefix);
            if (hadPrefix)
                result.TimedLines++;
            if (kind != LogLinePrefix.Kind.Kernel || message.IsEmpty)
                continue;
            result.KernelLines++;

            var ev = new LogEvent { Time = time, Source = index, Line = reader.LineNumber };
            bool isEvent = Classify(message, ref ev, out string? expected, result, label, reader.LineNumber);
            if (expected is not null)
            {
                result.Malformed++;
                issues.Add(label, reader.LineNumber, expected, line);
            }
            if (FollowSlubFailure(result, ref pending, message, time, reader.LineNumber))
                continue;
            Record(result, ref pending, isEvent, ev, reader.LineNumber);
        }
        if (pending.SlubLine >= 0)
            result.Events.Add(SlubFailure(LogEventKind.PageAllocFailure, pending, index));
        return result;
    }

    /// <summary>
    /// A SLUB failure names its cache on the next line: "  cache: nf_conntrack, object size: 256, …".
    /// Records the failure held from the previous line; true when this line opens a new one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FollowSlubFailure(LogFileResult result, ref PendingLines pending, ReadOnlySpan<char> message, LogTime time, long lineNumber)
    {
        if (pending.SlubLine >= 0)
        {
            bool conntrackCache = message.StartsWith("cache:") && message.Contains("conntrack", StringComparison.Ordinal) && !message.Contains("expect", StringComparison.Ordinal);
            result.Events.Add(SlubFailure(conntrackCache ? LogEventKind.AllocFailure : LogEventKind.PageAllocFailure, pending, result.Index));
            pending.SlubLine = -1;
        }
        if (!message.StartsWith("SLUB: Unable to allocate memory"))
            return false;
        pending.SlubLine = lineNumber;
        pending.SlubTime = time;
        return true;
    }

    private static LogEvent SlubFailure(LogEventKind kind, in PendingLines pending, int source) =>
        new() { Kind = kind, Time = pending.SlubTime, Source = source, Line = pending.SlubLine };

    /// <summary>
    /// Adds an event, tying rate-limit summaries to the table-full burst they follow (or, when the
    /// summary comes first, to the table-full line right after it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Record(LogFileResult result, ref PendingLines pending, bool isEvent, LogEvent ev, long lineNumber)
    {
        if (pending.Suppressed >= 0)
        {
            if (isEvent && ev.Kind == LogEventKind.TableFull)
                Attribute(result, pending.Suppressed, ev.Value);
            pending.Suppressed = -1;
        }
        if (!isEvent)
            return;

        if (ev.Kind == LogEventKind.Suppressed && pending.LastTableFull >= 0)
        {
            var previous = result.Events[pending.LastTableFull];
            double? gap = LogTime.SecondsBetween(previous.Time, ev.Time);
            bool inBurst = gap is double g ? g is >= 0 and <= BurstSeconds : lineNumber - pending.LastTableFullLine <= BurstLines;
            if (inBurst)
            {
                ev.AttributedToTableFull = true;
                ev.BurstNetns = previous.Value;
            }
        }
        result.Events.Add(ev);
        if (ev.Kind == LogEventKind.TableFull)
        {
            pending.LastTableFull = result.Events.Count - 1;
            pending.LastTableFullLine = lineNumber;
        }
        else if (ev.Kind == LogEventKind.Suppressed && !ev.AttributedToTableFull)
        {
            pending.Suppressed = result.Events.Count - 1;
        }
    }

    private static void Attribute(LogFileResult result, int index, long netns)
    {
        var e = result.Events[index];
        e.AttributedToTableFull = true;
        e.BurstNetns = netns;
        result.Events[index] = e;
    }

    /// <summary>
    /// Recognises one kernel message read live (a <c>/dev/kmsg</c> record, a journal line after <see cref="LogLinePrefix.Split"/>):
    /// true for a counted event, with its kind, value and wording. The burst attribution of <see cref="Read(LineReader, string, int, ParseIssueLog)"/>
    /// is the caller's, as a live reader sees lines one at a time.
    /// </summary>
    public static bool TryClassify(ReadOnlySpan<char> message, LogTime time, out LogEvent ev)
    {
        ev = new LogEvent { Time = time };
        return Classify(message, ref ev, out _, null, "", 0);
    }

    /// <summary>Recognises one kernel message; <paramref name="expected"/> is set when it is a known message in a broken form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Classify(ReadOnlySpan<char> message, ref LogEvent ev, out string? expected, LogFileResult? result, string label, long lineNumber)
    {
        expected = null;
        int tableFull = message.IndexOf("table full", StringComparison.Ordinal);
        if (tableFull >= 0 && message.Contains("conntrack", StringComparison.Ordinal) && !message.Contains("expectation table", StringComparison.Ordinal))
        {
            if (!message.Contains("dropping packet", StringComparison.Ordinal))
            {
                expected = "'… table full, dropping packet' (the line is cut)";
                return false;
            }
            ev.Kind = LogEventKind.TableFull;
            ev.Historic = message.StartsWith("ip_conntrack:") || message.TrimEnd().EndsWith('.');
            int netns = message.IndexOf("in netns ", StringComparison.Ordinal);
            if (netns >= 0)
            {
                var rest = message[(netns + "in netns ".Length)..];
                int end = 0;
                while (end < rest.Length && char.IsAsciiDigit(rest[end]))
                    end++;
                if (end == 0 || !Tokens.TryLong(rest[..end], out long inode))
                {
                    expected = "'table full in netns <inode>, dropping packet'";
                    return false;
                }
                ev.Value = inode;
            }
            return true;
        }

        foreach (var (tag, what) in SuppressionForms)
        {
            if (TrySuppressed(message, tag, what, ref ev, out expected))
                return true;
            if (expected is not null)
                return false;
        }

        if ((message.Contains("Can't alloc", StringComparison.OrdinalIgnoreCase) || message.Contains("Cannot alloc", StringComparison.OrdinalIgnoreCase))
            && message.Contains("conntrack", StringComparison.OrdinalIgnoreCase))
        {
            ev.Kind = LogEventKind.AllocFailure;
            return true;
        }
        if (message.Contains("page allocation failure", StringComparison.Ordinal))
        {
            ev.Kind = LogEventKind.PageAllocFailure;
            return true;
        }
        if (message.Contains("falling back to vmalloc", StringComparison.Ordinal) && message.Contains("conntrack", StringComparison.Ordinal))
        {
            ev.Kind = LogEventKind.VmallocFallback;
            return true;
        }
        int version = message.IndexOf("conntrack version", StringComparison.Ordinal);
        if (version >= 0 && result is not null)
        {
            if (TryBanner(message, version, label, lineNumber, out var banner))
                result.Banners.Add(banner);
            else
                expected = "'nf_conntrack version V (N buckets, M max)'";
        }
        return false;
    }

    /// <summary>"&lt;tag&gt; N &lt;what&gt;": a known tag followed by a number must be followed by the known words.</summary>
    private static bool TrySuppressed(ReadOnlySpan<char> message, string tag, string what, ref LogEvent ev, out string? expected)
    {
        expected = null;
        if (!message.StartsWith(tag))
            return false;
        var rest = message[tag.Length..];
        int pos = 0;
        if (!Tokens.Next(rest, ref pos, out var number) || !Tokens.IsNumber(number))
        {
            // "NET: Registered protocol family 2" and friends: not ours.
            if (tag == "net_ratelimit:")
                expected = $"'{tag} N {what}'";
            return false;
        }
        var words = rest[pos..].Trim().TrimEnd('.');
        if (!words.SequenceEqual(what) || !Tokens.TryLong(number, out long n))
        {
            expected = $"'{tag} N {what}{(tag == "net_ratelimit:" ? "" : ".")}'";
            return false;
        }
        ev.Kind = LogEventKind.Suppressed;
        ev.Value = n;
        ev.Historic = tag != "net_ratelimit:";
        return true;
    }

    private static bool TryBanner(ReadOnlySpan<char> message, int versionAt, string label, long lineNumber, out BootBanner banner)
    {
        banner = null!;
        var module = message[..versionAt].TrimEnd().ToString();
        int moduleStart = module.LastIndexOf(' ') + 1;
        module = module[moduleStart..] + "conntrack";
        var rest = message[(versionAt + "conntrack version".Length)..];
        int pos = 0;
        if (!Tokens.Next(rest, ref pos, out var version))
            return false;
        int open = rest.IndexOf('(');
        int close = rest.IndexOf(')');
        if (open < 0 || close < open)
            return false;
        var inside = rest[(open + 1)..close];
        int comma = inside.IndexOf(',');
        if (comma < 0)
            return false;
        if (!TryLeadingNumber(inside[..comma], "buckets", out long buckets) || !TryLeadingNumber(inside[(comma + 1)..], "max", out long max))
            return false;
        int? bytes = null;
        var tail = rest[(close + 1)..];
        int per = tail.IndexOf("bytes per conntrack", StringComparison.Ordinal);
        if (per > 0)
        {
            var before = tail[..per].Trim();
            int space = before.LastIndexOf(' ');
            var num = space >= 0 ? before[(space + 1)..] : before;
            if (int.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out int b))
                bytes = b;
        }
        banner = new BootBanner(module, version.ToString(), buckets, max, bytes, label, lineNumber);
        return true;
    }

    private static bool TryLeadingNumber(ReadOnlySpan<char> text, string word, out long value)
    {
        int pos = 0;
        value = 0;
        return Tokens.Next(text, ref pos, out var number) && Tokens.TryLong(number, out value)
            && Tokens.Next(text, ref pos, out var w) && w.SequenceEqual(word);
    }

    /// <summary>What earlier lines left open for the lines after them; -1 when nothing is.</summary>
    private struct PendingLines
    {
        /// <summary>The event index and line of the last table-full line.</summary>
        public int LastTableFull = -1;
        public long LastTableFullLine;

        /// <summary>The event index of a suppression summary no table-full burst has claimed yet.</summary>
        public int Suppressed = -1;

        /// <summary>The line and time of a SLUB failure waiting for its cache line.</summary>
        public long SlubLine = -1;
        public LogTime SlubTime = LogTime.None;

        public PendingLines()
        {
        }
    }
}
