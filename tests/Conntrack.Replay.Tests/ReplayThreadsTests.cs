using System.Text;
using Conntrack.Reporting;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Formats;
using Conntrack.Settings;

namespace Conntrack.Replay.Tests;

public class ReplayThreadsTests
{
    private const long Second = 1_000_000_000;

    private static byte[] Capture(string scenario)
    {
        var stream = new MemoryStream();
        ScenarioCatalog.Generate(stream, scenario, 11, duration: 60 * Second);
        return stream.ToArray();
    }

    private static string ReportJson(byte[] capture, ConntrackSettings settings, int threads)
    {
        using var reader = CaptureReader.Open(new MemoryStream(capture, writable: false), "threads");
        var result = ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, HashSeed = 3, Threads = threads });
        var json = new MemoryStream();
        ReplayJson.Write(json, result, settings);
        var text = new StringBuilder(Encoding.UTF8.GetString(json.ToArray()));
        foreach (var entry in result.FinalEntries)
            text.AppendLine(EntryFormatter.ProcLine(entry, result.LastTimestamp, settings));
        return text.ToString();
    }

    [Theory]
    [InlineData("demo", 0)]
    [InlineData("demo", 1500)]
    [InlineData("nat", 4000)]
    [InlineData("dns", 0)]
    public void A_replay_on_two_threads_reports_exactly_what_one_thread_does(string scenario, int max)
    {
        var capture = Capture(scenario);
        var settings = max > 0 ? new ConntrackSettings { Max = max, Buckets = max } : new ConntrackSettings();
        string one = ReportJson(capture, settings, threads: 1);
        string two = ReportJson(capture, settings, threads: 2);
        // The whole report: counters, peak and its time, timeline, composition, entry-seconds,
        // kernel log lines, lost flows and the final table.
        Assert.Contains("\"peak_entries\"", one, StringComparison.Ordinal);
        Assert.Equal(one, two);
    }
}
