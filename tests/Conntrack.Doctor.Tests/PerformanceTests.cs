using Conntrack.Host;
using Conntrack.TestData;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Conntrack.Doctor.Tests;

public class PerformanceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Writes a /proc/net/nf_conntrack of <paramref name="entries"/> lines: ESTABLISHED, TIME_WAIT,
    /// SYN_SENT, UDP and ICMP from 65,536 clients to 512 servers, with sysctls and counters of a full table.
    /// </summary>
    internal static void WriteLargeSnapshot(string root, int entries)
    {
        var rng = new Random(42);
        Directory.CreateDirectory(Path.Combine(root, "proc/net/stat"));
        Directory.CreateDirectory(Path.Combine(root, "proc/sys/net/netfilter"));
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_max"), entries.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_count"), entries.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_buckets"), "65536\n");
        File.WriteAllText(Path.Combine(root, "proc/net/stat/nf_conntrack"),
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            $"{entries:x8}  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00001000 00000000 00000000  00000000 00000000 00000000 00000000\n");
        using var writer = new StreamWriter(Path.Combine(root, "proc/net/nf_conntrack"), false, new UTF8Encoding(false), 1 << 16);
        for (int i = 0; i < entries; i++)
        {
            string src = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
            string dst = $"192.0.{rng.Next(2)}.{rng.Next(1, 255)}";
            int sport = 1024 + rng.Next(60000);
            int kind = rng.Next(100);
            writer.Write(kind switch
            {
                < 55 => $"ipv4     2 tcp      6 {rng.Next(1, 432000)} ESTABLISHED src={src} dst={dst} sport={sport} dport=443 src={dst} dst={src} sport=443 dport={sport} [ASSURED] mark=0 zone=0 use=2\n",
                < 80 => $"ipv4     2 tcp      6 {rng.Next(1, 120)} TIME_WAIT src={src} dst={dst} sport={sport} dport=80 src={dst} dst={src} sport=80 dport={sport} [ASSURED] mark=0 zone=0 use=2\n",
                < 85 => $"ipv4     2 tcp      6 {rng.Next(1, 120)} SYN_SENT src={src} dst={dst} sport={sport} dport=8080 [UNREPLIED] src={dst} dst={src} sport=8080 dport={sport} mark=0 zone=0 use=2\n",
                < 98 => $"ipv4     2 udp      17 {rng.Next(1, 30)} src={src} dst={dst} sport={sport} dport=53 src={dst} dst={src} sport=53 dport={sport} mark=0 zone=0 use=2\n",
                _ => $"ipv4     2 icmp     1 {rng.Next(1, 30)} src={src} dst={dst} type=8 code=0 id={sport} src={dst} dst={src} type=0 code=0 id={sport} mark=0 zone=0 use=2\n",
            });
        }
    }

    [Fact]
    public void Doctor_analyses_a_100k_entry_table_in_bounded_memory()
    {
        using var dir = new TempDir();
        WriteLargeSnapshot(dir.Path, 100_000);
        // Warm up the code paths once (JIT), then measure.
        DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = Support.Fixture("modern-healthy") }));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"100,000 entries: read and analysed in {clock.Elapsed.TotalMilliseconds:0} ms, {allocated / (1 << 20)} MiB allocated in total, working set {Environment.WorkingSet / (1 << 20)} MiB");

        Assert.Equal(100_000, d.Host.Table!.Summary.Entries);
        Assert.Equal(0, d.Host.Table.Malformed);
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        // Distinct sources exceed the heavy-hitter capacity: counting stays bounded.
        Assert.False(d.Host.Table.Summary.Sources.IsExact);
        Assert.True(d.Host.Table.Summary.Sources.Tracked <= 16_385);
        Assert.Contains(d.Recommendations, r => r.Kind == "shorten_timeout");
    }
}
