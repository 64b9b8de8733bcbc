using Conntrack.Replay.Memory;
using Conntrack.Replay.Planning;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Replay.Tests;

public class CapacityPlannerTests
{
    private const long Second = 1_000_000_000;

    private static byte[] Capture(string scenario, long duration)
    {
        var stream = new MemoryStream();
        ScenarioCatalog.Generate(stream, scenario, 11, duration: duration);
        return stream.ToArray();
    }

    private static ReplayResult Replay(byte[] capture, ConntrackSettings settings, ulong seed)
    {
        using var reader = CaptureReader.Open(new MemoryStream(capture), "plan");
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, HashSeed = seed });
    }

    [Fact]
    public void The_smallest_safe_limit_drops_nothing_and_one_less_drops()
    {
        // Web traffic fills the table with ASSURED TIME_WAIT entries, which early drop cannot evict,
        // so the limit is sharp: the boundary the planner finds must be exact.
        var capture = Capture("web", 15 * Second);
        var baseline = new ConntrackSettings();
        var plan = CapacityPlanner.Plan(() => CaptureReader.Open(new MemoryStream(capture), "plan"), baseline, 0.2, MemoryProfiles.Linux618);

        Assert.InRange(plan.SmallestSafeMax, 1, plan.UnlimitedPeak);
        var atLimit = plan.Candidates.Where(c => c.Max == plan.SmallestSafeMax).ToList();
        Assert.True(atLimit.Count == 1 || plan.SmallestSafeMax == plan.UnlimitedPeak);
        var below = plan.Candidates.Single(c => c.Max == plan.SmallestSafeMax - 1);
        Assert.True(below.Drops > 0, $"max {below.Max} should drop");
        // 15 s is far short of TIME_WAIT's 120 s: the headroom goes on the projected steady state, not the peak seen.
        Assert.Equal(PlanBasis.Projection, plan.Basis);
        Assert.True(plan.Projection!.Peak > plan.SmallestSafeMax, $"{plan.Projection.Peak} vs {plan.SmallestSafeMax}");
        Assert.Equal((int)Math.Ceiling(plan.Projection.Peak * 1.2), plan.RecommendedMax);
        Assert.Equal(0, plan.RecommendedBuckets % 512);
        Assert.True(plan.RecommendedBuckets >= plan.RecommendedMax);

        // A table at the recommended size drops nothing whatever its hash key.
        var safe = baseline.Clone();
        safe.Max = plan.RecommendedMax;
        Assert.Equal(0, Replay(capture, safe, 42).Statistics.Drop);
    }

    [Fact]
    public void Memory_at_the_recommendation_is_whole_slabs_plus_buckets()
    {
        var capture = Capture("dns", 10 * Second);
        var plan = CapacityPlanner.Plan(() => CaptureReader.Open(new MemoryStream(capture), "plan"), new ConntrackSettings(), 0.5, MemoryProfiles.Linux618);
        var m = plan.MemoryAtRecommended;
        Assert.Equal((plan.RecommendedMax + 15) / 16, m.Slabs);
        Assert.Equal(m.Slabs * 4096, m.SlabBytes);
        Assert.Equal(plan.RecommendedBuckets * 8L, m.BucketBytes);
    }

    [Fact]
    public void Shorter_udp_timeout_lowers_a_dns_peak()
    {
        var capture = Capture("dns", 40 * Second);
        var plan = CapacityPlanner.Plan(() => CaptureReader.Open(new MemoryStream(capture), "plan"), new ConntrackSettings(), 0.2, MemoryProfiles.Linux618);
        var udp = plan.TimeoutWhatIfs.Single(w => w.Setting == "nf_conntrack_udp_timeout");
        Assert.Equal(30, udp.CurrentSeconds);
        Assert.Equal(10, udp.ProposedSeconds);
        // DNS entries live as long as the UDP timeout: a third of the timeout, well under the peak.
        Assert.True(udp.Peak < plan.UnlimitedPeak * 0.7, $"{udp.Peak} vs {plan.UnlimitedPeak}");
        Assert.Contains("net.netfilter.nf_conntrack_max = " + plan.RecommendedMax, CapacityPlanner.ConfigurationText(plan), StringComparison.Ordinal);
        Assert.Contains("options nf_conntrack hashsize=" + plan.RecommendedBuckets, CapacityPlanner.ConfigurationText(plan), StringComparison.Ordinal);
    }
}
