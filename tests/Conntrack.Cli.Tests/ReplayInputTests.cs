using System.Text.Json.Nodes;

namespace Conntrack.Cli.Tests;

/// <summary>Replay from standard input, status lines for a growing input, and the hints of the reports.</summary>
public class ReplayInputTests
{
    // A replay that waits for input it will never get must fail, not stall the suite.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Capture(string name) => Path.Combine(CtnetProcess.SharedCaptures, name);

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private const string ChecksumHint = "115 of 193 packets are invalid, 109 of them for a bad checksum: a capture taken on the sending host holds checksums its NIC fills in later (offload); replay with --set nf_conntrack_checksum=0";

    [Fact]
    public void A_capture_on_standard_input_gives_the_report_of_the_file()
    {
        string path = Capture("ndpi_synscan.pcap");
        byte[] bytes = File.ReadAllBytes(path);

        var fromFile = CtnetProcess.Run("replay", path, "--json");
        var fromStdin = CtnetProcess.Run(Timeout, stdin => stdin.WriteAsync(bytes).AsTask(), "replay", "-", "--json");

        Assert.Equal(0, fromStdin.ExitCode);
        var expected = JsonNode.Parse(fromFile.Stdout)!.AsObject();
        var actual = JsonNode.Parse(fromStdin.Stdout)!.AsObject();
        Assert.Equal("stdin", (string?)actual["source"]);
        expected.Remove("source");
        actual.Remove("source");
        Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
    }

    [Fact]
    public void A_slowly_written_pipe_gets_a_status_line_every_5_seconds_of_capture_time()
    {
        byte[] bytes = File.ReadAllBytes(Capture("ndpi_http_ipv6.pcap"));

        var run = CtnetProcess.Run(Timeout, async stdin =>
        {
            await stdin.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stdin.FlushAsync();
            await Task.Delay(500);
            await stdin.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }, "replay", "-", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "ctnet: capture 0:00:05: 5 entries (max 262,144), 0.9 new/s, 0 drops",
                "ctnet: capture 0:00:11: 5 entries (max 262,144), 0 new/s, 0 drops",
                "ctnet: capture 0:00:15: 8 entries (max 262,144), 0.9 new/s, 0 drops",
                "ctnet: capture 0:00:20: 11 entries (max 262,144), 0.6 new/s, 0 drops",
            ],
            Lines(run.Stderr));
    }

    [Fact]
    public void A_regular_file_gets_no_status_lines()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Plan_refuses_standard_input_in_one_line()
    {
        var run = CtnetProcess.Run(Timeout, stdin => Task.CompletedTask, "plan", "-");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["ctnet: -: plan replays its input once per candidate limit and cannot read standard input: save the capture to a regular file first"], Lines(run.Stderr));
    }

    [Fact]
    public void Offloaded_checksums_in_the_router_view_get_a_hint_naming_the_setting()
    {
        var json = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--view", "router", "--json");
        var text = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--view", "router");

        var report = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(109, (long)report["invalid_checksums"]!);
        var hint = Assert.Single(report["hints"]!.AsArray())!;
        Assert.Equal("checksum_offload", (string?)hint["kind"]);
        Assert.Equal(ChecksumHint, (string?)hint["text"]);
        // The console wraps long lines at its width: join them back.
        Assert.Contains("Hint: " + ChecksumHint, string.Join(' ', Lines(text.Stdout).Select(l => l.TrimEnd())), StringComparison.Ordinal);
    }

    [Fact]
    public void The_capture_of_a_sending_host_is_replayed_in_the_host_view_without_checksum_failures()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--json");

        var report = JsonNode.Parse(run.Stdout)!;
        var view = report["view"]!;
        Assert.Equal("host", (string?)view["name"]);
        Assert.Equal("2a00:d40:1:3:7aac:c0ff:fea7:d4c is in 100 % of the packets, talking to 4 peers", (string?)view["reason"]);
        Assert.False((bool)view["requested"]!);
        Assert.Empty(report["hints"]!.AsArray());
        Assert.Equal(0, (long)report["final_unreplied"]!);
    }
}
