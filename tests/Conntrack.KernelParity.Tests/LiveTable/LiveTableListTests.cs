using System.Diagnostics;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Fill;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.LiveTable;

/// <summary>
/// ctnet list/count/stats against conntrack-tools on the same namespace: the same lines (timeout and
/// delta-time within 1 s, since the two reads are a moment apart), the same filtered sets, the same counts.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class LiveTableListTests(ITestOutputHelper output) : IDisposable
{
    private readonly LiveTableNamespace _ns = LiveTableNamespace.Create(perGroup: 300);

    public void Dispose() => _ns.Dispose();

    [KernelTheory]
    [InlineData]
    [InlineData("-o", "extended")]
    [InlineData("-o", "id")]
    [InlineData("-o", "extended,id")]
    [InlineData("-o", "json")]
    public void ListPrintsWhatConntrackPrints(params string[] format)
    {
        bool json = format.Contains("json");
        var (conntrack, ctnet, slack) = ReadTwice(() => _ns.Exec("conntrack", ["-L", .. json ? [] : format]), () => _ns.Ctnet(["list", .. format]));
        Assert.True(ctnet.Ok, ctnet.ToString());
        int count = ConntrackLines.Lines(conntrack.Stdout).Count;
        output.WriteLine($"{count} entries");
        Assert.True(count >= 8000, $"the fill gave only {count} entries");
        if (json)
        {
            Assert.Equal(count, ConntrackLines.Lines(ctnet.Stdout).Count(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("orig").GetProperty("src").GetString() is not null));
        }
        else
        {
            Assert.Null(ConntrackLines.Difference(conntrack.Stdout, ctnet.Stdout, slack));
        }
        Assert.Equal($"ctnet (conntrack-tools 1.4.7 compatible): {count} flow entries have been shown.\n", ctnet.Stderr);
        Assert.EndsWith($"{count} flow entries have been shown.\n", conntrack.Stderr, StringComparison.Ordinal);
    }

    [KernelFact]
    public void ExtendedEqualsTheProcFileInConntrackSpelling()
    {
        var (proc, ctnet, slack) = ReadTwice(() => _ns.Exec("cat", "/proc/net/nf_conntrack"), () => _ns.Ctnet("list", "-o", "extended"));
        Assert.True(ctnet.Ok, ctnet.ToString());
        string procAsConntrack = string.Join('\n', ConntrackLines.Lines(proc.Stdout).Select(ConntrackLines.FromProc));
        Assert.Null(ConntrackLines.Difference(procAsConntrack, ctnet.Stdout, slack));
    }

    // The filler's addresses: clients 10.64.0.0/10 and fd00:210::/64 from port 1024 + index, servers
    // 10.200.SLOT.1 and fd00:200::SLOT:1 (DNAT target .2), masquerade to the router 10.202.255.1, zone 7, mark 42.
    [KernelTheory]
    [InlineData("-s", "10.64.0.0/24")]
    [InlineData("-s", "10.64.0.7")]
    [InlineData("-d", "10.200.{gre}.1")]
    [InlineData("-r", "10.200.{gre}.2")]
    [InlineData("-q", "10.64.0.7")]
    [InlineData("-q", "10.202.255.1")]
    [InlineData("-s", "fd00:210::/64")]
    [InlineData("-d", "fd00:200::{udp6}:1", "-p", "udp")]
    [InlineData("-p", "tcp")]
    [InlineData("-p", "47")]
    [InlineData("-p", "icmpv6")]
    [InlineData("-f", "ipv6")]
    [InlineData("-p", "udp", "--dport", "53")]
    [InlineData("-p", "tcp", "--sport", "1030")]
    [InlineData("-p", "tcp", "--sport", "1030", "-f", "ipv4")]
    [InlineData("-p", "tcp", "--reply-port-dst", "1030")]
    [InlineData("-p", "tcp", "--state", "TIME_WAIT")]
    [InlineData("-p", "sctp", "--state", "ESTABLISHED")]
    [InlineData("-m", "42")]
    [InlineData("-m", "0x20/0xf0")]
    [InlineData("-u", "ASSURED")]
    [InlineData("-u", "UNREPLIED")]
    [InlineData("-u", "SEEN_REPLY")]
    [InlineData("-w", "7")]
    [InlineData("-w", "7", "-p", "sctp")]
    // conntrack 1.4.7 lists nothing for "-m 42 -u ASSURED" but the right entries for "-u ASSURED -m 42" (its
    // status option clobbers the mark filter); ctnet gives the latter for both orders, so the test uses that one.
    [InlineData("-s", "10.64.0.0/16", "-u", "ASSURED", "-m", "42", "-w", "7")]
    public void FiltersSelectWhatConntrackSelects(params string[] template)
    {
        string[] filter = [.. template.Select(t => t
            .Replace("{gre}", $"{_ns.SlotOf(FillKind.Gre, FillTreatment.Dnat)}", StringComparison.Ordinal)
            .Replace("{udp6}", $"{_ns.SlotOf(FillKind.UdpAssured, FillTreatment.Dnat, ipv6: true):x}", StringComparison.Ordinal))];
        var (conntrack, ctnet, slack) = ReadTwice(() => _ns.Exec("conntrack", ["-L", .. filter]), () => _ns.Ctnet(["list", .. filter]));
        Assert.True(ctnet.Ok, ctnet.ToString());
        int count = ConntrackLines.Lines(conntrack.Stdout).Count;
        output.WriteLine($"{string.Join(' ', filter)}: {count} entries");
        Assert.True(count > 0, "the filter selects nothing in the fill: the test would prove nothing");
        Assert.Null(ConntrackLines.Difference(conntrack.Stdout, ctnet.Stdout, slack));
        var counted = _ns.Ctnet(["count", .. filter]);
        Assert.Equal($"{count}\n", counted.Stdout);
    }

    [KernelFact]
    public void CountAndStatsEqualConntracks()
    {
        Assert.Equal(_ns.Exec("conntrack", "-C").Stdout, _ns.Ctnet("count").Stdout);
        // Nothing passes through the namespace, so the per-CPU counters stand still between the two reads.
        Assert.Equal(_ns.Exec("conntrack", "-S").Stdout, _ns.Ctnet("stats").Stdout);
    }

    [KernelTheory]
    [InlineData("state")]
    [InlineData("state,proto")]
    [InlineData("proto,zone,mark")]
    [InlineData("dport")]
    [InlineData("src")]
    public void CountByAggregatesWhatConntrackLists(string keys)
    {
        var lines = ConntrackLines.Lines(_ns.Exec("conntrack", "-L").Stdout);
        var expected = lines.GroupBy(l => string.Join(' ', keys.Split(',').Select(k => Field(l, k))))
            .Select(g => $"{g.Count()} {g.Key}").Order(StringComparer.Ordinal).ToList();
        var ctnet = _ns.Ctnet("count", "--by", keys, "--top", "0");
        Assert.True(ctnet.Ok, ctnet.ToString());
        var actual = ConntrackLines.Lines(ctnet.Stdout).Skip(1)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.Contains($"{lines.Count} flow entries in {expected.Count} groups.", ctnet.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A grouped field read back from a conntrack -L line (the first occurrence is the original direction's).</summary>
    private static string Field(string line, string key)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string Named(string name, string absent) => tokens.FirstOrDefault(t => t.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..] ?? absent;
        return key switch
        {
            "state" => tokens[3].Contains('=', StringComparison.Ordinal) ? "-" : tokens[3],
            "proto" => tokens[0],
            "src" => Named("src", "?"),
            "dst" => Named("dst", "?"),
            "dport" => Named("dport", "0"),
            "zone" => Named("zone", "0"),
            _ => Named("mark", "0"),
        };
    }

    // The clocks (timeout, delta-time) may move by as many seconds as the two reads took, plus the tick
    // in progress: on a loaded machine ctnet's start-up alone can take more than the default two seconds.
    private static (Shell.Result First, Shell.Result Second, TimeSpan Slack) ReadTwice(Func<Shell.Result> first, Func<Shell.Result> second)
    {
        long start = Stopwatch.GetTimestamp();
        var a = first();
        var b = second();
        var took = Stopwatch.GetElapsedTime(start);
        return (a, b, TimeSpan.FromSeconds(Math.Ceiling(took.TotalSeconds) + 1));
    }
}
