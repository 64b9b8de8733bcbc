using System.Globalization;
using System.Text;
using Conntrack.Host.Counters;
using Conntrack.Host.Parsing;
using Conntrack.Table;
using HostCounters = Conntrack.Host.Counters.ConntrackCounters;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>The counters the suite compares: <c>invalid</c>, <c>error</c> and <c>drop</c> of <c>conntrack -S</c>.</summary>
internal readonly record struct ConntrackCounters(long Invalid, long Error, long Drop)
{
    /// <summary>
    /// <c>conntrack -S</c>'s per-CPU rows (<c>cpu=0 \tfound=0 invalid=5 … drop=1 … error=0 …</c>), summed:
    /// the kernel keeps these per CPU, and which CPU a packet lands on is chance.
    /// </summary>
    public static ConntrackCounters ParseConntrackStats(string text)
    {
        var stats = ReadStats(text);
        return new ConntrackCounters(stats.Get("invalid"), stats.Get("error"), stats.Get("drop"));
    }

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

    public static ConntrackCounters From(ConntrackStatistics stats) => new(stats.Invalid, stats.Error, stats.Drop);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"invalid={Invalid} error={Error} drop={Drop}");
}
