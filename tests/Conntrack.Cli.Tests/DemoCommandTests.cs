using System.Text.Json;

namespace Conntrack.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public void Demo_fills_the_small_table_and_reports_drops()
    {
        var run = CtnetProcess.Run("demo", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        long max = root.GetProperty("table").GetProperty("nf_conntrack_max").GetInt64();
        Assert.Equal(2048, max);
        Assert.Equal(max, root.GetProperty("peak_entries").GetInt64());
        // TIME_WAIT churn keeps the table full of ASSURED entries, so new flows are dropped.
        Assert.True(root.GetProperty("stats").GetProperty("drop").GetInt64() > 0);
        Assert.True(root.GetProperty("final_by_state").GetProperty("tcp TIME_WAIT").GetInt64() > max / 2);
    }

    [Fact]
    public void Demo_traffic_is_deterministic_for_a_seed_and_differs_across_seeds()
    {
        // The traffic is fixed by --seed; the table's hash key is random per run (as the kernel's),
        // so early-drop outcomes may differ between runs but the packets may not.
        static string Peak(string seed)
        {
            var run = CtnetProcess.Run("demo", "--json", "--seed", seed);
            Assert.Equal(0, run.ExitCode);
            using var doc = JsonDocument.Parse(run.Stdout);
            return $"{doc.RootElement.GetProperty("packets")}/{doc.RootElement.GetProperty("bytes")}/{doc.RootElement.GetProperty("last_timestamp")}";
        }
        Assert.Equal(Peak("7"), Peak("7"));
        Assert.NotEqual(Peak("7"), Peak("8"));
    }

    [Fact]
    public void Demo_human_report_leads_with_the_table_facts()
    {
        var run = CtnetProcess.Run("demo");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("nf_conntrack_max 2,048", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("table full, dropping packet", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("early_drop", run.Stdout, StringComparison.Ordinal);
        // Redirected output carries no escape sequences.
        Assert.DoesNotContain("\u001b[", run.Stdout, StringComparison.Ordinal);
    }
}
