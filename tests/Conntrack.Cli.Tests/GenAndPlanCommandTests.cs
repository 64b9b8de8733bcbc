using System.Text.Json;

namespace Conntrack.Cli.Tests;

public class GenAndPlanCommandTests
{
    [Fact]
    public void Gen_writes_a_capture_that_replay_and_plan_read()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctnet-gen-{Guid.NewGuid():N}.pcap");
        try
        {
            var gen = CtnetProcess.Run("gen", "synflood", "--out", path, "--rate", "2000", "--duration", "3s", "--seed", "9");
            Assert.Equal(0, gen.ExitCode);
            Assert.Contains("wrote", gen.Stderr, StringComparison.Ordinal);
            Assert.True(new FileInfo(path).Length > 100_000);

            var replay = CtnetProcess.Run("replay", path, "--json", "--set", "max=1000", "--set", "buckets=1024");
            Assert.Equal(0, replay.ExitCode);
            using (var doc = JsonDocument.Parse(replay.Stdout))
            {
                var root = doc.RootElement;
                // ~6000 half-open connections into a 1000-entry table: full, and early drop at work.
                Assert.Equal(1000, root.GetProperty("peak_entries").GetInt32());
                Assert.True(root.GetProperty("stats").GetProperty("early_drop").GetInt64() > 0);
                Assert.All(root.GetProperty("final_by_state").EnumerateObject(), p => Assert.Equal("tcp SYN_RECV", p.Name));
            }

            var plan = CtnetProcess.Run("plan", path, "--json", "--headroom", "50%");
            Assert.Equal(0, plan.ExitCode);
            using (var doc = JsonDocument.Parse(plan.Stdout))
            {
                var root = doc.RootElement;
                int smallest = root.GetProperty("smallest_safe_max").GetInt32();
                int peak = root.GetProperty("unlimited_peak").GetInt32();
                Assert.InRange(smallest, 1, peak);
                // 3 s of half-open connections against SYN_RECV's 60 s: the headroom goes on the projection.
                Assert.Equal("projection", root.GetProperty("sized_from").GetString());
                int sizedFor = root.GetProperty("sized_for").GetInt32();
                Assert.Equal(root.GetProperty("projection").GetProperty("peak").GetInt32(), sizedFor);
                Assert.True(sizedFor > smallest, $"{sizedFor} vs {smallest}");
                Assert.Equal((int)Math.Ceiling(sizedFor * 1.5), root.GetProperty("recommended_max").GetInt32());
                Assert.True(root.GetProperty("memory_bytes_at_recommended").GetInt64() > 0);
                Assert.Contains("nf_conntrack_max = ", root.GetProperty("configuration").GetString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_arguments_are_one_line_errors()
    {
        var badDuration = CtnetProcess.Run("gen", "web", "--out", Path.Combine(Path.GetTempPath(), "x.pcap"), "--duration", "forever");
        Assert.Equal(2, badDuration.ExitCode);
        Assert.Contains("--duration 'forever'", badDuration.Stderr, StringComparison.Ordinal);

        var badHeadroom = CtnetProcess.Run("plan", Path.Combine(CtnetProcess.SharedCaptures, "zeek_tcp_syn-synack.pcap"), "--headroom", "lots");
        Assert.Equal(2, badHeadroom.ExitCode);
        Assert.Contains("--headroom 'lots'", badHeadroom.Stderr, StringComparison.Ordinal);

        var badBudget = CtnetProcess.Run("demo", "--slab-budget", "12Q");
        Assert.Equal(2, badBudget.ExitCode);
        Assert.Contains("--slab-budget '12Q'", badBudget.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slab_budget_drops_without_table_full_log_lines()
    {
        // 64 KiB of 256-byte objects, 16 per 4 KiB slab: 256 entries fit; the rest fail to allocate.
        var run = CtnetProcess.Run("demo", "--json", "--slab-budget", "64K");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(256, root.GetProperty("peak_entries").GetInt32());
        var drops = root.GetProperty("drops");
        Assert.True(drops.GetProperty("allocation_failures").GetInt64() > 0);
        Assert.Equal(0, drops.GetProperty("table_full").GetInt64());
        Assert.Equal(0, drops.GetProperty("log_lines_printed").GetInt64());
        Assert.Equal(drops.GetProperty("allocation_failures").GetInt64(), root.GetProperty("stats").GetProperty("drop").GetInt64());
    }
}
