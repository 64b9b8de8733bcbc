using System.Globalization;
using System.Text;
using Conntrack.Host.Counters;
using Conntrack.Host.Parsing;
using Conntrack.Table;
using HostCounters = Conntrack.Host.Counters.ConntrackCounters;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>
/// The counters the suite compares, under <c>conntrack -S</c>'s names: <c>invalid</c>, <c>error</c>,
/// <c>drop</c>, and the table's own <c>early_drop</c>, <c>insert_failed</c>, <c>clash_resolve</c> and
/// <c>chaintoolong</c>. Left out: <c>found</c>, <c>insert</c> and <c>search_restart</c>, which count
/// lookup races between CPUs that a single-threaded replay of the same packets cannot have.
/// </summary>
internal readonly record struct ConntrackCounters(long Invalid, long Error, long Drop)
{
    public long EarlyDrop { get; init; }
    public long InsertFailed { get; init; }
    public long ClashResolve { get; init; }
    public long ChainTooLong { get; init; }

    /// <summary>
    /// <c>conntrack -S</c>'s per-CPU rows (<c>cpu=0 \tfound=0 invalid=5 … drop=1 … error=0 …</c>), summed:
    /// the kernel keeps these per CPU, and which CPU a packet lands on is chance.
    /// </summary>
    public static ConntrackCounters ParseConntrackStats(string text)
    {
        var stats = ReadStats(text);
        return new ConntrackCounters(stats.Get("invalid"), stats.Get("error"), stats.Get("drop"))
        {
            EarlyDrop = stats.Get("early_drop"),
            InsertFailed = stats.Get("insert_failed"),
            ClashResolve = stats.Get("clash_resolve"),
            ChainTooLong = stats.Get("chaintoolong"),
        };
    }

    /// <summary>
    /// What was counted since <paramref name="before"/>: a namespace's counters never reset, so a
    /// topology that serves several rows compares each row's increase.
    /// </summary>
    public ConntrackCounters Since(ConntrackCounters before) =>
        new(Invalid - before.Invalid, Error - before.Error, Drop - before.Drop)
        {
            EarlyDrop = EarlyDrop - before.EarlyDrop,
            InsertFailed = InsertFailed - before.InsertFailed,
            ClashResolve = ClashResolve - before.ClashResolve,
            ChainTooLong = ChainTooLong - before.ChainTooLong,
        };

    /// <summary>One field of <c>conntrack -S</c> (e.g. <c>early_drop</c>) summed over the CPU rows.</summary>
    public static long SumField(string text, string name) => ReadStats(text).Get(name);

    /// <summary>The Host's reader of the same output, which must take every line.</summary>
    private static HostCounters ReadStats(string text)
    {
        const string label = "conntrack -S";
        var issues = new ParseIssueLog();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var counters = CounterParser.Read(stream, label, issues);
        if (issues.Kept.Count > 0)
            throw new InvalidOperationException(issues.Kept[0].ToString());
        return counters ?? throw new InvalidOperationException($"{label} printed no counters");
    }

    public static ConntrackCounters From(ConntrackStatistics stats) =>
        new(stats.Invalid, stats.Error, stats.Drop)
        {
            EarlyDrop = stats.EarlyDrop,
            InsertFailed = stats.InsertFailed,
            ClashResolve = stats.ClashResolve,
            ChainTooLong = stats.ChainTooLong,
        };

    /// <summary>invalid, error and drop always; the table's counters only when one of them is not 0.</summary>
    public override string ToString()
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"invalid={Invalid} error={Error} drop={Drop}");
        return EarlyDrop == 0 && InsertFailed == 0 && ClashResolve == 0 && ChainTooLong == 0
            ? text
            : text + string.Create(CultureInfo.InvariantCulture, $" early_drop={EarlyDrop} insert_failed={InsertFailed} clash_resolve={ClashResolve} chaintoolong={ChainTooLong}");
    }
}
