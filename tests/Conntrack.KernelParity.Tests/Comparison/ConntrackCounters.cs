using System.Globalization;
using Conntrack.Table;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>The counters the suite compares: <c>invalid</c>, <c>error</c> and <c>drop</c> of <c>conntrack -S</c>.</summary>
internal readonly record struct ConntrackCounters(long Invalid, long Error, long Drop)
{
    /// <summary>
    /// Sums <c>conntrack -S</c>'s per-CPU rows (<c>cpu=0 \tfound=0 invalid=5 … drop=1 … error=0 …</c>):
    /// the kernel keeps these per CPU, and which CPU a packet lands on is chance.
    /// </summary>
    public static ConntrackCounters ParseConntrackStats(string text)
    {
        long invalid = 0, error = 0, drop = 0;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("cpu=", StringComparison.Ordinal))
                continue;
            foreach (string field in line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = field.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !long.TryParse(field.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                    continue;
                switch (field[..eq])
                {
                    case "invalid": invalid += value; break;
                    case "error": error += value; break;
                    case "drop": drop += value; break;
                }
            }
        }
        return new ConntrackCounters(invalid, error, drop);
    }

    /// <summary>One field of <c>conntrack -S</c> (e.g. <c>early_drop</c>) summed over the CPU rows.</summary>
    public static long SumField(string text, string name)
    {
        long total = 0;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("cpu=", StringComparison.Ordinal))
                continue;
            foreach (string field in line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = field.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && field.AsSpan(0, eq).SequenceEqual(name)
                    && long.TryParse(field.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    total += value;
                }
            }
        }
        return total;
    }

    public static ConntrackCounters From(ConntrackStatistics stats) => new(stats.Invalid, stats.Error, stats.Drop);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"invalid={Invalid} error={Error} drop={Drop}");
}
