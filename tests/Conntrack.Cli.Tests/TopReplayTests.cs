using System.Globalization;
using System.Text.Json;
using Conntrack.TestData;

namespace Conntrack.Cli.Tests;

/// <summary>
/// <c>ctnet top --replay</c> on a generated SYN flood that fills a 4,000-entry table: the frame at a whole second of
/// capture time is the replay report's timeline at that second (entries, new, drops and early drops per second), its
/// groups sum to the count, and the list pages the engine's entries. The same hash seed makes the two runs agree entry for entry.
/// </summary>
public sealed class TopReplayTests : IDisposable
{
    private const string Seed = "3", Max = "max=4000";
    private readonly TempDir _dir = new();
    private readonly string _capture;

    public TopReplayTests()
    {
        _capture = Path.Combine(_dir.Path, "flood.pcap");
        var gen = CtnetProcess.Run("gen", "synflood", "--duration", "20s", "--rate", "500", "--out", _capture);
        Assert.True(gen.ExitCode == 0, gen.Stderr);
    }

    public void Dispose() => _dir.Dispose();

    private JsonElement Frame(params string[] args)
    {
        var top = CtnetProcess.Run(["top", "--replay", _capture, "--hash-seed", Seed, "--set", Max, "--once", "--json", .. args]);
        Assert.True(top.ExitCode == 0, top.Stderr);
        Assert.Empty(top.Stderr);
        return JsonDocument.Parse(top.Stdout).RootElement.Clone();
    }

    [Fact]
    public void The_frame_at_a_capture_second_is_the_replay_timeline_at_that_second()
    {
        string csv = Path.Combine(_dir.Path, "timeline.csv");
        var replay = CtnetProcess.Run("replay", _capture, "--hash-seed", Seed, "--set", Max, "--timeline-csv", csv);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (int second in new[] { 3, 8, 9, 15, 19 })
        {
            // The point that ends at this second: offset second - 1.
            var row = rows.Single(r => r[0] == (second - 1).ToString(CultureInfo.InvariantCulture));
            var frame = Frame("--at", $"{second}s", "--group", "state", "--rows", "10000");
            var header = frame.GetProperty("header");
            string at = $"second {second}";
            Assert.True(long.Parse(row[3], CultureInfo.InvariantCulture) == header.GetProperty("entries").GetInt64(), at);
            Assert.True(double.Parse(row[5], CultureInfo.InvariantCulture) == header.GetProperty("createdPerSecond").GetDouble(), at);
            Assert.True(double.Parse(row[6], CultureInfo.InvariantCulture) == header.GetProperty("dropsPerSecond").GetDouble(), at);
            Assert.True(double.Parse(row[7], CultureInfo.InvariantCulture) == header.GetProperty("earlyDropsPerSecond").GetDouble(), at);
            var end = DateTimeOffset.Parse(row[1], CultureInfo.InvariantCulture).AddSeconds(1);
            Assert.InRange(frame.GetProperty("taken").GetDateTimeOffset() - end, TimeSpan.Zero, TimeSpan.FromMicroseconds(1));
            Assert.Equal(header.GetProperty("entries").GetInt64(), frame.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("entries").GetInt64()));
        }
        // Full and dropping from second 8: the doctor's verdict says so.
        Assert.Equal("dropping_full", Frame("--at", "12s").GetProperty("header").GetProperty("verdict").GetString());
    }

    [Fact]
    public void The_list_pages_the_engines_entries_in_the_chosen_order()
    {
        var frame = Frame("--at", "5s", "--list", "--sort", "ttl", "--rows", "50", "-p", "tcp", "--state", "SYN_RECV");
        var entries = frame.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(50, entries.Count);
        Assert.All(entries, e => Assert.Equal("SYN_RECV", e.GetProperty("state").GetString()));
        var ttls = entries.Select(e => e.GetProperty("ttlSeconds").GetInt64()).ToList();
        Assert.Equal(ttls.OrderDescending(), ttls);
        // Every SYN was answered: SYN_RECV, 60 s, the newest first.
        Assert.InRange(ttls[0], 58, 60);
        Assert.Equal(frame.GetProperty("header").GetProperty("entries").GetInt64(), frame.GetProperty("matching").GetInt64());
    }

    [Fact]
    public void The_text_frame_fits_its_width()
    {
        var top = CtnetProcess.Run("top", "--replay", _capture, "--hash-seed", Seed, "--set", Max, "--once", "--group", "dport");
        Assert.True(top.ExitCode == 0, top.Stderr);
        var lines = top.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ctnet top  replay flood.pcap +0:00:19", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("entries 3,999 / 4,000 [####", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^tcp/80 +3,999 +100% ", lines[7]);
        Assert.All(lines, l => Assert.True(l.Length <= 100, l));
    }

    [Fact]
    public void Replay_options_and_live_options_do_not_mix()
    {
        void Refused(string line, params string[] args)
        {
            var run = CtnetProcess.Run(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("ctnet: " + line + "\n", run.Stderr);
        }
        Refused("--at goes with --replay: a live table has the kernel's settings", "top", "--once", "--at", "5s");
        Refused("--set goes with --replay: a live table has the kernel's settings", "top", "--once", "--set", Max);
        Refused("--netns does not go with --replay: the replay's table is the engine's", "top", "--replay", _capture, "--netns", "x");
        Refused("--allow-delete does not go with --replay: there is no kernel table to delete from", "top", "--replay", _capture, "--allow-delete");
        Refused($"{_dir.Path}: is a directory, expected a pcap or pcapng file", "top", "--replay", _dir.Path, "--once");
        Refused("capture '': expected a file name", "top", "--replay", "", "--once");
        Refused($"{_dir.Path}/none.pcap: no such file", "top", "--replay", $"{_dir.Path}/none.pcap", "--once");
        // A capture of headers only: nothing to show, said in one line instead of waiting for a frame forever.
        string empty = Path.Combine(_dir.Path, "empty.pcap");
        File.WriteAllBytes(empty, File.ReadAllBytes(_capture)[..24]);
        Refused($"{empty}: no packet in the capture that the engine tracks", "top", "--replay", empty, "--once");
        foreach (string speed in new[] { "fast", "NaNx", "Infinity", "0x", "-2x" })
            Refused($"--speed '{speed}': expected a speed such as 10x, 0.5x or max: capture seconds per second, above 0 and at most 1000000", "top", "--replay", _capture, "--speed", speed);
    }
}
