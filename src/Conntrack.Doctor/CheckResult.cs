using System.Globalization;

namespace Conntrack.Doctor;

/// <summary>
/// A diagnosis as a monitoring check sees it: a status, one sentence, and the numbers for performance data.
/// The fill thresholds replace the doctor's fixed 80 %, and drops count only when they happened since the
/// previous check (the doctor's verdict weighs every drop since boot); the doctor's Unknown stays unknown.
/// </summary>
public sealed record CheckResult(
    CheckStatus Status,
    string Text,
    long? Count,
    long? Max,
    CheckThresholds Thresholds,
    CheckCounters? Counters)
{
    /// <summary>
    /// The check of <paramref name="diagnosis"/>. <paramref name="previous"/> holds the counters the last
    /// check saw; when there are none, <paramref name="noPrevious"/> says why (first check, a snapshot, …).
    /// </summary>
    public static CheckResult From(Diagnosis diagnosis, CheckThresholds thresholds, CheckCounters? previous, string noPrevious)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        ArgumentNullException.ThrowIfNull(thresholds);
        var usage = diagnosis.Usage;
        var counters = CheckCounters.Of(diagnosis.Host.Counters);
        if (diagnosis.Verdict == Verdict.Unknown)
            return new CheckResult(CheckStatus.Unknown, diagnosis.Headline, usage.Count, usage.Max, thresholds, counters);
        if (usage.Count is not long count || usage.Max is not long max)
        {
            string missing = usage.Count is null ? "nf_conntrack_count" : "nf_conntrack_max";
            return new CheckResult(CheckStatus.Unknown, $"cannot tell how full the table is: {missing} unknown", usage.Count, usage.Max, thresholds, counters);
        }
        var (fillStatus, fillText) = Fill(count, max, thresholds);
        var (dropStatus, dropText) = Drops(counters, previous, noPrevious);
        var status = Worst(fillStatus, dropStatus);
        return new CheckResult(status, $"{fillText}, {dropText}", count, max, thresholds, counters);
    }

    /// <summary>The warning level in entries, for performance data; null without a limit.</summary>
    public double? WarningEntries => Max is long m && m > 0 ? m * Thresholds.WarningPercent / 100 : null;

    public double? CriticalEntries => Max is long m && m > 0 ? m * Thresholds.CriticalPercent / 100 : null;

    // At or above a threshold, so that --critical 100 means "full": the count cannot pass nf_conntrack_max.
    private static (CheckStatus, string) Fill(long count, long max, CheckThresholds thresholds)
    {
        if (max == 0)
            return (CheckStatus.Ok, Invariant($"{count} entries, no limit (nf_conntrack_max = 0)"));
        double percent = 100.0 * count / max;
        var status = percent >= thresholds.CriticalPercent ? CheckStatus.Critical
            : percent >= thresholds.WarningPercent ? CheckStatus.Warning
            : CheckStatus.Ok;
        return (status, Invariant($"table {percent:0.0} % full ({count} of {max})"));
    }

    private static (CheckStatus, string) Drops(CheckCounters? now, CheckCounters? previous, string noPrevious)
    {
        if (now is not CheckCounters current)
            return (CheckStatus.Unknown, "no counters: drops not checked");
        if (previous is not CheckCounters last)
            return (CheckStatus.Ok, noPrevious);
        if (current.WentDownFrom(last))
            return (CheckStatus.Ok, "counters went down since the last check (reboot or module reload): nothing to compare");
        long drop = current.Drop - last.Drop, insertFailed = current.InsertFailed - last.InsertFailed;
        // Any drop or failed insert is a lost packet of a new flow: critical however few.
        return drop > 0 || insertFailed > 0
            ? (CheckStatus.Critical, Invariant($"{drop} dropped, {insertFailed} insert_failed since the last check"))
            : (CheckStatus.Ok, "no drops since the last check");
    }

    /// <summary>Critical, then warning, then unknown, then OK (max_state_alt in the monitoring-plugins library).</summary>
    private static CheckStatus Worst(CheckStatus a, CheckStatus b)
    {
        static int Rank(CheckStatus s) => s switch { CheckStatus.Critical => 3, CheckStatus.Warning => 2, CheckStatus.Unknown => 1, _ => 0 };
        return Rank(a) >= Rank(b) ? a : b;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
