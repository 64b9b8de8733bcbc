using System.Runtime.ExceptionServices;
using Conntrack.Replay.Memory;
using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Timeouts;

namespace Conntrack.Replay.Planning;

/// <summary>
/// Finds the smallest <c>nf_conntrack_max</c> under which a capture drops nothing, by replaying it
/// once per candidate (several candidates at a time, one per core), then adds headroom, sizes the
/// buckets the way the kernel likes (max = buckets, rounded to 512) and prices the result. A
/// capture that ends before the table has filled is sized for its projected steady state instead.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>Shorter values an operator would consider for the timeouts that usually fill tables.</summary>
    private static readonly (TimeoutClass Timeout, long Seconds)[] WhatIfs =
    [
        (TimeoutClass.TcpEstablished, 86400),
        (TimeoutClass.TcpEstablished, 3600),
        (TimeoutClass.TcpTimeWait, 30),
        (TimeoutClass.Udp, 10),
        (TimeoutClass.UdpStream, 60),
    ];

    // One hash key for every candidate, so they differ only in the limit.
    private const ulong PlanningSeed = 0x5EED;

    /// <summary>The plan; <paramref name="horizonSeconds"/> is the uptime to size open connections for (they keep arriving until then), 0 = as held at the end.</summary>
    public static CapacityPlan Plan(Func<CaptureReader> open, ConntrackSettings baseline, double headroom, MemoryProfile profile, int parallelism = 0, double horizonSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(baseline);
        int workers = parallelism > 0 ? parallelism : Environment.ProcessorCount;
        var candidates = new List<PlanCandidate>();

        // An unlimited table shows what the traffic needs; the what-ifs run beside it.
        var jobs = new List<ConntrackSettings> { WithMax(baseline, 0) };
        foreach (var (timeout, seconds) in WhatIfs)
        {
            var s = WithMax(baseline, 0);
            s.Set(timeout, Math.Min(seconds, baseline.Get(timeout)));
            jobs.Add(s);
        }
        var peaks = Run(open, jobs, workers, horizonSeconds);
        int unlimitedPeak = peaks[0].Peak;
        var whatIfs = WhatIfs.Select((w, i) => new TimeoutWhatIf(w.Timeout, baseline.Get(w.Timeout), Math.Min(w.Seconds, baseline.Get(w.Timeout)), peaks[i + 1].Peak, unlimitedPeak))
            .Where(w => w.ProposedSeconds < w.CurrentSeconds).ToList();

        // k-ary search for the smallest limit with no drops in (lo, hi]; hi is safe by construction.
        int lo = 0, hi = Math.Max(1, unlimitedPeak);
        while (hi - lo > 1)
        {
            int k = Math.Min(workers, hi - lo - 1);
            var limits = Enumerable.Range(1, k).Select(i => lo + (int)((long)(hi - lo) * i / (k + 1))).Distinct().ToList();
            var results = Run(open, limits.Select(m => WithMax(baseline, m)).ToList(), workers, horizonSeconds);
            for (int i = 0; i < limits.Count; i++)
                candidates.Add(new PlanCandidate(limits[i], results[i].Drops, results[i].EarlyDrops, results[i].Peak));
            int firstSafe = Array.FindIndex(results, r => r.Drops == 0);
            if (firstSafe < 0)
            {
                lo = limits[^1];
            }
            else
            {
                hi = limits[firstSafe];
                lo = firstSafe > 0 ? limits[firstSafe - 1] : lo;
            }
        }
        int smallest = hi;
        var projection = peaks[0].Projection;
        var basis = projection is { } p && p.Peak > smallest ? PlanBasis.Projection : PlanBasis.ObservedPeak;
        int sizedFor = basis == PlanBasis.Projection ? projection!.Peak : smallest;
        int recommended = (int)Math.Min(int.MaxValue, Math.Ceiling(sizedFor * (1 + headroom)));
        int buckets = (int)ConntrackMemoryModel.RoundBuckets(recommended);
        recommended = Math.Max(recommended, 1);
        return new CapacityPlan
        {
            UnlimitedPeak = unlimitedPeak,
            Input = peaks[0].Input,
            SmallestSafeMax = smallest,
            Projection = projection,
            Basis = basis,
            Headroom = headroom,
            RecommendedMax = recommended,
            RecommendedBuckets = buckets,
            MemoryAtRecommended = ConntrackMemoryModel.Estimate(recommended, buckets, profile, UsesExtensions(baseline)),
            MemoryProfile = profile,
            Candidates = candidates,
            TimeoutWhatIfs = whatIfs,
        };
    }

    public static bool UsesExtensions(ConntrackSettings s) =>
        ConntrackMemoryModel.UsesExtensions(s.Get("nf_conntrack_acct"), s.Get("nf_conntrack_timestamp"), s.Get("nf_conntrack_events"));

    private static ConntrackSettings WithMax(ConntrackSettings baseline, int max)
    {
        var s = baseline.Clone();
        s.Max = max;
        return s;
    }

    private readonly record struct Outcome(int Peak, long Drops, long EarlyDrops, PlanInput Input, TableProjection? Projection);

    private static Outcome[] Run(Func<CaptureReader> open, List<ConntrackSettings> jobs, int workers, double horizonSeconds)
    {
        var outcomes = new Outcome[jobs.Count];
        try
        {
            Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
            {
                using var reader = open();
                var r = ReplayRunner.Run(reader, new ReplayOptions { Settings = jobs[i], HashSeed = PlanningSeed });
                // Only an unlimited table shows where the traffic leads.
                var projection = jobs[i].Max == 0 ? SteadyStateProjection.From(r, jobs[i], horizonSeconds) : null;
                outcomes[i] = new Outcome(r.PeakEntries, r.Statistics.Drop, r.Statistics.EarlyDrop,
                    new PlanInput(r.Records, r.Packets, r.Skipped, r.UnsupportedLinkTypes), projection);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Every job reads the same capture, so the first failure says what is wrong with it;
            // callers see the exception a single replay would have thrown.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return outcomes;
    }

    /// <summary>The plan as files an operator can drop in place; a plan without traffic has none.</summary>
    public static string ConfigurationText(CapacityPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.HasTraffic)
            throw new InvalidOperationException("the capture created no entry: there is no configuration to size from it");
        return $"""
        # /etc/sysctl.d/90-conntrack.conf  (apply now: sysctl --system)
        net.netfilter.nf_conntrack_max = {plan.RecommendedMax}
        net.netfilter.nf_conntrack_buckets = {plan.RecommendedBuckets}

        # /etc/modprobe.d/nf_conntrack.conf  (bucket count at module load / boot)
        options nf_conntrack hashsize={plan.RecommendedBuckets}

        """;
    }
}
