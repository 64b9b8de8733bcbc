using System.Text.Json;

namespace Conntrack.Monitor.Tests;

/// <summary>The dashboard's doctor panel: the doctor's verdict from a watcher's snapshot alone, and the message it travels in.</summary>
public sealed class DoctorViewTests
{
    [Fact]
    public void A_full_table_with_drops_and_table_full_lines_is_dropping_full_with_advice()
    {
        var view = DoctorView.Of(SampleSnapshots.Of("full", entries: 262_144));
        Assert.Equal("dropping_full", view.Verdict);
        Assert.Equal("dropping packets: table full", view.Words);
        Assert.NotEmpty(view.Evidence);
        Assert.NotEmpty(view.Recommendations);
        Assert.DoesNotContain(view.Recommendations, r => r.Kind == "no_change");
    }

    [Fact]
    public void A_quiet_table_without_drops_is_healthy_and_needs_nothing()
    {
        var quiet = SampleSnapshots.Of("quiet", entries: 1000) with
        {
            Cpus = [new CpuCounters(0, SampleSnapshots.Columns.ToDictionary(c => c, _ => 0u, StringComparer.Ordinal))],
            TableFullLogLines = 0,
            TableFullLogSuppressed = 0,
        };
        var view = DoctorView.Of(quiet);
        Assert.Equal("healthy", view.Verdict);
        Assert.Contains("1,000 of 262,144", view.Headline, StringComparison.Ordinal);
        Assert.Equal("no_change", view.Recommendations[0].Kind);
    }

    [Fact]
    public void The_event_message_is_camel_case_and_keeps_an_infinite_time_to_full()
    {
        var snapshot = SampleSnapshots.Of("ns1");
        var state = new DashboardState(DateTimeOffset.UnixEpoch, [new DashboardNamespace("ns1", null, snapshot, DoctorView.Of(snapshot))]);
        using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(state, DashboardFeed.Json));
        var ns = json.RootElement.GetProperty("namespaces")[0];
        Assert.Equal("Infinity", ns.GetProperty("snapshot").GetProperty("timeToFullSeconds").GetString());
        Assert.Equal(3, ns.GetProperty("snapshot").GetProperty("entries").GetInt64());
        Assert.Equal("dropping_full", ns.GetProperty("doctor").GetProperty("verdict").GetString());
    }
}
