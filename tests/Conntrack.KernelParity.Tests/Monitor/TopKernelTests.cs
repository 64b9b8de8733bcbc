using System.Text.Json;
using System.Text.RegularExpressions;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.LiveTable;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// <c>ctnet top</c> on a namespace holding real traffic of every kind: one frame as JSON agrees with the kernel's
/// count and with conntrack -L grouped by protocol and state; the live view, driven in a real terminal (tmux), changes
/// grouping and sort with iptstate's keys, shows the kernel's counts in its rows, deletes the highlighted entry only
/// after y, keeps its layout through resizes and quits on q.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed partial class TopKernelTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly LiveTableNamespace _ns = LiveTableNamespace.Create(perGroup: 40);

    public void Dispose() => _ns.Dispose();

    [GeneratedRegex(@"^(\S+)\s+\d+\s+\d+\s+([A-Z_]+)?")]
    private static partial Regex ProtocolAndState();

    /// <summary>conntrack -L counted as top labels its protocol × state groups: "tcp ESTABLISHED", "udp".</summary>
    private Dictionary<string, long> KernelByState()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in ConntrackLines.Lines(_ns.Exec("conntrack", "-L").Stdout))
        {
            var m = ProtocolAndState().Match(line);
            Assert.True(m.Success, line);
            string label = m.Groups[2].Success ? $"{m.Groups[1].Value} {m.Groups[2].Value}" : m.Groups[1].Value;
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }
        return counts;
    }

    /// <summary>The kernel read before and after ctnet; entries that expire in between make it read again.</summary>
    private (Dictionary<string, long> Kernel, JsonElement Frame) Agreeing(params string[] args)
    {
        for (int attempt = 1; ; attempt++)
        {
            var before = KernelByState();
            var top = _ns.Ctnet(["top", "--once", "--json", "--rows", "10000", .. args]);
            Assert.True(top.Ok, top.ToString());
            var after = KernelByState();
            if (before.Count == after.Count && !before.Except(after).Any() || attempt == 5)
            {
                Assert.Equal(before, after);
                return (after, JsonDocument.Parse(top.Stdout).RootElement.Clone());
            }
        }
    }

    [KernelFact]
    public void One_frame_as_json_equals_the_kernels_count_and_its_groups_sum_to_it()
    {
        var (kernel, byState) = Agreeing("--group", "state");
        long total = kernel.Values.Sum();
        output.WriteLine($"{total} entries: {string.Join(", ", kernel.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.True(total >= 1000, $"the fill gave only {total} entries");
        Assert.Equal(total, byState.GetProperty("header").GetProperty("entries").GetInt64());
        Assert.Equal(total, byState.GetProperty("matching").GetInt64());
        var groups = byState.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("label").GetString()!, g => g.GetProperty("entries").GetInt64());
        Assert.Equal(kernel.OrderBy(k => k.Key), groups.OrderBy(g => g.Key));

        foreach (string grouping in new[] { "src", "dst", "dport", "netns", "zone", "mark" })
        {
            var (again, frame) = Agreeing("--group", grouping);
            Assert.Equal(again.Values.Sum(), frame.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("entries").GetInt64()));
        }

        var (tcp, list) = Agreeing("--list", "--sort", "ttl", "-p", "tcp");
        var entries = list.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(tcp.Where(k => k.Key.StartsWith("tcp ", StringComparison.Ordinal)).Sum(k => k.Value), entries.Count);
        Assert.All(entries, e => Assert.Equal("tcp", e.GetProperty("protocol").GetString()));
        var ttls = entries.Select(e => e.GetProperty("ttlSeconds").GetInt64()).ToList();
        Assert.Equal(ttls.OrderDescending(), ttls);
    }

    [KernelFact]
    public void The_live_view_follows_its_keys_and_the_terminals_size()
    {
        using var terminal = new Tmux($"ctnet-top-{System.Environment.ProcessId}", 80, 24,
            "dotnet", LiveTableNamespace.CtnetDll, "top", "--netns", _ns.Name, "--allow-delete");
        try
        {
            terminal.WaitFor(s => s[0].Contains("grouped by src", StringComparison.Ordinal) && s[6].StartsWith("SRC", StringComparison.Ordinal), Patience);
            terminal.Keys("g", "g", "g");
            var screen = terminal.WaitFor(s => s[0].Contains("grouped by state", StringComparison.Ordinal) && s[7].Length > 0, Patience);
            AssertFits(screen, 80, 24);
            var kernel = KernelByState();
            var (label, count) = kernel.MaxBy(k => k.Value);
            // The largest group is the first row, with the kernel's count (long-lived ESTABLISHED entries do not expire meanwhile).
            Assert.Matches($@"^{Regex.Escape(label)} +{count:N0} ", screen[7]);

            terminal.Keys("l");
            terminal.WaitFor(s => s[0].Contains("entries by ttl descending", StringComparison.Ordinal) && s[6].StartsWith("SOURCE", StringComparison.Ordinal), Patience);
            terminal.Keys("b", "b", "b", "b", "b");
            terminal.WaitFor(s => s[0].Contains("entries by protocol ascending", StringComparison.Ordinal) && s[6].Contains("PROTO▲", StringComparison.Ordinal), Patience);

            // d asks first; n keeps the entry, y deletes the highlighted one in the kernel (false, "already gone", if it had not been there).
            terminal.Keys("d");
            terminal.WaitFor(s => s[^1].StartsWith("delete ", StringComparison.Ordinal) && s[^1].EndsWith("? y/N", StringComparison.Ordinal), Patience);
            terminal.Keys("n");
            terminal.WaitFor(s => s[^1] == "nothing deleted", Patience);
            terminal.Keys("d", "y");
            terminal.WaitFor(s => s[^1] == "deleted 1 entry", Patience);

            terminal.Resize(120, 40);
            screen = terminal.WaitFor(s => s.Count(l => l.Length > 0) > 30, Patience);
            AssertFits(screen, 120, 40);
            terminal.Resize(60, 15);
            screen = terminal.WaitFor(s => s[0].StartsWith("ctnet top", StringComparison.Ordinal) && s[1].Contains("buckets", StringComparison.Ordinal) && s[13].Length > 0, Patience);
            AssertFits(screen, 60, 15);

            terminal.Keys("q");
            terminal.WaitForExit(Patience);
        }
        catch
        {
            output.WriteLine(string.Join('\n', terminal.Screen()));
            throw;
        }
    }

    /// <summary>The header on the first line and nothing wrapped: every line within the width, the heading where the layout puts it.</summary>
    private static void AssertFits(IReadOnlyList<string> screen, int width, int height)
    {
        Assert.Equal(height, screen.Count);
        Assert.StartsWith("ctnet top", screen[0], StringComparison.Ordinal);
        Assert.StartsWith("entries ", screen[1], StringComparison.Ordinal);
        Assert.All(screen, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
    }
}
