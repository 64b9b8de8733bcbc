using System.Diagnostics;
using System.Text.Json;
using Conntrack.Capture;
using Conntrack.TestData;

namespace Conntrack.Cli.Tests;

/// <summary>
/// Every refused option or input is exactly one line on stderr and exit code 2, before any work:
/// no stack trace, no help text, no hang, no guess. One test per family an attacker found, then
/// every numeric option of every command against the values that broke them.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly string Capture = Path.Combine(CtnetProcess.SharedCaptures, "zeek_tcp_syn-synack.pcap");
    private readonly TempDir _dir = new("ctnet-hostile-");

    public void Dispose() => _dir.Dispose();

    private static void AssertRefused(string expectedLine, params string[] args) => AssertOneLine(2, expectedLine, CtnetProcess.Run(args));

    private static void AssertOneLine(int exitCode, string expectedLine, CtnetProcess.Result run)
    {
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal(expectedLine + "\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_a_validator_cannot_convert_is_reported_not_thrown()
    {
        AssertRefused("ctnet: --threads 'abc': expected a whole number from 1 to 64", "replay", Capture, "--threads", "abc");
        AssertRefused("ctnet: --page-size 'lots': expected a power of two from 512 to 1073741824", "doctor", "--page-size", "lots");
    }

    [Fact]
    public void Parse_errors_are_one_line_on_stderr_without_the_help_text_and_help_still_works()
    {
        var bogus = CtnetProcess.Run("replay", Capture, "--bogus");
        AssertOneLine(2, "ctnet: Unrecognized command or argument '--bogus'. (see ctnet replay --help)", bogus);
        Assert.Empty(bogus.Stdout);
        AssertRefused("ctnet: Option '--out' is required.", "snapshot");

        var help = CtnetProcess.Run("replay", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--threads", help.Stdout, StringComparison.Ordinal);
        Assert.Empty(help.Stderr);
    }

    [Fact]
    public void Numbers_are_checked_after_their_unit_and_never_replaced_by_defaults()
    {
        AssertRefused("ctnet: --headroom 'NaN': expected a percentage from 0% to 1000% such as 20%", "plan", Capture, "--headroom", "NaN");
        string output = Path.Combine(_dir.Path, "gen.pcap");
        AssertRefused("ctnet: --duration '400d': expected a length such as 90s, 10m, 2h or 1d, from 1 ms to 366d", "gen", "web", "--out", output, "--duration", "400d");
        AssertRefused("ctnet: --rate '-5': expected flows per second above 0 and at most 100000", "gen", "web", "--out", output, "--rate", "-5");
        AssertRefused("ctnet: --clients '0': expected a whole number from 1 to 1000000", "gen", "web", "--out", output, "--clients", "0");
        AssertRefused("ctnet: --rate: scenario 'idle' has no arrival rate to set", "gen", "idle", "--out", output, "--rate", "5");
        AssertRefused("ctnet: --slab-budget '1': expected at least one slab, 4096 bytes for linux-6.18-x86_64", "demo", "--slab-budget", "1");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Gen_refuses_more_flows_than_its_stated_maximum_before_writing()
    {
        string output = Path.Combine(_dir.Path, "huge.pcap");
        AssertRefused("ctnet: gen web: 8,640,000,000 flows (rate × duration) would be generated: expected at most 10,000,000; lower --rate or --duration",
            "gen", "web", "--out", output, "--rate", "100000", "--duration", "1d");
        AssertRefused("ctnet: --rate 'Infinity': expected flows per second above 0 and at most 100000", "gen", "synflood", "--out", output, "--rate", "Infinity");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Plan_refuses_inputs_it_cannot_read_once_per_candidate()
    {
        string fifo = Path.Combine(_dir.Path, "capture.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            mkfifo.WaitForExit();
        // Opening a FIFO without a writer would block: the refusal must come without opening it.
        AssertRefused($"ctnet: {fifo}: is a FIFO, but plan replays its input once per candidate limit: save the capture to a regular file first", "plan", fifo);
        AssertRefused("ctnet: /dev/null: is a character device, expected a pcap or pcapng file", "plan", "/dev/null");
        AssertRefused($"ctnet: {_dir.Path}: is a directory, expected a pcap or pcapng file", "replay", _dir.Path);
    }

    [Fact]
    public void Plan_of_a_capture_without_ip_traffic_prints_no_configuration()
    {
        byte[] arp = [.. Enumerable.Repeat((byte)0xFF, 6), 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06, .. new byte[28]];
        string arpOnly = WriteCapture("arp.pcap", LinkType.Ethernet, arp, 5);
        string unknownLink = WriteCapture("user0.pcap", (LinkType)147, arp, 3);
        string headerOnly = WriteCapture("empty.pcap", LinkType.Ethernet, arp, 0);

        var run = CtnetProcess.Run("plan", arpOnly);
        AssertOneLine(2, $"ctnet: {arpOnly}: nothing to size from: 5 records, none of them IP (5 ARP or other non-IP frames); no configuration printed", run);
        Assert.Empty(run.Stdout);
        AssertRefused($"ctnet: {unknownLink}: nothing to size from: 3 records, none of them IP (3 frames of link type 147, which ctnet does not decode); no configuration printed", "plan", unknownLink, "--json");
        AssertRefused($"ctnet: {headerOnly}: nothing to size from: the capture holds no packets; no configuration printed", "plan", headerOnly);

        // The replay names the link type it skipped, in the text and in the JSON.
        var replay = CtnetProcess.Run("replay", unknownLink);
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains("  3 frames: unsupported_link_type (link type 147)", replay.Stdout, StringComparison.Ordinal);
        var json = CtnetProcess.Run("replay", unknownLink, "--json");
        Assert.Contains("\"unsupported_link_types\": [\n      147\n    ]", json.Stdout.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_files_are_checked_before_the_replay_and_a_late_failure_keeps_the_summary()
    {
        AssertRefused($"ctnet: --timeline-csv '{_dir.Path}': is a directory, expected a file to write", "replay", Capture, "--timeline-csv", _dir.Path);
        AssertRefused("ctnet: --report '/nonexistent-ctnet/report.html': directory '/nonexistent-ctnet' does not exist", "demo", "--report", "/nonexistent-ctnet/report.html");
        AssertRefused("ctnet: --memory-profile 'huge': expected one of ip_conntrack-228, linux-6.18-x86_64, nf_conntrack-304, nf_conntrack-320, conntrack-384 or an object size of 64-4096 bytes",
            "replay", Capture, "--memory-profile", "huge");

        // /dev/full accepts the open and fails the write, as a full disk does: the summary was printed first.
        var full = CtnetProcess.Run("replay", Capture, "--json", "--report", "/dev/full");
        AssertOneLine(1, "ctnet: --report '/dev/full': could not write the file: No space left on device : '/dev/full'", full);
        using var summary = JsonDocument.Parse(full.Stdout);
        Assert.True(summary.RootElement.GetProperty("packets").GetInt64() > 0);
    }

    [Fact]
    public void Echoed_values_cannot_break_the_line()
    {
        AssertRefused(@"ctnet: /nonexistent/a\nb.pcap: no such file", "replay", "/nonexistent/a\nb.pcap");
        AssertRefused(@"ctnet: --log-style '6.x\u001b[2J': expected one of 6.x, 3.x, 2.6, 2.4", "demo", "--log-style", "6.x\u001b[2J");
    }

    public static TheoryData<string, string> NumericOptions()
    {
        string[] commonBad = ["NaN", "Infinity", "1e300", "", "1\n2"];
        var rows = new TheoryData<string, string>();
        void Add(string commandAndOption, params string[] extra)
        {
            foreach (string value in commonBad.Concat(extra))
                rows.Add(commandAndOption, value);
        }
        Add("replay --threads", "-1", "0");
        foreach (string command in new[] { "replay", "demo" })
        {
            Add($"{command} --netns-inode", "-1");
            Add($"{command} --slab-budget", "-1", "0");
            Add($"{command} --memory-profile", "-1", "0");
        }
        Add("demo --seed");
        Add("gen --seed");
        Add("gen --rate", "-1", "0");
        Add("gen --duration", "-1", "0");
        Add("gen --clients", "-1", "0");
        Add("plan --headroom", "-1");
        Add("plan --memory-profile", "-1", "0");
        Add("doctor --page-size", "-1", "0");
        Add("bench --flows", "-1", "0");
        Add("top --rows", "-1", "0");
        Add("top --interval", "-1");
        Add("top --at", "-1", "0");
        Add("top --hash-seed", "-1");
        Add("replay --hash-seed", "-1");
        return rows;
    }

    [Theory]
    [MemberData(nameof(NumericOptions))]
    public void Every_numeric_option_refuses_what_is_not_a_number_in_range(string commandAndOption, string value)
    {
        string[] parts = commandAndOption.Split(' ');
        string command = parts[0], option = parts[1];
        string[] args = command switch
        {
            "replay" or "plan" => [command, Capture, option, value],
            "gen" => [command, "web", "--out", Path.Combine(_dir.Path, "never.pcap"), option, value],
            _ => [command, option, value],
        };
        var run = CtnetProcess.Run(args);
        Assert.True(run.ExitCode == 2, $"{commandAndOption} '{value}': exit {run.ExitCode}, stderr {run.Stderr}");
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"ctnet: {option} ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    private string WriteCapture(string name, LinkType linkType, byte[] frame, int count)
    {
        string path = Path.Combine(_dir.Path, name);
        using var file = File.Create(path);
        var writer = new PcapWriter(file, linkType);
        for (int i = 0; i < count; i++)
            writer.Write(1_700_000_000_000_000_000 + (i * 1_000_000_000L), frame);
        file.Flush();
        return path;
    }
}
