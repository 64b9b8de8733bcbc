using Conntrack.Doctor;
using Conntrack.Host;
using Conntrack.Host.Counters;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;
using Conntrack.Host.Sysctls;

namespace Conntrack.Monitor;

/// <summary>A recommendation as the dashboard shows it.</summary>
public sealed record DoctorAdvice(string Kind, string Title, string Reason, string Cost, IReadOnlyList<string> Commands);

/// <summary>
/// The doctor's verdict on one namespace, judged from what the watcher already read (count, max, buckets, the per-CPU
/// counters over ctnetlink, the namespace's table-full log lines) — no extra read of the kernel per interval.
/// </summary>
public sealed record DoctorView(string Verdict, string Words, string Headline, IReadOnlyList<string> Evidence, IReadOnlyList<DoctorAdvice> Recommendations)
{
    private const string Source = "ctnetlink (ctnet serve)";

    public static DoctorView Of(NamespaceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var diagnosis = DoctorAnalyzer.Analyze(Observation(snapshot));
        return new DoctorView(
            VerdictText.Json(diagnosis.Verdict),
            VerdictText.Words(diagnosis.Verdict),
            diagnosis.Headline,
            diagnosis.Evidence,
            [.. diagnosis.Recommendations.Select(r => new DoctorAdvice(r.Kind, r.Title, r.Reason, r.Cost, r.Commands))]);
    }

    internal static HostObservation Observation(NamespaceSnapshot s)
    {
        var settings = HostSettings.FromValues(
            [new("nf_conntrack_count", s.Entries), new("nf_conntrack_max", s.Max), new("nf_conntrack_buckets", s.Buckets)], Source);
        var totals = s.Cpus.SelectMany(c => c.Values).GroupBy(v => v.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, long>(g.Key, g.Sum(v => (long)v.Value)));
        return new HostObservation
        {
            Live = true,
            Root = "/",
            Settings = settings,
            Counters = s.Cpus.Count == 0 ? null : ConntrackCounters.FromTotals(Source, "ctnetlink statistics", s.Cpus.Count, s.Entries, totals),
            Logs = new LogEvidence
            {
                Sources = [],
                Timeline = [],
                ByNetns = new Dictionary<long, long>(),
                TableFullPrinted = s.TableFullLogLines,
                TableFullSuppressed = s.TableFullLogSuppressed,
                Note = "kernel log read by ctnet serve from " + s.LogSource + " since it started",
            },
            Inputs = [],
            Issues = new ParseIssueLog(),
            PageSize = Environment.SystemPageSize,
        };
    }
}
